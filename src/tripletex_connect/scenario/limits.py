"""Resource limits of expressions: the size of what one builds, its nesting depth and a step budget."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import ExpressionError

MAX_SIZE = 1_000_000
"""Characters of text, or items (counted through nested lists and mappings), in a value an expression builds."""
MAX_DEPTH = 50
"""Nesting of an expression's syntax tree (`1+1+...` of 999 terms is 999 deep)."""
MAX_STEPS = 1_000_000
"""Work units of one evaluation: a node evaluated, or an item a function walks through."""


class LimitError(ExpressionError):
    """An expression would build too large a value, nests too deep, or works too long."""


@dataclass(frozen=True)
class Limits:
    """The bounds of one evaluation (the defaults suit every real scenario; tests make them small)."""

    max_size: int = MAX_SIZE
    max_depth: int = MAX_DEPTH
    max_steps: int = MAX_STEPS


def size_of(value: Any, cap: int) -> int:
    """The size of a value (characters of text, items of lists and mappings, deep), counted up to just past `cap`."""
    total = 0
    stack = [value]
    while stack and total <= cap:
        item = stack.pop()
        if isinstance(item, str | bytes):
            total += len(item)
        elif isinstance(item, Mapping):
            total += len(item)
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            total += len(item)
            stack.extend(item)
        else:
            total += 1
    return total


def check_size(value: Any, limits: Limits, what: str = "the result") -> Any:
    """`value`, or LimitError when it is larger than the limits allow."""
    if size_of(value, limits.max_size) > limits.max_size:
        raise LimitError(f"{what} is larger than {limits.max_size:,} characters or items (the limit of a value)")
    return value


def check_planned(size: int, limits: Limits, what: str = "the result") -> None:
    """Refuse before building a value whose size is known in advance to be too large."""
    if size > limits.max_size:
        raise LimitError(f"{what} would be {size:,} characters or items; the limit of a value is {limits.max_size:,}")
