"""Rate limits as Tripletex counts them: a fixed window per employee per API consumer, not per session.

The count survives new sessions (it belongs to the two tokens); with the `company` scope an accountant's
client companies get a bucket each. Memory stays bounded: the least recently seen buckets are dropped.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from .store import Tx

Scope = Literal["credential", "company"]
SCOPES: tuple[Scope, ...] = ("credential", "company")
ANONYMOUS = "anonymous"  # requests no employee can be named for share one bucket
MAX_BUCKETS = 4096
_RATE = re.compile(r"^\s*(\d+)\s*(?:/\s*(\d+(?:\.\d+)?)?\s*([smhd]?)\s*)?$")
_UNIT = {"": 1.0, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


@dataclass(frozen=True)
class RateLimit:
    """`limit` requests per `period` seconds."""

    limit: int
    period: float = 60.0

    def __str__(self) -> str:
        return f"{self.limit}/{self.period:g}s"


def parse_rate_limit(text: str | int | RateLimit) -> RateLimit:
    """`100/60s`, `100/m`, `5000/1h` or a bare `100` (per minute); ValueError saying the form otherwise."""
    if isinstance(text, RateLimit):
        return text
    spelled = str(text) if isinstance(text, int) and not isinstance(text, bool) else text
    found = _RATE.match(spelled) if isinstance(spelled, str) and not spelled.strip().endswith("/") else None
    if found is None:
        raise ValueError(f"rate limit {text!r} is not N/PERIOD (e.g. 100/60s, 100/m, 5000/1h)")
    count, amount, unit = found.groups()
    period = float(amount or 1) * _UNIT[unit] if (amount or unit) else 60.0
    if int(count) < 1 or period <= 0:
        raise ValueError(f"rate limit {text!r} needs at least 1 request in a period longer than 0")
    return RateLimit(int(count), period)


def parse_scope(text: str) -> Scope:
    """`credential` or `company`; ValueError otherwise."""
    for scope in SCOPES:
        if text == scope:
            return scope
    raise ValueError(f"rate-limit scope {text!r} is not one of {', '.join(SCOPES)}")


class RateLimiter:
    """`limit` requests per `period` seconds per key, in fixed windows; `clock` returns seconds (monotonic)."""

    def __init__(
        self, limit: int, period: float, clock: Callable[[], float], max_buckets: int = MAX_BUCKETS
    ) -> None:
        self.limit = limit
        self.period = period
        self.clock = clock
        self.max_buckets = max_buckets
        self._windows: OrderedDict[str, tuple[float, int]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._windows)

    def hit(self, key: str) -> tuple[bool, dict[str, str]]:
        """Count one request: (allowed, the rate-limit headers to answer with)."""
        now = self.clock()
        with self._lock:
            start, used = self._windows.pop(key, (now, 0))
            if now - start >= self.period:
                start, used = now, 0
            used += 1
            self._windows[key] = (start, used)
            while len(self._windows) > self.max_buckets:
                self._windows.popitem(last=False)
        reset = max(0, math.ceil(start + self.period - now))
        headers = {
            "X-Rate-Limit-Limit": str(self.limit),
            "X-Rate-Limit-Remaining": str(max(0, self.limit - used)),
            "X-Rate-Limit-Reset": str(reset),
        }
        return used <= self.limit, headers


def bucket(
    tx: Tx, scope: Scope, consumer: str, authorization: str | None, params: Mapping[str, str]
) -> str:
    """The bucket a request counts in: its consumer and employee tokens (and with `company`, the company)."""
    found = session_bucket(tx, scope, consumer, authorization) if authorization else None
    if found is not None:
        return found
    owner = _token_owner(tx, consumer, params)
    return ANONYMOUS if owner is None else _key(scope, consumer, *owner)


def session_bucket(tx: Tx, scope: Scope, consumer: str, authorization: str) -> str | None:
    """The bucket of a request with a session's Basic credentials, or None when they name no session.

    A session's tokens and company never change, so the answer for one Authorization header may be kept.
    """
    owner = _session_owner(tx, authorization)
    return None if owner is None else _key(scope, consumer, *owner)


def _key(scope: Scope, consumer: str, employee_token: str, company_id: int) -> str:
    return f"{consumer}|{employee_token}" + (f"|{company_id}" if scope == "company" else "")


def _session_owner(tx: Tx, authorization: str) -> tuple[str, int] | None:
    if not authorization.lower().startswith("basic "):
        return None
    try:
        user, _, token = base64.b64decode(authorization[6:].strip()).decode().partition(":")
        asked = int(user or "0")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    row = tx.conn.execute("SELECT employee_token, company_id FROM sessions WHERE token = ?", (token,)).fetchone()
    return None if row is None else (str(row[0]), asked or int(row[1]))


def _token_owner(tx: Tx, consumer: str, params: Mapping[str, str]) -> tuple[str, int] | None:
    """Creating a session counts for the tokens it is created with."""
    employee = params.get("employeeToken")
    if params.get("consumerToken") != consumer or not employee:
        return None
    row = tx.conn.execute("SELECT id FROM companies WHERE employee_token = ?", (employee,)).fetchone()
    return None if row is None else (employee, int(row[0]))
