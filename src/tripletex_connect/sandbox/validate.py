"""Check a request body against the field table of its model, as Tripletex does, collecting every problem."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ..models import FieldSpec, field_types
from .errors import BAD_CHOICE, BAD_DATE, BAD_EMAIL, NOT_A_FIELD, WRONG_TYPE
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


def writable(model: str, body: dict[str, Any]) -> dict[str, Any]:
    """The body without read-only fields (which Tripletex ignores on write)."""
    specs = field_types(model)
    return {k: v for k, v in body.items() if k in specs and not specs[k].read_only}
