"""Shared helpers of the benchmarks: interleaved rounds, medians, and the row each benchmark reports."""

from __future__ import annotations

import statistics
import time
from collections.abc import Awaitable, Callable
from typing import NamedTuple


class Row(NamedTuple):
    """One line of the `make bench` table."""

    target: str
    measured: str
    verdict: str


def interleaved(sides: dict[str, Callable[[], object]], rounds: int) -> dict[str, float]:
    """Median seconds of each side, the sides run in turn every round (order alternating), so drift hits all."""
    timings: dict[str, list[float]] = {name: [] for name in sides}
    names = list(sides)
    for round_ in range(rounds):
        for name in names if round_ % 2 == 0 else reversed(names):
            started = time.perf_counter()
            sides[name]()
            timings[name].append(time.perf_counter() - started)
    return {name: statistics.median(values) for name, values in timings.items()}


async def interleaved_async(sides: dict[str, Callable[[], Awaitable[object]]], rounds: int) -> dict[str, float]:
    """The async twin of `interleaved`."""
    timings: dict[str, list[float]] = {name: [] for name in sides}
    names = list(sides)
    for round_ in range(rounds):
        for name in names if round_ % 2 == 0 else reversed(names):
            started = time.perf_counter()
            await sides[name]()
            timings[name].append(time.perf_counter() - started)
    return {name: statistics.median(values) for name, values in timings.items()}


def verdict(ok: bool) -> str:
    """The verdict column."""
    return "ok" if ok else "over target"
