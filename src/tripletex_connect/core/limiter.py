"""A rate limiter shared by every client of one credential: buckets driven by the X-Rate-Limit-* headers.

Tripletex counts its limit per employee per API consumer, and a 429 lasts the rest of the window. So the
limiter spends a window's requests only down to a small reserve, and after a 429 every sharer of the
bucket waits for the reset. Buckets live in a backend (memory, SQLite or Redis, see `limiter_backends`)
under a key made of the environment and hashes of the tokens: no token ever appears in a key.
"""

from __future__ import annotations

import random as _random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from .config import ConnectionSettings
from .errors import ConfigurationError
from .ratelimit import header_number
from .stores import MemoryRecords, Record, Records, parse_store_url

DEFAULT_WINDOW = 1.0  # seconds to wait for a new window when the server named no reset
SCOPES = ("credential", "company")
WHAT = "rate limit backend"


class Backend(Protocol):
    """Where buckets live; each method is one atomic step on one bucket."""

    def acquire(self, key: str, now: float, reserve: int) -> float:
        """Take one request from the bucket (0.0), or say how many seconds to wait before asking again."""
        ...

    def observe(self, key: str, now: float, remaining: int | None, reset: float | None) -> None:
        """Record what a response said about the bucket (requests remaining, seconds to the reset)."""
        ...

    def block(self, key: str, until: float) -> None:
        """Stop every sharer of the bucket until the epoch time `until` (after a 429)."""
        ...


@dataclass
class Bucket:
    """One bucket's state: requests left in the window (None: unknown), the window's end, a 429 block, and the
    requests sent since the window's budget became unknown."""

    remaining: int | None = None
    window_end: float = 0.0
    blocked_until: float = 0.0
    unknown_sent: int = 0

    def acquire(self, now: float, reserve: int) -> float:
        """Take one request, or the seconds to wait; the same rule as the Redis script."""
        if now < self.blocked_until:
            return self.blocked_until - now
        if now >= self.window_end and self.remaining is not None:
            self.remaining, self.unknown_sent = None, 0  # a new window: the next response will tell its budget
        if self.remaining is None:
            self.unknown_sent += 1
            return 0.0
        if self.remaining <= reserve:
            return max(self.window_end - now, 0.001)
        self.remaining -= 1
        return 0.0

    def observe(self, now: float, remaining: int | None, reset: float | None) -> None:
        """Merge a response's headers: a later window replaces the count, the same window keeps the lower."""
        if remaining is None:
            return
        end = now + reset if reset is not None else now + DEFAULT_WINDOW
        if self.remaining is None or now >= self.window_end or end > self.window_end + 1.0:
            # the requests sent while the budget was unknown, other than this answer's, may not be counted yet
            self.remaining = max(remaining - max(self.unknown_sent - 1, 0), 0)
            self.window_end, self.unknown_sent = end, 0
        else:
            self.remaining = min(self.remaining, remaining)

    def block(self, until: float) -> None:
        """Nothing more until `until`; the window ends there at the earliest."""
        self.blocked_until = max(self.blocked_until, until)
        self.window_end = max(self.window_end, until)
        self.remaining = 0


class RecordsBackend:
    """Buckets kept as `Records` (memory or a SQLite file): each method runs the `Bucket` rule in one atomic step."""

    def __init__(self, records: Records) -> None:
        self.records = records

    def _step(self, key: str, change: Callable[[Bucket], float]) -> float:
        def on_record(record: Record) -> float:
            bucket = Bucket(record.get("remaining"), record.get("window_end", 0.0), record.get("blocked_until", 0.0),
                            record.get("unknown_sent", 0))
            result = change(bucket)
            record.update(remaining=bucket.remaining, window_end=bucket.window_end, blocked_until=bucket.blocked_until,
                          unknown_sent=bucket.unknown_sent)
            return result

        return self.records.update(key, on_record)

    def acquire(self, key: str, now: float, reserve: int) -> float:
        """Take one request from the bucket, or the seconds to wait."""
        return self._step(key, lambda b: b.acquire(now, reserve))

    def observe(self, key: str, now: float, remaining: int | None, reset: float | None) -> None:
        """Record a response's rate-limit headers."""
        def change(bucket: Bucket) -> float:
            bucket.observe(now, remaining, reset)
            return 0.0

        self._step(key, change)

    def block(self, key: str, until: float) -> None:
        """Block the bucket until `until`."""
        def change(bucket: Bucket) -> float:
            bucket.block(until)
            return 0.0

        self._step(key, change)

    def close(self) -> None:
        """Release the backend's connection, if any."""
        self.records.close()


