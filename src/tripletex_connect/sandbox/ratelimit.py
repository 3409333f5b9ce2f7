"""A fixed-window rate limit per session owner, reported in X-Rate-Limit-* headers as Tripletex does."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable


class RateLimiter:
    """`limit` requests per `period` seconds per key; `clock` returns seconds (monotonic)."""

    def __init__(self, limit: int, period: float, clock: Callable[[], float]) -> None:
        self.limit = limit
        self.period = period
        self.clock = clock
        self._windows: dict[str, tuple[float, int]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> tuple[bool, dict[str, str]]:
        """Count one request: (allowed, the rate-limit headers to answer with)."""
        now = self.clock()
        with self._lock:
            start, used = self._windows.get(key, (now, 0))
            if now - start >= self.period:
                start, used = now, 0
            used += 1
            self._windows[key] = (start, used)
        reset = max(0, math.ceil(start + self.period - now))
        headers = {
            "X-Rate-Limit-Limit": str(self.limit),
            "X-Rate-Limit-Remaining": str(max(0, self.limit - used)),
            "X-Rate-Limit-Reset": str(reset),
        }
        return used <= self.limit, headers
