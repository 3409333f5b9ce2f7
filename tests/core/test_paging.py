"""Searches iterate lazily over from/count pages, honouring Make's limit."""

from __future__ import annotations

import threading
import tracemalloc
import weakref

import pytest

from tripletex_connect.core.errors import ParameterError
from tripletex_connect.core.paging import AsyncPaginator, Page, Paginator


class Boom(Exception):
    """The error a page of the fake server fails with."""


class FakeServer:
    """Answers from/count requests over `total` numbered values and records what was asked."""

    def __init__(self, total: int, full_result_size: bool = True, fail_at: int | None = None) -> None:
        self.total = total
        self.full_result_size = full_result_size
        self.fail_at = fail_at
        self.requests: list[tuple[int, int]] = []

    def fetch(self, start: int, count: int) -> Page[int]:
        self.requests.append((start, count))
        if start == self.fail_at:
            raise Boom(f"page at {start}")
        values = list(range(start, min(start + count, self.total)))
        return Page(values, start, self.total if self.full_result_size else None)

    async def afetch(self, start: int, count: int) -> Page[int]:
        return self.fetch(start, count)


def test_all_values_are_returned_across_several_pages() -> None:
    server = FakeServer(25)
    assert list(Paginator(server.fetch, page_size=10)) == list(range(25))
    assert sorted(server.requests) == [(0, 10), (10, 10), (20, 10)]  # pages after the first are fetched ahead


def test_a_short_page_ends_the_search_without_an_extra_request() -> None:
    server = FakeServer(25, full_result_size=False)
    assert len(list(Paginator(server.fetch, page_size=10))) == 25
    assert server.requests == [(0, 10), (10, 10), (20, 10)]


def test_an_exact_multiple_stops_on_full_result_size() -> None:
    server = FakeServer(20)
    assert len(list(Paginator(server.fetch, page_size=10))) == 20
    assert sorted(server.requests) == [(0, 10), (10, 10)]


def test_limit_stops_after_n_values_and_asks_only_for_what_is_needed() -> None:
    server = FakeServer(100)
    assert list(Paginator(server.fetch, page_size=10, limit=25)) == list(range(25))
    assert sorted(server.requests) == [(0, 10), (10, 10), (20, 5)]


def test_limit_zero_sends_nothing() -> None:
    server = FakeServer(100)
    assert list(Paginator(server.fetch, limit=0)) == []
    assert server.requests == []


def test_nothing_is_fetched_until_iteration_starts() -> None:
    server = FakeServer(100)
    paginator = Paginator(server.fetch, page_size=10)
    assert server.requests == []
    next(iter(paginator))
    assert server.requests[0] == (0, 10)


def test_raw_pages_are_available_with_the_result_size() -> None:
    server = FakeServer(15)
    pages = list(Paginator(server.fetch, page_size=10).pages())
    assert [len(p) for p in pages] == [10, 5]
    assert pages[0].full_result_size == 15 and pages[1].start == 10


def test_first_fetches_one_value() -> None:
    server = FakeServer(100)
    assert Paginator(server.fetch).first() == 0
    assert server.requests == [(0, 1)]
    assert Paginator(FakeServer(0).fetch).first() is None


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"page_size": -5}, "page_size must be at least 1"),
        ({"page_size": 0}, "page_size must be at least 1"),
        ({"limit": -1}, "limit must be at least 0"),
        ({"limit": "20"}, "limit must be a whole number"),
        ({"limit": 2.5}, "limit must be a whole number"),
        ({"page_size": True}, "page_size must be a whole number"),
    ],
)
def test_a_bad_limit_or_page_size_is_refused_when_the_search_is_made(options: dict[str, object], message: str) -> None:
    server = FakeServer(1)
    with pytest.raises(ParameterError, match=message):
        Paginator(server.fetch, **options)  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match=message):
        AsyncPaginator(server.afetch, **options)  # type: ignore[arg-type]
    assert server.requests == []


def test_memory_stays_flat_while_iterating_many_values() -> None:
    server = FakeServer(1_000_000, full_result_size=False)
    server.requests = []
    tracemalloc.start()
    count = 0
    for _ in Paginator(server.fetch, page_size=1000):
        count += 1
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count == 1_000_000
    # one page of 1,000 ints plus bookkeeping; holding every value would need well over 10 MB
    assert peak < 2_000_000, f"peak {peak} bytes: values are being kept"


async def test_async_paginator_iterates_pages_with_the_same_rules() -> None:
    server = FakeServer(100)
    values = [v async for v in AsyncPaginator(server.afetch, page_size=10, limit=25)]
    assert values == list(range(25))
    assert server.requests == [(0, 10), (10, 10), (20, 5)]
    assert await AsyncPaginator(server.afetch).first() == 0


def test_pages_fetched_ahead_come_out_in_order() -> None:
    server = FakeServer(1_000)
    assert list(Paginator(server.fetch, page_size=7)) == list(range(1_000))
    assert len(server.requests) == len(set(server.requests)) == 143  # each page asked for once


def test_once_the_result_size_is_known_the_following_pages_are_requested_ahead() -> None:
    server = FakeServer(100)
    pages = Paginator(server.fetch, page_size=10, prefetch=4).pages()
    next(pages)
    # The window is filled before the first page is handed out; wait for the threads, not a clock.
    assert _settled(server, 5)
    assert sorted(server.requests) == [(0, 10), (10, 10), (20, 10), (30, 10), (40, 10)]
    pages.close()


def test_no_page_past_the_limit_is_requested_even_when_fetching_ahead() -> None:
    server = FakeServer(10_000)
    assert list(Paginator(server.fetch, page_size=10, limit=35, prefetch=8)) == list(range(35))
    assert sorted(server.requests) == [(0, 10), (10, 10), (20, 10), (30, 5)]


