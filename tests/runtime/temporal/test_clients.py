"""A worker's clients: one per connection and company, made cheaply from what the connection's companies share."""

from __future__ import annotations

from pathlib import Path

import pytest

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


def test_prepared_connections_are_resolved_before_any_run_and_a_broken_one_is_left_to_its_runs(
    tripletex_sandbox_server: Sandbox,
) -> None:
    from tripletex_connect.core.errors import ConfigurationError

    accountant = Accountant(tripletex_sandbox_server, 1)
    resolved: list[str | None] = []

    def connect(connection: str | None, company_id: int) -> Tripletex:
        resolved.append(connection)
        if connection == "broken":
            raise ConfigurationError("no profile named 'broken'")
        return accountant.connect(connection, company_id)

    clients = Clients(connect)
    try:
        clients.prepare(["acct", "broken"])
        assert resolved == ["acct", "broken"] and list(clients.shared) == ["acct"]
        client = clients.get("acct", accountant.refs[0].id)
        assert resolved == ["acct", "broken"]  # the run's company reuses what was prepared
        assert client.whoami().company_id == accountant.refs[0].id
    finally:
        clients.close()


def test_a_worker_prepares_its_configs_profiles_and_the_default_connection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tripletex_connect.core.profiles import Profile, ProfileStore
    from tripletex_connect.runtime.temporal_calls import local_connections, profile_client

    config = tmp_path / "config.toml"
    ProfileStore(config).save(Profile("acct", base_url="http://127.0.0.1:9/v2", consumer_token="c1234",
                                      employee_token="e1234"))
    monkeypatch.setenv("TRIPLETEX_CONFIG", str(config))
    assert local_connections(profile_client) == [None, "acct"]
    assert local_connections(lambda connection, company: profile_client(connection, company)) == []
