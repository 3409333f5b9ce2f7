"""The rate-limit state Tripletex reports on every response (X-Rate-Limit-Limit/Remaining/Reset)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass


def header_number(value: str | None) -> float | None:
    """A rate-limit header's number, or None when it is absent or not a number."""
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


@dataclass(frozen=True)
class RateLimit:
    """The last rate-limit state seen: requests allowed per period, left, and seconds until the reset."""

    limit: int | None
    remaining: int | None
    reset: float | None
    observed_at: dt.datetime

    @classmethod
    def from_headers(cls, headers: Mapping[str, str], now: dt.datetime) -> RateLimit | None:
        """The state in a response's headers, or None when the response carries none."""
        lowered = {k.lower(): v for k, v in headers.items()}
        limit = header_number(lowered.get("x-rate-limit-limit"))
        remaining = header_number(lowered.get("x-rate-limit-remaining"))
        reset = header_number(lowered.get("x-rate-limit-reset"))
        if limit is None and remaining is None and reset is None:
            return None
        return cls(
            int(limit) if limit is not None else None,
            int(remaining) if remaining is not None else None,
            reset,
            now,
        )
