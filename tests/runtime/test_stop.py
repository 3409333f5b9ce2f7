"""SIGTERM / Ctrl-C: the step in flight finishes, the run stops there, resumable, and a restart finishes it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx

from tripletex_connect import Tripletex
from tripletex_connect.runtime import RunStore, Service
from tripletex_connect.runtime.clients import ClientPool
from tripletex_connect.sandbox import SandboxCompany

from .conftest import FakeClock

THREE_WRITES = """
    name: three
    trigger: {type: schedule, every: 1m}
    steps:
      - {id: one, module: customer.create, body: {name: "One AS"}}
      - {id: two, module: customer.create, body: {name: "Two AS"}}
      - {id: three, module: customer.create, body: {name: "Three AS"}}
"""


def stop_during_second_create(company: SandboxCompany, stop: Callable[[], None]) -> tuple[Tripletex, httpx.Client]:
    """A client that asks the service to stop while the second POST /customer is answered (as SIGTERM would)."""
    creates = []

    def answered(response: httpx.Response) -> None:
        if response.request.method == "POST" and response.request.url.path == "/v2/customer":
            creates.append(response.status_code)
            if len(creates) == 2:
                stop()

    http = httpx.Client(event_hooks={"response": [answered]})
    return Tripletex.for_sandbox(company, http_client=http), http


def customers(company: SandboxCompany) -> list[str]:
    return sorted(c.name for c in company.client.customers.search(fields="name"))


def test_a_stop_during_step_two_finishes_it_skips_step_three_and_a_restart_completes_the_run_once(
    folder: Path, store: RunStore, clock: FakeClock, write: Callable[[str, str], Path],
    tripletex_sandbox: SandboxCompany,
) -> None:
    write("three.yaml", THREE_WRITES)
    holder: list[Service] = []
    client, http = stop_during_second_create(tripletex_sandbox, lambda: holder[0].request_stop())
    first = Service(folder, store, ClientPool(lambda _c: client), clock=clock, inline=True)
    holder.append(first)
    try:
        first.tick()
        clock.advance(minutes=1)
        first.tick()  # the tick's run: step two is answered while the stop is asked for
        first.stop()
    finally:
        http.close()
    assert customers(tripletex_sandbox) == ["One AS", "Two AS"]
    [kept] = store.incomplete()
    [run] = store.runs("three")
    assert run["status"] == "interrupted" and kept.run_id == run["id"] and kept.step == "three"

    second = Service(folder, store, ClientPool(lambda _c: tripletex_sandbox.client), clock=clock, inline=True)
    try:
        second.tick()  # the restart goes on with the stopped run at once
    finally:
        second.stop()
    assert customers(tripletex_sandbox) == ["One AS", "Three AS", "Two AS"]
    assert store.incomplete() == []
    assert [r["status"] for r in store.runs("three")] == ["interrupted", "ok"]


RETRYING = """
    name: retrying
    trigger: {type: schedule, every: 1m}
    steps:
      - id: find
        module: customer.get
        params: {id: 999999}
        on_error: {retry: {times: 2, backoff: 2s}}
"""


def test_a_stop_during_a_retry_wait_ends_the_wait_and_keeps_the_run_resumable(
    folder: Path, store: RunStore, clock: FakeClock, write: Callable[[str, str], Path],
    tripletex_sandbox: SandboxCompany,
) -> None:
    write("retrying.yaml", RETRYING)
    holder: list[Service] = []
    sent: list[int] = []

    def answered(response: httpx.Response) -> None:
        if response.request.url.path == "/v2/customer/999999":
            sent.append(response.status_code)
            holder[0].request_stop()

    http = httpx.Client(event_hooks={"response": [answered]})
    client = Tripletex.for_sandbox(tripletex_sandbox, http_client=http)
    service = Service(folder, store, ClientPool(lambda _c: client), clock=clock, inline=True)
    holder.append(service)
    try:
        service.tick()
        clock.advance(minutes=1)
        service.tick()
        service.stop()
    finally:
        http.close()
    assert sent == [404]  # no retry was sent after the stop
    [run] = store.runs("retrying")
    [kept] = store.incomplete()
    assert run["status"] == "interrupted" and kept.run_id == run["id"] and kept.step == "find"
