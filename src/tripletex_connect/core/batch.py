"""Batch writes (`/product/list`, `/customer/list`, ...): chunks, and exactly which items failed and why.

A chunk that Tripletex refuses with a 4xx created nothing, so its items are re-sent one by one to
find the bad ones; a chunk that failed otherwise (5xx, connection) is reported whole, because it may
or may not have been written and re-sending could create duplicates. The flow is a generator shared
by the sync and async clients: it yields the list to send and receives the answer (or the error).
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from dataclasses import dataclass
from typing import Any

from ..catalog import Operation
from .errors import APIError, TripletexError
from .invoke import decode_page

CHUNK_SIZE = 100
BatchFlow = Generator[list[Any], Any, list[Any]]


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


def batch_flow(op: Operation, items: Sequence[Any], size: int = CHUNK_SIZE) -> BatchFlow:
    """Send `items` in chunks; returns every written object in input order, or raises BatchError."""
    created: dict[int, list[Any]] = {}
    failures: list[ItemFailure] = []
    for start, chunk in chunked(items, max(1, size)):
        try:
            payload = yield chunk
        except APIError as error:
            if error.status >= 500 or len(chunk) == 1:
                failures += [ItemFailure(start + i, item, error, error.status >= 500) for i, item in enumerate(chunk)]
                continue
            for offset, item in enumerate(chunk):
                try:
                    created[start + offset] = decode_page(op, (yield [item])).values
                except APIError as single:
                    failures.append(ItemFailure(start + offset, item, single, single.status >= 500))
        except TripletexError as error:
            failures += [ItemFailure(start + i, item, error, True) for i, item in enumerate(chunk)]
        else:
            created[start] = decode_page(op, payload).values
    written = [value for key in sorted(created) for value in created[key]]
    if failures:
        raise BatchError(written, sorted(failures, key=lambda f: f.index))
    return written