def test_without_a_result_size_pages_are_fetched_one_after_another() -> None:
    server = FakeServer(25, full_result_size=False)
    pages = Paginator(server.fetch, page_size=10).pages()
    next(pages)
    assert server.requests == [(0, 10)]
    pages.close()


def test_an_error_surfaces_at_the_page_it_belongs_to_not_before() -> None:
    server = FakeServer(100, fail_at=30)
    seen: list[int] = []
    with pytest.raises(Boom, match="page at 30"):
        for value in Paginator(server.fetch, page_size=10):
            seen.append(value)
    assert seen == list(range(30))


def test_an_error_on_a_page_never_reached_is_not_raised() -> None:
    server = FakeServer(100, fail_at=20)
    assert list(Paginator(server.fetch, page_size=10, limit=15)) == list(range(15))


def test_prefetch_zero_fetches_one_page_at_a_time() -> None:
    server = FakeServer(25)
    pages = Paginator(server.fetch, page_size=10, prefetch=0).pages()
    next(pages)
    assert server.requests == [(0, 10)]
    pages.close()


def test_memory_stays_flat_while_fetching_ahead() -> None:
    server = FakeServer(200_000)
    tracemalloc.start()
    count = sum(1 for _ in Paginator(server.fetch, page_size=1000))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count == 200_000
    assert peak < 2_000_000, f"peak {peak} bytes: values are being kept"


async def test_async_pages_fetched_ahead_come_out_in_order_within_the_limit() -> None:
    server = FakeServer(10_000)
    values = [v async for v in AsyncPaginator(server.afetch, page_size=7, limit=100, prefetch=3)]
    assert values == list(range(100))
    assert sorted(server.requests) == [(s, 7) for s in range(0, 98, 7)] + [(98, 2)]


async def test_async_an_error_surfaces_at_the_page_it_belongs_to_not_before() -> None:
    server = FakeServer(100, fail_at=30)
    seen: list[int] = []
    with pytest.raises(Boom, match="page at 30"):
        async for value in AsyncPaginator(server.afetch, page_size=10):
            seen.append(value)
    assert seen == list(range(30))
    assert sorted(server.requests)[:5] == [(0, 10), (10, 10), (20, 10), (30, 10), (40, 10)]


class RawServer(FakeServer):
    """Answers with raw (start, count) answers that `decode` turns into pages, recording where each is decoded."""

    def __init__(self, total: int, bad_at: int | None = None) -> None:
        super().__init__(total)
        self.bad_at = bad_at
        self.decoded: list[tuple[int, str]] = []

    def raw(self, start: int, count: int) -> tuple[int, int]:
        self.requests.append((start, count))
        return start, count

    async def araw(self, start: int, count: int) -> tuple[int, int]:
        return self.raw(start, count)

    def decode(self, answer: tuple[int, int]) -> Page[int]:
        start, count = answer
        self.decoded.append((start, threading.current_thread().name))
        if start == self.bad_at:
            raise Boom(f"undecodable page at {start}")
        return Page(list(range(start, min(start + count, self.total))), start, self.total)


def test_pages_fetched_ahead_wait_undecoded_and_are_decoded_in_the_reading_thread_when_reached() -> None:
    server = RawServer(100)
    pages = Paginator(server.raw, page_size=10, prefetch=4, decode=server.decode).pages()
    assert next(pages).values == list(range(10))
    assert _settled(server, 5)
    assert [start for start, _ in server.decoded] == [0]  # the four pages ahead are held as answers
    assert [v for page in pages for v in page.values] == list(range(10, 100))
    assert server.decoded == [(start, threading.current_thread().name) for start in range(0, 100, 10)]


def test_a_page_that_cannot_be_decoded_fails_at_its_place_in_the_order() -> None:
    server = RawServer(100, bad_at=20)
    seen: list[int] = []
    with pytest.raises(Boom, match="undecodable page at 20"):
        for value in Paginator(server.raw, page_size=10, decode=server.decode):
            seen.append(value)
    assert seen == list(range(20))


async def test_async_pages_are_decoded_in_order_when_reached_and_a_bad_one_fails_at_its_place() -> None:
    server = RawServer(100, bad_at=50)
    seen: list[int] = []
    with pytest.raises(Boom, match="undecodable page at 50"):
        async for value in AsyncPaginator(server.araw, page_size=10, limit=80, decode=server.decode):
            seen.append(value)
    assert seen == list(range(50))
    assert [start for start, _ in server.decoded] == [0, 10, 20, 30, 40, 50]
    assert await AsyncPaginator(server.araw, decode=server.decode).first() == 0


class Thing:
    """A value that can be watched with a weak reference."""


def test_the_page_just_read_is_freed_before_the_next_page_is_built() -> None:
    live: weakref.WeakSet[Thing] = weakref.WeakSet()
    held: list[int] = []

    def decode(answer: tuple[int, int]) -> Page[Thing]:
        held.append(len(live))
        things = [Thing() for _ in range(answer[1])]
        live.update(things)
        return Page(things, answer[0], 50)

    count = sum(1 for _ in Paginator(RawServer(50).raw, page_size=10, decode=decode))
    assert count == 50 and max(held) <= 1  # at most the value the caller's loop still names


def _settled(server: FakeServer, count: int) -> bool:
    """True once the fake server has seen `count` requests (threads fetching ahead finish on their own)."""
    deadline = threading.Event()
    for _ in range(1_000):
        if len(server.requests) >= count:
            return True
        deadline.wait(0.005)
    return False
