"""Lazy iteration over `from`/`count` pages, with Make's limit; one plan, a sync and an async driver."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any, Generic, TypeVar

from .errors import ParameterError

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 1000


def _whole(name: str, value: object, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ParameterError(f"{name} must be a whole number, got {value!r}")
    if value < minimum:
        raise ParameterError(f"{name} must be at least {minimum}, got {value}")


def check_window(limit: int | None, page_size: int | None, start: int = 0) -> None:
    """Refuse a limit, page size or start that is not a whole number in range, before anything is sent."""
    if limit is not None:
        _whole("limit", limit, 0)
    if page_size is not None:
        _whole("page_size", page_size, 1)
    _whole("start", start, 0)


@dataclass(frozen=True)
class Page(Generic[T]):
    """One list envelope: the values of this page and what the server said about the whole result."""

    values: list[T]
    start: int
    full_result_size: int | None = None
    version_digest: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False)
    request_id: str | None = None

    def __len__(self) -> int:
        return len(self.values)


@dataclass
class PagePlan:
    """Decides which page to ask for next and when to stop; holds no values, so memory stays flat."""

    start: int = 0
    page_size: int = DEFAULT_PAGE_SIZE
    limit: int | None = None
    yielded: int = 0
    done: bool = False

    def __post_init__(self) -> None:
        check_window(self.limit, self.page_size, self.start)
        self._next = self.start
        if self.limit == 0:
            self.done = True

    def next_request(self) -> tuple[int, int] | None:
        """The (from, count) to fetch next, or None when finished."""
        if self.done:
            return None
        count = self.page_size
        if self.limit is not None:
            count = min(count, self.limit - self.yielded)
        return self._next, count

    def take(self, page: Page[T], asked: int) -> list[T]:
        """Record a fetched page and return the values to hand out (trimmed to the limit)."""
        values = page.values
        if self.limit is not None:
            values = values[: self.limit - self.yielded]
        self.yielded += len(values)
        self._next += len(page.values)
        exhausted = len(page.values) < asked or not page.values
        if page.full_result_size is not None and self._next >= page.full_result_size:
            exhausted = True
        if exhausted or (self.limit is not None and self.yielded >= self.limit):
            self.done = True
        return values


class Paginator(Generic[T]):
    """Iterates every matching value across pages, fetching lazily; `.pages()` yields raw pages."""

    def __init__(
        self,
        fetch: Callable[[int, int], Page[T]],
        *,
        limit: int | None = None,
        page_size: int | None = None,
        start: int = 0,
    ) -> None:
        check_window(limit, page_size, start)
        self._fetch = fetch
        self._limit = limit
        self._page_size = DEFAULT_PAGE_SIZE if page_size is None else page_size
        self._start = start

    def _plan(self) -> PagePlan:
        return PagePlan(start=self._start, page_size=self._page_size, limit=self._limit)

    def pages(self) -> Iterator[Page[T]]:
        """Each page as the server answered it, values trimmed to the limit."""
        plan = self._plan()
        while (request := plan.next_request()) is not None:
            page = self._fetch(*request)
            values = plan.take(page, request[1])
            yield replace(page, values=values)

    def __iter__(self) -> Iterator[T]:
        for page in self.pages():
            yield from page.values

    def first(self) -> T | None:
        """The first matching value, fetching a single one-item page; None when nothing matches."""
        plan = PagePlan(start=self._start, page_size=1, limit=1)
        request = plan.next_request()
        assert request is not None
        values = plan.take(self._fetch(*request), 1)
        return values[0] if values else None

    def to_list(self) -> list[T]:
        """Every matching value in a list (mind the limit for large results)."""
        return list(self)


class AsyncPaginator(Generic[T]):
    """The async twin of Paginator: `async for value in tx.customers.search(...)`."""

    def __init__(
        self,
        fetch: Callable[[int, int], Awaitable[Page[T]]],
        *,
        limit: int | None = None,
        page_size: int | None = None,
        start: int = 0,
    ) -> None:
        check_window(limit, page_size, start)
        self._fetch = fetch
        self._limit = limit
        self._page_size = DEFAULT_PAGE_SIZE if page_size is None else page_size
        self._start = start

    async def pages(self) -> AsyncIterator[Page[T]]:
        """Each page as the server answered it, values trimmed to the limit."""
        plan = PagePlan(start=self._start, page_size=self._page_size, limit=self._limit)
        while (request := plan.next_request()) is not None:
            page = await self._fetch(*request)
            values = plan.take(page, request[1])
            yield replace(page, values=values)

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.pages():
            for value in page.values:
                yield value

    async def first(self) -> T | None:
        """The first matching value, or None when nothing matches."""
        plan = PagePlan(start=self._start, page_size=1, limit=1)
        request = plan.next_request()
        assert request is not None
        values = plan.take(await self._fetch(*request), 1)
        return values[0] if values else None

    async def to_list(self) -> list[T]:
        """Every matching value in a list (mind the limit for large results)."""
        return [value async for value in self]
