"""Lazy iteration over `from`/`count` pages, with Make's limit; one plan, a sync and an async driver."""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from .errors import ParameterError

if TYPE_CHECKING:  # imported where used: `import tripletex_connect` stays cheap
    import asyncio
    from concurrent.futures import Future, ThreadPoolExecutor

T = TypeVar("T")

H = TypeVar("H")

DEFAULT_PAGE_SIZE = 1000
PREFETCH = 8
"""Pages fetched ahead at most, once the first page has told the result size (memory stays flat)."""


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


    def ahead(self, total: int) -> Iterator[tuple[int, int]]:
        """The (from, count) of every page still to come when the result holds `total` values, limit kept."""
        position = self._next
        left = None if self.limit is None else self.limit - self.yielded
        while position < total and (left is None or left > 0):
            count = self.page_size if left is None else min(self.page_size, left)
            yield position, count
            position += count
            if left is not None:
                left -= count


class Prefetch(Generic[H]):
    """The pages asked for ahead, oldest first, each with its in-flight handle (a future or a task).

    Shared by the sync and async drivers: they only differ in how a handle is started and awaited.
    """

    def __init__(self, window: int) -> None:
        self.window = window
        self.pending: deque[tuple[tuple[int, int], H]] = deque()
        self._schedule: Iterator[tuple[int, int]] | None = None

    def claim(self, request: tuple[int, int]) -> H | None:
        """The handle already fetching `request`, or None (then nothing ahead matches: the caller fetches)."""
        if self.pending and self.pending[0][0] == request:
            return self.pending.popleft()[1]
        return None

    def learn(self, plan: PagePlan, page: Page[Any]) -> None:
        """After the first page: plan what follows from its result size (no size, no prefetch)."""
        if self._schedule is None and self.window > 0 and page.full_result_size is not None:
            self._schedule = plan.ahead(page.full_result_size)

    def wanted(self, plan: PagePlan) -> list[tuple[int, int]]:
        """The requests to start now to fill the window; none once the plan is done."""
        if plan.done or self._schedule is None:
            return []
        room = self.window - len(self.pending)
        return [request for _, request in zip(range(room), self._schedule, strict=False)]  # range first: pull no extra

    def drop(self) -> list[H]:
        """Forget every page asked for ahead and return their handles (to cancel)."""
        handles = [handle for _, handle in self.pending]
        self.pending.clear()
        self._schedule = None
        return handles


def _as_page(fetched: Any) -> Page[Any]:
    page: Page[Any] = fetched
    return page


class Paginator(Generic[T]):
    """Iterates every matching value across pages, fetching lazily; `.pages()` yields raw pages.

    `fetch(from, count)` returns a Page, or an answer that `decode` turns into one: then pages fetched ahead wait
    as the answer (bytes), and only the page being read is decoded, in the reading thread (memory stays flat).
    """

    def __init__(
        self,
        fetch: Callable[[int, int], Any],
        *,
        limit: int | None = None,
        page_size: int | None = None,
        start: int = 0,
        prefetch: int = PREFETCH,
        decode: Callable[[Any], Page[T]] = _as_page,
    ) -> None:
        check_window(limit, page_size, start)
        _whole("prefetch", prefetch, 0)
        self._prefetch = prefetch
        self._fetch = fetch
        self._decode = decode
        self._limit = limit
        self._page_size = DEFAULT_PAGE_SIZE if page_size is None else page_size
        self._start = start

    def _plan(self) -> PagePlan:
        return PagePlan(start=self._start, page_size=self._page_size, limit=self._limit)

    def pages(self) -> Iterator[Page[T]]:
        """Each page as the server answered it, values trimmed to the limit; following pages fetched ahead."""
        from concurrent.futures import ThreadPoolExecutor

        plan = self._plan()
        ahead: Prefetch[Future[Any]] = Prefetch(self._prefetch)
        pool: ThreadPoolExecutor | None = None
        try:
            while (request := plan.next_request()) is not None:
                future = ahead.claim(request)
                if future is None:
                    _cancel(ahead.drop())
                    page = self._decode(self._fetch(*request))
                else:
                    page = self._decode(future.result())  # an error surfaces at the page it belongs to
                values = plan.take(page, request[1])
                ahead.learn(plan, page)
                for wanted in ahead.wanted(plan):
                    pool = pool or ThreadPoolExecutor(self._prefetch, thread_name_prefix="tripletex-page")
                    ahead.pending.append((wanted, pool.submit(self._fetch, *wanted)))
                yield replace(page, values=values)
                del page, values  # the page just read is freed before the next one is built
        finally:
            _cancel(ahead.drop())
            if pool is not None:
                pool.shutdown(wait=False, cancel_futures=True)

    def __iter__(self) -> Iterator[T]:
        for page in self.pages():
            values = page.values
            del page  # hold no page of models while the next one is built
            yield from values
            del values

    def first(self) -> T | None:
        """The first matching value, fetching a single one-item page; None when nothing matches."""
        plan = PagePlan(start=self._start, page_size=1, limit=1)
        request = plan.next_request()
        assert request is not None
        values = plan.take(self._decode(self._fetch(*request)), 1)
        return values[0] if values else None

    def to_list(self) -> list[T]:
        """Every matching value in a list (mind the limit for large results)."""
        return list(self)


