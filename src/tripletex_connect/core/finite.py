"""Refuse numbers JSON cannot carry (NaN, Infinity, 1e999 once parsed) before a body is sent."""

from __future__ import annotations

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


def check_finite(body: Any, *, where: str = "the body") -> None:
    """Raise ParameterError naming the first field (dotted path) that holds NaN or an infinite number."""
    for path, value in _not_finite(body, ""):
        field = f"field {path!r}" if path else "the body"
        raise ParameterError(
            f"{where}: {field} is {value}, not a finite number (too large, NaN or Infinity); nothing was sent"
        )
