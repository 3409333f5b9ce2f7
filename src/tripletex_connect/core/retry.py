"""The retry rules, as pure decisions: what to retry, how long to wait, and when to give up.

A retry must never create a duplicate. 429 is retried for any method (the server refused before doing
anything); 502/503/504, timeouts and dropped connections only for idempotent requests; POST and `:action`
PUTs only when the request provably never reached the server (the connection could not be opened).
"""

from __future__ import annotations

import random as _random
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import httpx

RETRYABLE_STATUSES = frozenset({502, 503, 504})
# Errors raised before a single byte of the request left: safe to retry whatever the method.
NEVER_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# Errors after the request may have reached the server: safe only for idempotent requests.
MAYBE_SENT = (httpx.ReadTimeout, httpx.WriteTimeout, httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError)


def is_dns_failure(error: BaseException) -> bool:
    """Whether a connection failed because the host name does not resolve (retrying will not make it resolve)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, socket.gaierror):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    text = str(error).lower()
    return any(hint in text for hint in _DNS_HINTS)


_DNS_HINTS = ("name or service not known", "nodename nor servname", "getaddrinfo failed",
              "no address associated with hostname", "temporary failure in name resolution")


def is_idempotent(method: str, path: str) -> bool:
    """Whether repeating the request cannot create a duplicate: reads, DELETE, PUT to a resource."""
    verb = method.upper()
    if verb in ("GET", "HEAD", "OPTIONS", "DELETE"):
        return True
    if verb == "PUT":
        last = path.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
        return not last.startswith(":")
    return False


def _seconds(headers: Mapping[str, str], *names: str) -> float | None:
    lowered = {k.lower(): v for k, v in headers.items()}
    for name in names:
        try:
            return max(0.0, float(lowered[name]))
        except (KeyError, ValueError):
            continue
    return None


@dataclass(frozen=True)
class Decision:
    """Retry after `wait` seconds, or stop (`wait` is None) and say why."""

    wait: float | None
    reason: str


STOP_OK = Decision(None, "done")


@dataclass
class RetryPolicy:
    """Bounded retries with exponential backoff and full jitter; `random` is injectable for tests."""

    max_retries: int = 4
    max_retry_time: float = 120.0
    backoff_base: float = 0.5
    backoff_cap: float = 30.0
    random: Callable[[], float] = _random.random

    def backoff(self, retry: int) -> float:
        """Full-jitter backoff before retry number `retry` (1-based)."""
        return float(self.random() * min(self.backoff_cap, self.backoff_base * 2.0 ** (retry - 1)))

    def _bounded(self, retries_done: int, elapsed: float, wait: float, reason: str) -> Decision:
        if retries_done >= self.max_retries:
            return Decision(None, f"{reason}; gave up after {retries_done + 1} attempts")
        if elapsed + wait > self.max_retry_time:
            return Decision(None, f"{reason}; waiting {wait:.1f}s would pass the {self.max_retry_time:.0f}s budget")
        return Decision(wait, reason)

    def after_status(
        self, status: int, headers: Mapping[str, str], *, idempotent: bool, retries_done: int, elapsed: float
    ) -> Decision:
        """What to do after an HTTP answer with this status."""
        if status == 429:
            wait = _seconds(headers, "x-rate-limit-reset", "retry-after")
            return self._bounded(
                retries_done, elapsed, self.backoff(retries_done + 1) if wait is None else wait, "rate limited (429)"
            )
        if status in RETRYABLE_STATUSES:
            if not idempotent:
                return Decision(None, f"HTTP {status} on a non-idempotent request is never retried")
            return self._bounded(retries_done, elapsed, self.backoff(retries_done + 1), f"HTTP {status}")
        return STOP_OK

    def after_error(self, error: Exception, *, idempotent: bool, retries_done: int, elapsed: float) -> Decision:
        """What to do after a transport error (no HTTP answer)."""
        name = type(error).__name__
        if is_dns_failure(error):
            return Decision(None, "the host name does not resolve; retrying would not change that")
        if isinstance(error, NEVER_SENT):
            return self._bounded(retries_done, elapsed, self.backoff(retries_done + 1), f"{name} (never sent)")
        if isinstance(error, MAYBE_SENT) and idempotent:
            return self._bounded(retries_done, elapsed, self.backoff(retries_done + 1), name)
        return Decision(None, f"{name} on a request that may have reached the server is never retried")