class AsyncPaginator(Generic[T]):
    """The async twin of Paginator: `async for value in tx.customers.search(...)`."""

    def __init__(
        self,
        fetch: Callable[[int, int], Awaitable[Any]],
        *,
        limit: int | None = None,
        page_size: int | None = None,
        start: int = 0,
        prefetch: int = PREFETCH,
        decode: Callable[[Any], Page[T]] = _as_page,
    ) -> None:
        check_window(limit, page_size, start)
        _whole("prefetch", prefetch, 0)
        self._prefetch = prefetch
        self._fetch = fetch
        self._decode = decode
        self._limit = limit
        self._page_size = DEFAULT_PAGE_SIZE if page_size is None else page_size
        self._start = start

    async def pages(self) -> AsyncIterator[Page[T]]:
        """Each page as the server answered it, values trimmed to the limit; following pages fetched ahead."""
        import asyncio

        plan = PagePlan(start=self._start, page_size=self._page_size, limit=self._limit)
        ahead: Prefetch[asyncio.Task[Any]] = Prefetch(self._prefetch)
        try:
            while (request := plan.next_request()) is not None:
                task = ahead.claim(request)
                if task is None:
                    _cancel(ahead.drop())
                    page = self._decode(await self._fetch(*request))
                else:
                    page = self._decode(await task)  # an error surfaces at the page it belongs to
                values = plan.take(page, request[1])
                ahead.learn(plan, page)
                for wanted in ahead.wanted(plan):
                    ahead.pending.append((wanted, asyncio.ensure_future(self._fetch(*wanted))))
                yield replace(page, values=values)
                del page, values  # the page just read is freed before the next one is built
        finally:
            _cancel(ahead.drop())

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.pages():
            values = page.values
            del page  # hold no page of models while the next one is built
            for value in values:
                yield value
            del values

    async def first(self) -> T | None:
        """The first matching value, or None when nothing matches."""
        plan = PagePlan(start=self._start, page_size=1, limit=1)
        request = plan.next_request()
        assert request is not None
        values = plan.take(self._decode(await self._fetch(*request)), 1)
        return values[0] if values else None

    async def to_list(self) -> list[T]:
        """Every matching value in a list (mind the limit for large results)."""
        return [value async for value in self]


def _cancel(handles: list[Future[Any]] | list[asyncio.Task[Any]]) -> None:
    # Pages asked for ahead and no longer wanted: stop them, and never let their errors go unretrieved.
    for handle in handles:
        handle.cancel()
        handle.add_done_callback(_retrieve)


def _retrieve(handle: Future[Any] | asyncio.Task[Any]) -> None:
    if not handle.cancelled():
        handle.exception()
