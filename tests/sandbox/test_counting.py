"""The request counter that rate-limit tests and benchmarks wrap around a sandbox."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.testclient import TestClient

from tripletex_connect.client import Tripletex
from tripletex_connect.sandbox import Sandbox
from tripletex_connect.sandbox.counting import RequestCounter, count_requests


async def refuse_posts(scope: MutableMapping[str, Any], receive: Callable[[], Awaitable[Any]],
                       send: Callable[[MutableMapping[str, Any]], Awaitable[None]]) -> None:
    status = 429 if scope["method"] == "POST" else 200
    await send({"type": "http.response.start", "status": status, "headers": []})
    await send({"type": "http.response.body", "body": b""})


def test_the_counter_counts_every_answer_and_names_each_429() -> None:
    counter = RequestCounter(refuse_posts)
    http = TestClient(counter)
    statuses = [http.get("/v2/customer").status_code, http.post("/v2/order").status_code,
                http.get("/v2/order").status_code]
    assert statuses == [200, 429, 200]
    assert (counter.requests, counter.too_many, counter.refused) == (3, 1, ["POST /v2/order"])


def test_count_requests_wraps_a_sandbox_before_it_serves() -> None:
    sandbox = Sandbox(memory=True)
    counter = count_requests(sandbox)
    with sandbox, Tripletex.for_sandbox(sandbox) as client:
        client.customers.create({"name": "Telt AS"})
    assert sandbox.app is counter and counter.requests >= 1 and counter.too_many == 0


def test_the_counter_notes_when_each_answered_request_arrived_on_its_clock() -> None:
    ticks = iter([10.0, 10.5, 11.25])
    counter = RequestCounter(refuse_posts, clock=lambda: next(ticks))
    http = TestClient(counter)
    for _ in range(3):
        http.get("/v2/customer")
    assert counter.arrivals == [10.0, 10.5, 11.25]
