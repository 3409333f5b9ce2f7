"""Batch writes: chunks in input order with two in flight, and what each answer means for its items."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest

from tripletex_connect import AsyncTripletex, BatchError, Tripletex, catalog
from tripletex_connect.core.batch import BatchPlan, in_order, in_order_async
from tripletex_connect.core.errors import APIError, TripletexError
from tripletex_connect.sandbox import SandboxCompany

OP = catalog.get("customer.create_many")
CHUNKS = [(start, [start, start + 1]) for start in range(0, 10, 2)]


def envelope(items: list[Any]) -> dict[str, Any]:
    return {"fullResultSize": len(items), "from": 0, "count": len(items), "values": [{"id": i} for i in items]}


def refused(status: int) -> APIError:
    return APIError(f"HTTP {status}", status=status)


class Flight:
    """Counts requests in flight; the first waits until the second has been sent."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.now = self.most = 0
        self.second_sent = threading.Event()
        self.sent: list[int] = []

    def send(self, chunk: list[int]) -> dict[str, Any]:
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)
            self.sent.append(chunk[0])
            if len(self.sent) == 2:
                self.second_sent.set()
        if chunk[0] == 0:
            assert self.second_sent.wait(10), "the second chunk was not sent while the first was out"
        with self.lock:
            self.now -= 1
        return envelope(chunk)


def test_chunks_go_out_two_at_a_time_and_come_back_in_input_order() -> None:
    flight = Flight()
    answered = [(chunk, answer["values"][0]["id"]) for chunk, answer in in_order(flight.send, CHUNKS)]
    assert [chunk for chunk, _ in answered] == CHUNKS
    assert [first for _, first in answered] == [0, 2, 4, 6, 8]
    assert flight.most == 2 and sorted(flight.sent) == [0, 2, 4, 6, 8]


def test_a_window_of_one_sends_one_chunk_at_a_time() -> None:
    seen: list[int] = []
    assert [c for c, _ in in_order(lambda chunk: seen.append(chunk[0]) or envelope(chunk), CHUNKS, window=1)] == CHUNKS
    assert seen == [0, 2, 4, 6, 8]


async def test_the_async_twin_keeps_two_in_flight_and_the_input_order() -> None:
    flight = {"now": 0, "most": 0}
    second = asyncio.Event()

    async def send(chunk: list[int]) -> dict[str, Any]:
        flight["now"] += 1
        flight["most"] = max(flight["most"], flight["now"])
        if chunk[0] == 2:
            second.set()
        if chunk[0] == 0:
            await asyncio.wait_for(second.wait(), 10)
        await asyncio.sleep(0)
        flight["now"] -= 1
        return envelope(chunk)

    answered = [chunk async for chunk, _ in in_order_async(send, CHUNKS)]
    assert answered == CHUNKS and flight["most"] == 2


def test_a_chunk_refused_with_a_4xx_is_resent_item_by_item_and_a_5xx_is_reported_whole() -> None:
    plan = BatchPlan(OP, list(range(6)), size=2)
    assert plan.settle(plan.chunks[0], envelope([0, 1])) == []
    assert plan.settle(plan.chunks[1], refused(422)) == [(2, [2]), (3, [3])]
    assert plan.settle((2, [2]), envelope([2])) == []
    assert plan.settle((3, [3]), refused(422)) == []
    assert plan.settle(plan.chunks[2], refused(503)) == []
    with pytest.raises(BatchError) as caught:
        plan.result()
    assert [c.id for c in caught.value.created] == [0, 1, 2]
    assert [(f.index, f.maybe_written) for f in caught.value.failures] == [(3, False), (4, True), (5, True)]


def test_a_lost_answer_marks_its_chunk_as_maybe_written() -> None:
    plan = BatchPlan(OP, [0, 1], size=2)
    assert plan.settle(plan.chunks[0], TripletexError("connection reset")) == []
    with pytest.raises(BatchError) as caught:
        plan.result()
    assert [(f.index, f.maybe_written) for f in caught.value.failures] == [(0, True), (1, True)]


ITEMS = [{"name": "A"}, {"name": "B"}, {"name": "C", "email": "not-an-email"}, {"name": "D"}, {"name": "E"},
         {"name": "F"}, {"name": ""}]


def check_refused(error: BatchError, tx: Tripletex) -> None:
    assert [c.name for c in error.created] == ["A", "B", "D", "E", "F"]
    assert [(f.index, f.item["name"]) for f in error.failures] == [(2, "C"), (6, "")]
    assert sorted(c.name for c in tx.customers.search()) == ["A", "B", "D", "E", "F"]


def test_create_many_with_chunks_in_flight_reports_each_refused_item_by_index(
    tripletex_sandbox: SandboxCompany,
) -> None:
    tx = tripletex_sandbox.client
    tx.batch_size = 2
    with pytest.raises(BatchError) as caught:
        tx.customers.create_many(ITEMS)
    check_refused(caught.value, tx)


async def test_async_create_many_answers_as_the_sync_client_does(tripletex_sandbox: SandboxCompany) -> None:
    async with AsyncTripletex.for_sandbox(tripletex_sandbox) as atx:
        atx.batch_size = 2
        with pytest.raises(BatchError) as caught:
            await atx.customers.create_many(ITEMS)
        check_refused(caught.value, tripletex_sandbox.client)
        made = await atx.customers.create_many([{"name": f"G{n}"} for n in range(5)])
    assert [c.name for c in made] == [f"G{n}" for n in range(5)]


def test_created_objects_carry_the_request_id_of_their_chunk(tripletex_sandbox: SandboxCompany) -> None:
    tx = tripletex_sandbox.client
    tx.batch_size = 2
    made = tx.customers.create_many([{"name": f"R{n}"} for n in range(5)])
    ids = [c._request_id for c in made]
    assert all(ids) and ids[0] == ids[1] != ids[2] == ids[3] != ids[4]
    assert [c.name for c in made] == [f"R{n}" for n in range(5)]


def test_a_chunk_whose_answer_is_lost_after_the_write_is_reported_maybe_written_and_never_resent(
    tripletex_sandbox: SandboxCompany,
) -> None:
    tx = tripletex_sandbox.client
    tx.batch_size = 2
    tripletex_sandbox.inject("503,method=POST,path=/customer/list,when=after,times=1")
    with pytest.raises(BatchError) as caught:
        tx.customers.create_many([{"name": f"L{n}"} for n in range(5)])
    lost = [(f.index, f.maybe_written) for f in caught.value.failures]
    assert lost in ([(0, True), (1, True)], [(2, True), (3, True)], [(4, True)])
    assert sorted(c.name for c in caught.value.created) == sorted({f"L{n}" for n in range(5)} - {
        f"L{index}" for index, _ in lost})
    assert sorted(c.name for c in tx.customers.search()) == [f"L{n}" for n in range(5)]  # each written once
