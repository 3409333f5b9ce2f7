"""Triggers: watch positions (the highest id seen), `every` intervals, and the `--loop` scheduler."""

from __future__ import annotations

import json
import os
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


class WatchState:
    """The position of every watch trigger (highest id seen) by scenario file and connection, in one JSON file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def get(self, key: str) -> int | None:
        """The highest id processed for `key`, or None before the first run."""
        value = self._read().get(key, {}).get("last_id")
        return value if isinstance(value, int) else None

    def set(self, key: str, last_id: int) -> None:
        """Remember `last_id` for `key` (written atomically, so a crash never leaves half a file)."""
        data = self._read()
        data[key] = {"last_id": last_id, "updated": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=2), encoding="utf-8")
        os.replace(tmp, self.path)


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
