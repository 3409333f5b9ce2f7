"""The service's clients share one rate limiter that follows the X-Rate-Limit-* headers, one bucket per credential."""

from __future__ import annotations

from dataclasses import replace

from tripletex_connect import Tripletex
from tripletex_connect.runtime.clients import SERVICE_LIMITER, ClientPool, service_settings
from tripletex_connect.sandbox import SandboxCompany


def test_every_service_client_of_one_credential_shares_one_rate_limiter_bucket(
    tripletex_sandbox: SandboxCompany,
) -> None:
    plain = Tripletex.for_sandbox(tripletex_sandbox).settings
    assert plain.rate_limit_backend is None  # a bare client limits nothing by itself
    own = Tripletex(settings=service_settings(plain))
    client = Tripletex(settings=service_settings(plain.with_company(tripletex_sandbox.client_company_id or 0)))
    try:
        limiter = own._transport.rate_limiter
        assert limiter is not None and limiter is client._transport.rate_limiter
        assert limiter.key(own.settings) == limiter.key(client.settings)
        own.customers.search(limit=1).to_list()
        assert own.rate_limit is not None and own.rate_limit.remaining is not None  # learned from the headers
    finally:
        own.close()
        client.close()


def test_a_configured_rate_limiter_backend_is_kept() -> None:
    settings = Tripletex("c", "e", base_url="http://127.0.0.1:1/v2").settings
    chosen = replace(settings, rate_limit_backend="sqlite:///tmp/limits.sqlite3")
    assert service_settings(chosen) is chosen
    assert service_settings(settings).rate_limit_backend == SERVICE_LIMITER


def test_connections_that_resolve_to_one_credential_and_company_share_one_client(
    tripletex_sandbox: SandboxCompany,
) -> None:
    made: list[Tripletex] = []

    def factory(connection: str | None) -> Tripletex:
        made.append(Tripletex.for_sandbox(tripletex_sandbox))  # the command line's choice wins over the profile
        return made[-1]

    pool = ClientPool(factory)
    try:
        assert pool.get(None) is pool.get("work") is pool.get(None)
        assert len(made) == 2  # the second was made, found to be the same connection, and closed
    finally:
        pool.close()
