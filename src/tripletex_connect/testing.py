"""pytest plugin: a local Tripletex sandbox for your own tests (registered through an entry point).

    def test_invoice_flow(tripletex_sandbox):
        tx = tripletex_sandbox.client          # a Tripletex client connected to a fresh company
        tx.customers.create({"name": "Test AS"})

`tripletex_sandbox` gives each test its own freshly set-up company (chart of accounts, VAT types,
...), so tests never see each other's data; `tripletex_sandbox_server` is the one in-process server
shared by the whole test session.

Webhooks: `tripletex_sandbox.webhooks()` (or the `tripletex_webhooks` fixture) is a receiver on 127.0.0.1
that records the deliveries of the subscriptions pointed at its `url`; `wait(n)` waits for n of them, and
`tripletex_sandbox.flush_webhooks()` sends everything queued right now:

    def test_new_customers_are_announced(tripletex_sandbox, tripletex_webhooks):
        tx = tripletex_sandbox.client
        tx.event_subscriptions.create({"event": "customer.create", "targetUrl": tripletex_webhooks.url})
        tx.customers.create({"name": "Test AS"})
        [delivery] = tripletex_webhooks.wait(1)
        assert delivery.json["value"]["name"] == "Test AS"

A company without a module (its operations answer 403, as for a real company without it):

    @pytest.mark.tripletex_sandbox(modules_off=["logistics"])
    def test_without_logistics(tripletex_sandbox): ...
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from .sandbox.receiver import WebhookReceiver
    from .sandbox.server import Sandbox, SandboxCompany

MARKER = "tripletex_sandbox(modules_off=[...]): the `tripletex_sandbox` company lacks these modules, e.g. logistics"


def pytest_configure(config: pytest.Config) -> None:
    """Register the `tripletex_sandbox` marker."""
    config.addinivalue_line("markers", MARKER)


@pytest.fixture(scope="session")
def tripletex_sandbox_server() -> Iterator[Sandbox]:
    """One in-memory sandbox server on a free 127.0.0.1 port for the whole test session."""
    from .sandbox.server import Sandbox

    with Sandbox(memory=True) as sandbox:
        yield sandbox


@pytest.fixture
def tripletex_sandbox(request: pytest.FixtureRequest, tripletex_sandbox_server: Sandbox) -> Iterator[SandboxCompany]:
    """A fresh sandbox company for one test, with `.client`, `.async_client()`, `.base_url` and tokens."""
    marker = request.node.get_closest_marker("tripletex_sandbox")
    if marker and (marker.args or set(marker.kwargs) - {"modules_off"}):
        raise TypeError("@pytest.mark.tripletex_sandbox takes only modules_off=[...]")
    company = tripletex_sandbox_server.new_company(modules_off=marker.kwargs.get("modules_off") if marker else None)
    try:
        yield company
    finally:
        company.close()


@pytest.fixture
def tripletex_webhooks(tripletex_sandbox: SandboxCompany) -> WebhookReceiver:
    """A webhook receiver on 127.0.0.1 for the test's sandbox company: subscribe its `url`, then `wait(n)`."""
    return tripletex_sandbox.webhooks()
