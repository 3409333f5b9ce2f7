"""Check a request body against the field table of its model, as Tripletex does, collecting every problem."""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from typing import Any

from ..models import FieldSpec, field_types
from .errors import BAD_CHOICE, BAD_DATE, BAD_EMAIL, BAD_TEXT, NOT_A_FIELD, OUT_OF_RANGE, WRONG_TYPE
from .query import MAX_NUMBER
from .store import INT64

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
Problems = list[tuple[str | None, str]]


def is_date_field(name: str) -> bool:
    """Fields holding a date as YYYY-MM-DD (the spec types them as plain strings)."""
    return name == "date" or (name.endswith("Date") and not name.endswith("UpdateDate"))


def _scalar_ok(kind: str, value: Any) -> bool:
    if kind == "string":
        return isinstance(value, str)
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool) and value in INT64
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool)
    return isinstance(value, dict)


def _check_string(name: str, spec: FieldSpec, value: str, where: str, problems: Problems) -> None:
    if spec.enum and value not in spec.enum:
        problems.append((where, f"{BAD_CHOICE} Gyldige verdier: {', '.join(spec.enum)}."))
    elif value and is_date_field(name):
        try:
            dt.date.fromisoformat(value[:10])
            if len(value) != 10:
                raise ValueError(value)
        except ValueError:
            problems.append((where, BAD_DATE))
    elif value and "email" in name.lower() and not _EMAIL.match(value):
        problems.append((where, BAD_EMAIL))


def _check_field(name: str, spec: FieldSpec, value: Any, where: str, problems: Problems) -> None:
    if value is None:
        return
    if spec.kind == "ref":
        if not isinstance(value, dict):
            problems.append((where, WRONG_TYPE))
        elif spec.ref:
            check(spec.ref, value, prefix=where + ".", problems=problems)
    elif spec.kind == "array":
        if not isinstance(value, list):
            problems.append((where, WRONG_TYPE))
            return
        for index, item in enumerate(value):
            at = f"{where}[{index}]"
            if spec.ref and spec.ref[0].isupper():
                if isinstance(item, dict):
                    check(spec.ref, item, prefix=at + ".", problems=problems)
                else:
                    problems.append((at, WRONG_TYPE))
            elif spec.ref and item is not None and not _scalar_ok(spec.ref, item):
                problems.append((at, WRONG_TYPE))
    elif not _scalar_ok(spec.kind, value):
        problems.append((where, WRONG_TYPE))
    elif spec.kind == "number" and not abs(value) < MAX_NUMBER:  # also NaN, infinity and huge integers
        problems.append((where, OUT_OF_RANGE))
    elif spec.kind == "string":
        _check_string(name, spec, value, where, problems)


def check(model: str, body: dict[str, Any], *, prefix: str = "", problems: Problems | None = None) -> Problems:
    """Every problem of a body (unknown field, wrong type, bad date/email/choice), with dotted field names."""
    problems = [] if problems is None else problems
    specs = field_types(model)
    for name, value in body.items():
        spec = specs.get(name)
        where = prefix + name
        if spec is None:
            problems.append((where, NOT_A_FIELD))
        elif not spec.read_only:
            _check_field(name, spec, value, where, problems)
    return problems


def has_surrogate(text: str) -> bool:
    """Whether a text holds a lone surrogate (valid in JSON escapes, never in UTF-8 or the database)."""
    return any("\ud800" <= char <= "\udfff" for char in text)


def printable(text: str) -> str:
    """A text safe to echo in an answer: lone surrogates written as escapes."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8") if has_surrogate(text) else text


def may_hold_surrogate(raw: bytes) -> bool:
    """Whether a JSON body, parsed, could hold a lone surrogate: only through a `\\u` escape, the UTF-8 form of
    one (0xED leads it; json reads bytes with surrogatepass), or a UTF-16/32 body (zero bytes)."""
    return b"\\u" in raw or b"\xed" in raw or b"\x00" in raw


def bad_text(value: Any, where: str = "") -> Problems:
    """Every string (or key) of a parsed JSON body that holds a lone surrogate, with its dotted field name."""
    problems: Problems = []
    if isinstance(value, str):
        if has_surrogate(value):
            problems.append((where or None, BAD_TEXT))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            problems += bad_text(item, f"{where}[{index}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            name = f"{where}.{printable(key)}" if where else printable(key)
            problems += [(name, BAD_TEXT)] if has_surrogate(key) else bad_text(item, name)
    return problems


def writable(model: str, body: dict[str, Any]) -> dict[str, Any]:
    """The body without read-only fields (which Tripletex ignores on write)."""
    specs = field_types(model)
    return {k: v for k, v in body.items() if k in specs and not specs[k].read_only}


@cache
def _plain_fields(model: str) -> tuple[dict[str, type], frozenset[str]]:
    """The writable fields whose only check is their JSON type (a text that is no choice, date or email, an
    integer, a boolean), with that type; and the read-only fields (ignored on write, never checked)."""
    kinds = {"string": str, "integer": int, "boolean": bool}
    plain: dict[str, type] = {}
    for name, spec in field_types(model).items():
        kind = kinds.get(spec.kind)
        if spec.read_only or kind is None:
            continue
        if kind is str and (spec.enum or is_date_field(name) or "email" in name.lower()):
            continue
        plain[name] = kind
    return plain, frozenset(name for name, spec in field_types(model).items() if spec.read_only)


def plain_writable(model: str, body: dict[str, Any]) -> dict[str, Any] | None:
    """`writable(model, body)` when `check` can find no problem in the body because every field it writes is a
    plain value of its type (or null); None when the body needs the full `check`."""
    plain, read_only = _plain_fields(model)
    out: dict[str, Any] = {}
    for name, value in body.items():
        kind = plain.get(name)
        if kind is None:
            if name in read_only:
                continue
            return None
        if value is not None and (type(value) is not kind or (kind is int and value not in INT64)):
            return None
        out[name] = value
    return out
