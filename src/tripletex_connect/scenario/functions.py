"""The functions and filters of mapping expressions: dates, text, lists and money. Pure and side-effect free."""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from .errors import ExpressionError
from .limits import MAX_SIZE, LimitError

OSLO = ZoneInfo("Europe/Oslo")
"""Tripletex's calendar: dates are Oslo dates unless a scenario sets `timezone:`."""
MAX_FORMAT = 200


def as_date(value: Any, tz: dt.tzinfo = OSLO) -> dt.date:
    """A date from a date, a datetime (an aware one as the date in `tz`), or text starting with YYYY-MM-DD."""
    if isinstance(value, dt.datetime):
        return value.astimezone(tz).date() if value.tzinfo else value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value)
    if len(text) > 10 and len(text) <= 40:
        try:
            return as_date(dt.datetime.fromisoformat(text), tz)
        except ValueError:
            pass
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise ExpressionError(f"expected a date as YYYY-MM-DD, got {value!r:.60}") from None


def add_days(date: Any, days: Any, *, tz: dt.tzinfo = OSLO) -> str:
    """The date `days` after `date` (negative for before), as YYYY-MM-DD."""
    return (as_date(date, tz) + dt.timedelta(days=int(days))).isoformat()


def add_months(date: Any, months: Any, *, tz: dt.tzinfo = OSLO) -> str:
    """The date `months` after `date`, the day kept where the month has it (31 Jan + 1 -> 28/29 Feb)."""
    start = as_date(date, tz)
    index = start.year * 12 + start.month - 1 + int(months)
    year, month = divmod(index, 12)
    last_day = (dt.date(year + (month + 1) // 12, (month + 1) % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month + 1, min(start.day, last_day)).isoformat()


def month_start(date: Any, *, tz: dt.tzinfo = OSLO) -> str:
    """The first day of the date's month; also takes a month as YYYY-MM."""
    text = str(date)
    return (as_date(f"{text}-01", tz) if len(text) == 7 else as_date(date, tz)).replace(day=1).isoformat()


def format_date(date: Any, fmt: str = "%d.%m.%Y", *, tz: dt.tzinfo = OSLO, limit: int = MAX_SIZE) -> str:
    """A date in a strftime format, e.g. format_date(today(), '%d.%m.%Y')."""
    if len(str(fmt)) > MAX_FORMAT:
        raise LimitError(f"format_date(): a format has at most {MAX_FORMAT} characters (the limit of a format)")
    return as_date(date, tz).strftime(str(fmt))


def replace(value: Any, old: Any, new: Any, *, limit: int = MAX_SIZE) -> str:
    """`value` with every `old` replaced by `new`; refused before building a text beyond the size limit."""
    source, old_text, new_text = text(value), str(old), str(new)
    hits = source.count(old_text) if old_text else len(source) + 1
    size = len(source) + hits * (len(new_text) - len(old_text))
    if size > limit:
        raise LimitError(f"replace() would build {size:,} characters; the limit of a value is {limit:,}")
    return source.replace(old_text, new_text)


def money(value: Any) -> float:
    """An amount rounded to 2 decimals, half away from zero (as accountants round)."""
    try:
        return float(Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
    except (InvalidOperation, ValueError):
        raise ExpressionError(f"money() needs a number, got {value!r}") from None


def _round(value: Any, digits: Any = 0) -> float | int:
    result = round(float(value), int(digits))
    return int(result) if int(digits) == 0 else result


def _items(value: Any, what: str) -> list[Any]:
    if isinstance(value, Mapping) and isinstance(value.get("values"), list):
        return list(value["values"])  # a search result: its values
    if not isinstance(value, list | tuple):
        raise ExpressionError(f"{what}() needs a list, got {type(value).__name__}")
    return list(value)


def _field(item: Any, key: Any) -> Any:
    if key is None:
        return item
    for part in str(key).split("."):
        item = item.get(part) if isinstance(item, Mapping) else None
    return item


def pluck(values: Any, key: str) -> list[Any]:
    """The `key` of every item: pluck(steps.find.values, 'id'); dotted keys reach nested fields."""
    return [_field(item, key) for item in _items(values, "pluck")]


_TRUTHY = object()


def where(values: Any, key: str, value: Any = _TRUTHY) -> list[Any]:
    """The items whose `key` equals `value` (or is true, without one): where(steps.months.values, 'approved')."""
    items = _items(values, "where")
    if value is _TRUTHY:
        return [item for item in items if _field(item, key)]
    return [item for item in items if _field(item, key) == value]


def total(values: Any, key: Any = None) -> float | int:
    """The sum of a list, or of one field of every item: sum(steps.orders.values, 'amount')."""
    numbers = [_field(item, key) for item in _items(values, "sum")]
    return sum((n for n in numbers if isinstance(n, int | float) and not isinstance(n, bool)), 0)


def count(values: Any) -> int:
    """How many items a list (or a search result, or a text) has."""
    if isinstance(values, str):
        return len(values)
    return len(_items(values, "count"))


def first(values: Any) -> Any:
    """The first item of a list, or null when it is empty."""
    items = _items(values, "first")
    return items[0] if items else None


def last(values: Any) -> Any:
    """The last item of a list, or null when it is empty."""
    items = _items(values, "last")
    return items[-1] if items else None


def join(values: Any, sep: str = ", ", *, limit: int = MAX_SIZE) -> str:
    """The items as text, separated by `sep`; refused before building a text beyond the size limit."""
    parts = []
    size = -len(str(sep))
    for value in _items(values, "join"):
        part = "" if value is None else str(value)
        size += len(part) + len(str(sep))
        if size > limit:
            raise LimitError(f"join() would build more than {limit:,} characters (the limit of a value)")
        parts.append(part)
    return str(sep).join(parts)


def text(value: Any) -> str:
    """A value as text (empty for null)."""
    return "" if value is None else str(value)


def _number(kind: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        try:
            return kind(value)
        except (TypeError, ValueError):
            raise ExpressionError(f"{kind.__name__}() cannot convert {value!r}") from None

    return convert


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "add_days": add_days,
    "add_months": add_months,
    "month_start": month_start,
    "format_date": format_date,
    "date": lambda value, *, tz=OSLO: as_date(value, tz).isoformat(),
    "money": money,
    "round": _round,
    "upper": lambda value: text(value).upper(),
    "lower": lambda value: text(value).lower(),
    "trim": lambda value: text(value).strip(),
    "replace": replace,
    "str": text,
    "int": _number(int),
    "float": _number(float),
    "sum": total,
    "count": count,
    "length": count,
    "first": first,
    "last": last,
    "pluck": pluck,
    "where": where,
    "join": join,
    "min": lambda values: min(_items(values, "min"), default=None),
    "max": lambda values: max(_items(values, "max"), default=None),
}
"""Callable as f(x, ...) or as filters x | f(...); `default`, `today` and `now` live in the evaluator."""

SPECIAL = ("default", "today", "now")
ALL_NAMES = (*FUNCTIONS, *SPECIAL)
ZONED = frozenset({"add_days", "add_months", "month_start", "format_date", "date"})
"""Functions given the scenario's time zone (keyword `tz`)."""
BOUNDED = frozenset({"replace", "join", "format_date"})
"""Functions given the size limit (keyword `limit`): they refuse before building too large a text."""
GROWING = frozenset({"upper", "lower", "str", "format_date", "replace", "join"})
"""Functions whose result may be larger than their arguments: it is size-checked."""


def arity(name: str) -> tuple[int, int]:
    """The fewest and most arguments a function takes (a filter's value counts as the first)."""
    if name in ("today", "now"):
        return 0, 0
    if name == "default":
        return 1, 2
    params = [p for p in inspect.signature(FUNCTIONS[name]).parameters.values()
              if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return sum(1 for p in params if p.default is p.empty), len(params)
