"""Triggers: watch keys, `every` intervals, and the `--loop` scheduler."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

_DURATION = re.compile(r"^(?:every\s+)?(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|d)?$", re.IGNORECASE)
_UNITS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}
MIN_INTERVAL = 1.0


def parse_duration(value: Any) -> float:
    """Seconds in `15m`, `every 1h`, `30s`, `2d` (or a bare number of seconds); at least one second."""
    if isinstance(value, bool):
        raise ValueError(f"expected an interval such as 15m, got {value!r}")
    match = _DURATION.match(str(value).strip())
    if not match:
        raise ValueError(f"expected an interval such as 30s, 15m, 1h or 1d, got {value!r}")
    seconds = float(match.group(1)) * _UNITS[(match.group(2) or "s").lower()]
    if seconds < MIN_INTERVAL:
        raise ValueError(f"the interval must be at least 1s, got {value!r}")
    return seconds


def watch_key(source: str, connection: str) -> str:
    """The state key of a watch: the scenario file's absolute path and the connection (never a token)."""
    return f"{Path(source).resolve()}|{connection}"


def run_loop(
    run_once: Callable[[], object],
    every: float,
    *,
    max_runs: int | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Call `run_once` every `every` seconds (on a fixed grid, not drifting) until `max_runs`; returns the count.

    Ctrl-C (KeyboardInterrupt) propagates to the caller, which stops cleanly; nothing runs half-way twice.
    """
    runs = 0
    start = clock()
    while True:
        run_once()
        runs += 1
        if max_runs is not None and runs >= max_runs:
            return runs
        due = start + runs * every
        now = clock()
        if due < now:  # a run took longer than the interval: skip the missed ticks instead of bunching runs
            due = now + (every - (now - start) % every)
        sleep(due - now)