class MemoryBackend(RecordsBackend):
    """Buckets in this process's memory (the default): shared by the clients of one process."""

    def __init__(self) -> None:
        super().__init__(MemoryRecords())


def bucket_key(settings: ConnectionSettings, scope: str = "credential") -> str:
    """The bucket key of a connection: environment and token hashes (and the company in company scope)."""
    if scope not in SCOPES:
        raise ConfigurationError(f"rate_limit_scope must be one of {', '.join(SCOPES)}, got {scope!r}")
    key = f"ttx:rl:{settings.credential_id()}"
    return f"{key}:{settings.company_id}" if scope == "company" else key


class RateLimiter:
    """The transport's hook: wait before sending, learn from each answer; clock and random are injectable."""

    def __init__(
        self, backend: Backend | None = None, *, reserve: int = 2, scope: str = "credential",
        clock: Callable[[], float] = time.time, random: Callable[[], float] = _random.random,
        backoff_base: float = 1.0, backoff_cap: float = 60.0,
    ) -> None:
        if scope not in SCOPES:
            raise ConfigurationError(f"rate_limit_scope must be one of {', '.join(SCOPES)}, got {scope!r}")
        self.backend: Backend = backend or MemoryBackend()
        self.reserve = reserve
        self.scope = scope
        self.clock = clock
        self.random = random
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self._strikes: dict[str, int] = {}

    def key(self, settings: ConnectionSettings) -> str:
        """The bucket key for these settings in this limiter's scope."""
        return bucket_key(settings, self.scope)

    def wait_before_send(self, key: str) -> float:
        """Seconds to wait before sending (0.0: a request was taken from the bucket)."""
        return self.backend.acquire(key, self.clock(), self.reserve)

    def after_answer(self, key: str, status: int, headers: Mapping[str, str]) -> None:
        """Learn from an answer: its X-Rate-Limit-* headers, or a 429's block for every sharer."""
        lowered = {k.lower(): v for k, v in headers.items()}
        now = self.clock()
        reset = header_number(lowered.get("x-rate-limit-reset"))
        if status == 429:
            if reset is None:
                strikes = self._strikes[key] = self._strikes.get(key, 0) + 1
                reset = self.random() * min(self.backoff_cap, self.backoff_base * 2.0 ** (strikes - 1))
            self.backend.block(key, now + max(reset, 0.0))
            return
        self._strikes.pop(key, None)
        remaining = header_number(lowered.get("x-rate-limit-remaining"))
        self.backend.observe(key, now, int(remaining) if remaining is not None else None, reset)


def backend_from_url(url: str) -> Backend:
    """The backend a setting names: `memory`, `sqlite:///path/to/file` or `redis://host:port/db`."""
    from .limiter_backends import RedisBackend, SQLiteBackend

    kind, where = parse_store_url(url, WHAT)
    if kind == "sqlite":
        return SQLiteBackend(where)
    if kind == "redis":
        return RedisBackend.from_url(where)
    return MemoryBackend()


_SHARED: dict[tuple[str, int, str], RateLimiter] = {}
_SHARED_LOCK = threading.Lock()


def shared_limiter(backend: str = "memory", *, reserve: int = 2, scope: str = "credential") -> RateLimiter:
    """One limiter per (backend, reserve, scope) in this process, so clients of one credential share it."""
    with _SHARED_LOCK:
        found = _SHARED.get((backend, reserve, scope))
        if found is None:
            found = _SHARED[(backend, reserve, scope)] = RateLimiter(
                backend_from_url(backend), reserve=reserve, scope=scope
            )
        return found


def limiter_for(settings: ConnectionSettings, given: RateLimiter | str | None = None) -> RateLimiter | None:
    """The limiter a client uses: the one given, one on the backend given, else the settings' (None: off)."""
    if isinstance(given, RateLimiter):
        return given
    backend = given or settings.rate_limit_backend
    if not backend:
        return None
    return shared_limiter(backend, reserve=settings.rate_limit_reserve, scope=settings.rate_limit_scope)
