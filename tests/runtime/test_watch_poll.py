"""An idle watch costs one small conditional request per poll (answered 304), and still sees a change."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.helpers.traffic import Traffic, logged_client
from tripletex_connect import Tripletex
from tripletex_connect.runtime import RunStore, Service
from tripletex_connect.runtime.clients import ClientPool
from tripletex_connect.sandbox import SandboxCompany
from tripletex_connect.scenario import load_scenario, run_scenario

from .conftest import FakeClock

WELCOME = """
    name: welcome
    trigger: {type: watch, module: customer.search, every: 1m%s}
    steps:
      - id: tag
        module: customer.update
        params: {id: "{{ trigger.id }}"}
        body: {description: "welcomed"}
"""


@pytest.fixture
def logged(tripletex_sandbox: SandboxCompany) -> Iterator[tuple[Tripletex, Traffic]]:
    client, traffic = logged_client(tripletex_sandbox)
    yield client, traffic
    traffic.close()


@pytest.fixture
def service(folder: Path, store: RunStore, clock: FakeClock,
            logged: tuple[Tripletex, Traffic]) -> Iterator[Service]:
    made = Service(folder, store, ClientPool(lambda _connection: logged[0]), clock=clock, inline=True)
    yield made
    made.stop()


def poll(service: Service, clock: FakeClock) -> None:
    clock.advance(minutes=1)
    service.tick()


def test_an_idle_watch_makes_one_conditional_request_per_poll_each_answered_304(
    service: Service, logged: tuple[Tripletex, Traffic], write: Callable[[str, str], Path], clock: FakeClock,
    store: RunStore, tripletex_sandbox: SandboxCompany,
) -> None:
    tripletex_sandbox.client.customers.create({"name": "Before AS"})
    write("welcome.yaml", WELCOME % "")
    service.tick()  # the first look remembers where "now" is, and the list's digest
    traffic = logged[1]
    traffic.take()
    for _ in range(5):
        poll(service, clock)
    idle = traffic.take()
    assert [(s.method, s.path, s.status) for s in idle] == [("GET", "/v2/customer", 304)] * 5
    assert all(s.if_none_match for s in idle)
    tripletex_sandbox.client.customers.create({"name": "New AS"})
    poll(service, clock)
    assert [r["trigger_item"]["name"] for r in store.runs("welcome")] == ["New AS"]
    poll(service, clock)  # the run updated the newest customer: a new digest, nothing new to run
    traffic.take()
    poll(service, clock)
    assert [s.status for s in traffic.take()] == [304]
    assert len(store.runs("welcome")) == 1


def test_objects_left_by_a_limit_are_read_on_the_next_poll_not_hidden_by_a_304(
    service: Service, write: Callable[[str, str], Path], clock: FakeClock, store: RunStore,
    tripletex_sandbox: SandboxCompany,
) -> None:
    write("welcome.yaml", WELCOME % ", limit: 1")
    service.tick()
    for name in ("One AS", "Two AS"):
        tripletex_sandbox.client.customers.create({"name": name})
    poll(service, clock)
    poll(service, clock)
    assert [r["trigger_item"]["name"] for r in store.runs("welcome")] == ["One AS", "Two AS"]


def test_ttx_run_and_ttx_serve_keep_one_watch_position_and_one_per_company(
    make_service: Callable[..., Service], write: Callable[[str, str], Path], store: RunStore,
    tripletex_sandbox: SandboxCompany,
) -> None:
    tripletex_sandbox.client.customers.create({"name": "Seen AS"})
    path = write("welcome.yaml", WELCOME % ", from: all")
    assert run_scenario(load_scenario(path), tripletex_sandbox.client, state=store).output is not None
    service = make_service()
    service.tick()  # the watch goes on where `ttx run` left it: nothing is run twice
    assert [r["trigger_item"]["name"] for r in store.runs("welcome")] == ["Seen AS"]
    scenario = service.by_name("welcome")
    assert scenario is not None
    other = tripletex_sandbox.client.with_company(tripletex_sandbox.client_company_id or 99)
    try:
        keys = {service.position_key(scenario.scenario, c) for c in (tripletex_sandbox.client, other)}
    finally:
        other.close()
    assert len(keys) == 2
