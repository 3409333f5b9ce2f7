"""Refuse numbers JSON cannot carry (NaN, Infinity, 1e999 once parsed) before a body is sent."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from .errors import ParameterError


def _finite(value: float | Decimal) -> bool:
    return value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)


def _not_finite(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    if isinstance(value, bool):
        return
    if isinstance(value, float | Decimal) and not _finite(value):
        yield path, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _not_finite(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _not_finite(item, f"{path}.{index}" if path else str(index))


class _NotFinite(Exception):
    """Internal: the quick scan met a number that is not finite."""


def _scan(value: Any) -> Any:
    # json's C encoder walks the body; this is called only for what it cannot encode itself.
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise _NotFinite
        return 0
    if isinstance(value, Mapping):
        return dict(value)
    return None  # not a number and nothing the walk looks into


_QUICK = json.JSONEncoder(allow_nan=False, skipkeys=True, check_circular=False, default=_scan)


def _all_finite(body: Any) -> bool:
    """True when no number in the body is NaN or infinite: one pass in C for the usual body of dicts and lists."""
    try:
        for _ in _QUICK.iterencode(body, _one_shot=True):
            pass
    except (ValueError, _NotFinite, RecursionError):
        return False
    return True


def check_finite(body: Any, *, where: str = "the body") -> None:
    """Raise ParameterError naming the first field (dotted path) that holds NaN or an infinite number."""
    if _all_finite(body):
        return
    for path, value in _not_finite(body, ""):
        field = f"field {path!r}" if path else "the body"
        raise ParameterError(
            f"{where}: {field} is {value}, not a finite number (too large, NaN or Infinity); nothing was sent"
        )


_WIRE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)  # as httpx encodes `json=`


def json_body(body: Any, *, where: str = "the body") -> bytes:
    """The body as the JSON bytes httpx would send for `json=body`, in one pass that also refuses numbers JSON
    cannot carry (ParameterError naming the field); what JSON cannot encode at all raises as httpx would."""
    try:
        return _WIRE.encode(body).encode()
    except (ValueError, TypeError):  # NaN or Infinity (a not-finite Decimal is a TypeError), or no JSON at all
        check_finite(body, where=where)
        raise

