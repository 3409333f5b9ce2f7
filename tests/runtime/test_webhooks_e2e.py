"""End to end with the sandbox's own webhooks: the service subscribes, the sandbox delivers (here every
delivery arrives twice, through a relay), and the scenario runs once per created customer.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tripletex_connect.runtime import RunStore, Service
from tripletex_connect.runtime.web import create_app
from tripletex_connect.runtime.web.server import WebServer
from tripletex_connect.runtime.webhooks import RECEIVER_PATH, Hooks
from tripletex_connect.sandbox import SandboxCompany
from tripletex_connect.sandbox.server import free_port

from .test_webhooks import HOOKED


def doubling_relay(target: str) -> Starlette:
    """Forwards each delivery to `target` twice, as a network that repeats a request would."""

    async def relay(request: Request) -> Response:
        body = await request.body()
        headers = {k: v for k, v in request.headers.items() if k in ("idempotency-key", "x-request-signature",
                                                                     "content-type")}
        async with httpx.AsyncClient() as http:
            first = await http.post(target + RECEIVER_PATH, content=body, headers=headers)
            await http.post(target + RECEIVER_PATH, content=body, headers=headers)
        return Response(first.content, status_code=first.status_code)

    return Starlette(routes=[Route(RECEIVER_PATH, relay, methods=["POST"])])


@pytest.fixture
def served(make_service: Callable[..., Service], write: Callable[[str, str], Path],
           store: RunStore) -> Iterator[Service]:
    write("hooked.yaml", HOOKED % "create")
    app_port, relay_port = free_port(), free_port()
    receiver = f"http://127.0.0.1:{app_port}"
    service = make_service(hooks=Hooks(store, receiver_url=f"http://127.0.0.1:{relay_port}"))
    servers = [WebServer(create_app(service), "127.0.0.1", app_port).start(),
               WebServer(doubling_relay(receiver), "127.0.0.1", relay_port).start()]
    try:
        yield service
    finally:
        for server in servers:
            server.stop()


def test_a_webhook_scenario_runs_once_per_event_when_the_sandbox_delivers_it_twice(
    served: Service, store: RunStore, tripletex_sandbox: SandboxCompany
) -> None:
    served.tick()  # loads the scenario: subscribes at the sandbox
    [subscription] = store.subscriptions("hooked")
    assert subscription["event"] == "customer.create"
    created = [tripletex_sandbox.client.customers.create({"name": name}) for name in ("Web 1 AS", "Web 2 AS")]
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and len(store.runs("hooked")) < 2:
        served.tick()
        time.sleep(0.05)
    served.tick()
    assert sorted(r["trigger_item"]["name"] for r in store.runs("hooked")) == ["Web 1 AS", "Web 2 AS"]
    assert all(r["trigger"] == "webhook" and r["status"] == "ok" for r in store.runs("hooked"))
    for customer in created:
        assert tripletex_sandbox.client.customers.get(customer.id).description.startswith("hooked")


def test_removing_the_scenario_file_removes_its_subscription(
    served: Service, store: RunStore, folder: Path, tripletex_sandbox: SandboxCompany
) -> None:
    served.tick()
    [subscription] = store.subscriptions("hooked")
    (folder / "hooked.yaml").unlink()
    served.tick()
    assert store.subscriptions("hooked") == []
    at_sandbox = tripletex_sandbox.client.request("GET", "/event/subscription")
    assert subscription["id"] not in [s["id"] for s in at_sandbox["values"]]
