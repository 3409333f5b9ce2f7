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
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .client import AsyncTripletex, Tripletex
    from .sandbox.faults import Fault
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


class FixtureCompany:
    """A sandbox company joined with the SDK: what `tripletex_sandbox` gives a test.

    The sandbox never imports the client; this is where the two meet.
    """

    def __init__(self, company: SandboxCompany) -> None:
        self.company = company
        self._client: Tripletex | None = None

    def __repr__(self) -> str:
        return f"FixtureCompany(base_url={self.base_url!r}, company_id={self.company_id})"

    @property
    def base_url(self) -> str:
        """The sandbox's API base URL."""
        return self.company.base_url

    @property
    def consumer_token(self) -> str:
        """The consumer token that opens this company."""
        return self.company.consumer_token

    @property
    def employee_token(self) -> str:
        """The employee token that opens this company."""
        return self.company.employee_token

    @property
    def company_id(self) -> int:
        """The company's id."""
        return self.company.company_id

    @property
    def client_company_id(self) -> int | None:
        """A client company the employee has accountant access to."""
        return self.company.client_company_id

    @property
    def client(self) -> Tripletex:
        """A Tripletex client connected to this company (created on first use, closed after the test)."""
        if self._client is None:
            from .client import Tripletex

            self._client = Tripletex.for_sandbox(self.company)
        return self._client

    def async_client(self, **options: Any) -> AsyncTripletex:
        """A new AsyncTripletex connected to this company (close it with `await ...aclose()`)."""
        from .client import AsyncTripletex

        return AsyncTripletex.for_sandbox(self.company, **options)

    def inject(self, fault: Fault | str) -> Fault:
        """Make this company's next matching request fail, e.g. `inject("503,method=POST,when=after")`."""
        return self.company.inject(fault)

    def webhooks(self) -> WebhookReceiver:
        """A local receiver (127.0.0.1, a free port) to subscribe; it records deliveries (closed after the test)."""
        return self.company.webhooks()

    def flush_webhooks(self) -> int:
        """Send this company's queued webhook deliveries now; the number delivered."""
        return self.company.flush_webhooks()

    def close(self) -> None:
        """Close the client, if one was made, and drop the faults injected for this company."""
        if self._client is not None:
            self._client.close()
        self.company.close()


@pytest.fixture
def tripletex_sandbox(request: pytest.FixtureRequest, tripletex_sandbox_server: Sandbox) -> Iterator[FixtureCompany]:
    """A fresh sandbox company for one test, with `.client`, `.async_client()`, `.base_url` and tokens."""
    marker = request.node.get_closest_marker("tripletex_sandbox")
    if marker and (marker.args or set(marker.kwargs) - {"modules_off"}):
        raise TypeError("@pytest.mark.tripletex_sandbox takes only modules_off=[...]")
    company = tripletex_sandbox_server.new_company(modules_off=marker.kwargs.get("modules_off") if marker else None)
    joined = FixtureCompany(company)
    try:
        yield joined
    finally:
        joined.close()


@pytest.fixture
def tripletex_webhooks(tripletex_sandbox: FixtureCompany) -> WebhookReceiver:
    """A webhook receiver on 127.0.0.1 for the test's sandbox company: subscribe its `url`, then `wait(n)`."""
    return tripletex_sandbox.webhooks()
