"""Searches iterate lazily over from/count pages, honouring Make's limit."""

from __future__ import annotations

import tracemalloc

import pytest

from tripletex_connect.core.errors import ParameterError
from tripletex_connect.core.paging import AsyncPaginator, Page, Paginator


class FakeServer:
    """Answers from/count requests over `total` numbered values and records what was asked."""

    def __init__(self, total: int, full_result_size: bool = True) -> None:
        self.total = total
        self.full_result_size = full_result_size
        self.requests: list[tuple[int, int]] = []

    def fetch(self, start: int, count: int) -> Page[int]:
        self.requests.append((start, count))
        values = list(range(start, min(start + count, self.total)))
        return Page(values, start, self.total if self.full_result_size else None)

    async def afetch(self, start: int, count: int) -> Page[int]:
        return self.fetch(start, count)


def test_all_values_are_returned_across_several_pages() -> None:
    server = FakeServer(25)
    assert list(Paginator(server.fetch, page_size=10)) == list(range(25))
    assert server.requests == [(0, 10), (10, 10), (20, 10)]


def test_a_short_page_ends_the_search_without_an_extra_request() -> None:
    server = FakeServer(25, full_result_size=False)
    assert len(list(Paginator(server.fetch, page_size=10))) == 25
    assert server.requests == [(0, 10), (10, 10), (20, 10)]


def test_an_exact_multiple_stops_on_full_result_size() -> None:
    server = FakeServer(20)
    assert len(list(Paginator(server.fetch, page_size=10))) == 20
    assert server.requests == [(0, 10), (10, 10)]


def test_limit_stops_after_n_values_and_asks_only_for_what_is_needed() -> None:
    server = FakeServer(100)
    assert list(Paginator(server.fetch, page_size=10, limit=25)) == list(range(25))
    assert server.requests == [(0, 10), (10, 10), (20, 5)]


def test_limit_zero_sends_nothing() -> None:
    server = FakeServer(100)
    assert list(Paginator(server.fetch, limit=0)) == []
    assert server.requests == []


def test_nothing_is_fetched_until_iteration_starts() -> None:
    server = FakeServer(100)
    paginator = Paginator(server.fetch, page_size=10)
    assert server.requests == []
    next(iter(paginator))
    assert server.requests == [(0, 10)]


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
