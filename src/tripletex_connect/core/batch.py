"""Batch writes (`/product/list`, `/customer/list`, ...): chunks, and exactly which items failed and why.

A chunk that Tripletex refuses with a 4xx created nothing, so its items are re-sent one by one to
find the bad ones; a chunk that failed otherwise (5xx, connection) is reported whole, because it may
or may not have been written and re-sending could create duplicates. The plan (what to send, what an
answer means) is shared by the sync and async clients; each sends with up to two chunks in flight, so
the server writes one chunk while the client reads the answer to the one before.
"""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ..catalog import Operation
from .errors import APIError, TripletexError
from .invoke import decode_page
from .paging import Page

CHUNK_SIZE = 100
WINDOW = 2
"""Chunks in flight at most: the next one is on its way while the client reads the answer to the last."""


@dataclass(frozen=True)
class ItemFailure:
    """One item that was not written: its position in the input, the item, and the error."""

    index: int
    item: Any
    error: TripletexError
    maybe_written: bool = False


class BatchError(TripletexError):
    """Some items of a batch failed; `created` holds what was written, `failures` each item that was not."""

    def __init__(self, created: list[Any], failures: list[ItemFailure]) -> None:
        self.created = created
        self.failures = failures
        lines = [f"{len(failures)} of {len(created) + len(failures)} items failed ({len(created)} written):"]
        for f in failures:
            first = str(f.error).splitlines()
            note = " (may have been written: check before re-sending)" if f.maybe_written else ""
            lines.append(f"  item {f.index}: {first[0]}{note}")
            lines += [f"    {line.strip()}" for line in first[1:] if line.strip().startswith("-")]
        super().__init__("\n".join(lines))


def chunked(items: Sequence[Any], size: int) -> list[tuple[int, list[Any]]]:
    """(start index, items) per chunk."""
    return [(start, list(items[start : start + size])) for start in range(0, len(items), size)]


Answer = Any  # a Page, a list envelope as JSON, or the TripletexError a request ended in
Chunk = tuple[int, list[Any]]


class BatchPlan:
    """What a batch write sends and what each answer means: the one logic of the sync and async clients."""

    def __init__(self, op: Operation, items: Sequence[Any], size: int = CHUNK_SIZE) -> None:
        self.op = op
        self.chunks = chunked(items, max(1, size))
        self._created: dict[int, list[Any]] = {}
        self._failures: list[ItemFailure] = []

    def settle(self, chunk: Chunk, answer: Answer) -> list[Chunk]:
        """Take a chunk's answer; returns its items to re-send one by one (refused with a 4xx: nothing written)."""
        start, items = chunk
        if isinstance(answer, APIError) and answer.status < 500 and len(items) > 1:
            return [(start + offset, [item]) for offset, item in enumerate(items)]
        if isinstance(answer, TripletexError):
            # A 5xx or a lost answer may or may not have been written: reported whole, never re-sent.
            maybe = not isinstance(answer, APIError) or answer.status >= 500
            self._failures += [ItemFailure(start + i, item, answer, maybe) for i, item in enumerate(items)]
        else:  # the answer's page, validated as it arrived, or a list envelope as JSON
            self._created[start] = (answer if isinstance(answer, Page) else decode_page(self.op, answer)).values
        return []

    def result(self) -> list[Any]:
        """Every written object in input order, or BatchError naming each item that was not written."""
        written = [value for key in sorted(self._created) for value in self._created[key]]
        if self._failures:
            raise BatchError(written, sorted(self._failures, key=lambda f: f.index))
        return written


def in_order(send: Callable[[list[Any]], Answer], chunks: Sequence[Chunk], window: int = WINDOW
             ) -> Iterator[tuple[Chunk, Answer]]:
    """Each chunk with its answer, in order, with up to `window` requests in flight (threads)."""
    if window < 2 or len(chunks) < 2:
        for chunk in chunks:
            yield chunk, send(chunk[1])
        return
    from concurrent.futures import Future, ThreadPoolExecutor

    pending: deque[tuple[Chunk, Future[Answer]]] = deque()
    with ThreadPoolExecutor(window, thread_name_prefix="tripletex-batch") as pool:
        try:
            for chunk in chunks:
                pending.append((chunk, pool.submit(send, chunk[1])))
                if len(pending) >= window:
                    done, future = pending.popleft()
                    yield done, future.result()
            while pending:
                done, future = pending.popleft()
                yield done, future.result()
        finally:
            for _, future in pending:
                future.cancel()


async def in_order_async(send: Callable[[list[Any]], Awaitable[Answer]], chunks: Sequence[Chunk],
                         window: int = WINDOW) -> AsyncIterator[tuple[Chunk, Answer]]:
    """The async twin of `in_order`: each chunk with its answer, in order, up to `window` requests in flight."""
    import asyncio

    pending: deque[tuple[Chunk, asyncio.Task[Answer]]] = deque()
    try:
        for chunk in chunks:
            pending.append((chunk, asyncio.ensure_future(send(chunk[1]))))
            if len(pending) >= max(1, window):
                done, task = pending.popleft()
                yield done, await task
        while pending:
            done, task = pending.popleft()
            yield done, await task
    finally:
        for _, task in pending:
            task.cancel()
