"""A worker's clients: one per connection and company, made cheaply from what the connection's companies share."""

from __future__ import annotations

from tripletex_connect.client import Tripletex
from tripletex_connect.runtime.temporal_calls import Clients
from tripletex_connect.sandbox import Sandbox

from .conftest import Accountant


def test_a_connection_is_resolved_once_and_its_companies_share_one_pool_limiter_and_session_store(
    tripletex_sandbox_server: Sandbox,
) -> None:
    accountant = Accountant(tripletex_sandbox_server, 2)
    resolved: list[tuple[str | None, int]] = []

    def connect(connection: str | None, company_id: int) -> Tripletex:
        resolved.append((connection, company_id))
        return accountant.connect(connection, company_id)

    clients = Clients(connect)
    try:
        first, second = (clients.get("acct", ref.id) for ref in accountant.refs)
        assert clients.get("acct", accountant.refs[0].id) is first
        assert resolved == [("acct", accountant.refs[0].id)]
        assert [c.settings.company_id for c in (first, second)] == [ref.id for ref in accountant.refs]
        assert first.whoami().company_id == accountant.refs[0].id
        assert second.whoami().company_id == accountant.refs[1].id
        assert list(clients.shared) == ["acct"]  # one HTTP pool, limiter and session store for both
    finally:
        clients.close()
        accountant.close()
