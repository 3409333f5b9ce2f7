"""Search parameters, sorting and paging of a catalog operation turned into SQL over the JSON objects."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..catalog import Operation, Param
from ..models import SCHEMA_FIELDS, field_types
from .errors import SandboxError, invalid
from .store import FOLD, INT64, SORT_KEY, json_path, table_name
from .tenancy import OSLO

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SORT_FIELD = re.compile(r"^-?[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$")
_INTEGER_LIKE = re.compile(r"^-?\d+$")
# Amounts and counts beyond this are refused: no real value is that large, and money() keeps 28 digits.
MAX_NUMBER = 1e15


def sqlite_int(text: str) -> int:
    """An integer SQLite can store (64 bits); ValueError for anything else, however it is spelled."""
    value = int(text)
    if value not in INT64:
        raise ValueError(text)
    return value


def column(field: str, table: str = "") -> str:
    """The SQL expression of a field: id and version are columns, the rest lives in the JSON.

    Unqualified by default, written exactly as the expression indexes are, so that SQLite uses them.
    """
    prefix = f"{table}." if table else ""
    return f"{prefix}{field}" if field in ("id", "version") else f"json_extract({prefix}data, '{json_path(field)}')"


def sort_column(model: str, field: str, table: str = "", depth: int = 0) -> str:
    """The SQL of a sort field; a dotted one reaches into the referenced object (`postalAddress.city`)."""
    head, _, rest = field.partition(".")
    spec = field_types(model).get(head)
    if not rest or rest == "id" or spec is None or spec.kind != "ref" or not spec.ref or depth > 3:
        return column(field, table)
    alias, outer = f"ref{depth}", table or "objects"
    # A reference is stored as {"id": n}; an object stored inline (no id) is sorted by its own field.
    return (
        f"COALESCE((SELECT {sort_column(spec.ref, rest, alias, depth + 1)} FROM {table_name(spec.ref)} AS {alias} "
        f"WHERE {alias}.company_id = {outer}.company_id "
        f"AND {alias}.id = json_extract({outer}.data, '{json_path(head)}.id')), {column(field, table)})"
    )


def indexed_fields() -> list[str]:
    """The fields (of any type) searches filter on exactly or by range, booleans left out.

    The engine indexes them per type (`engine.searched_fields`); sorting by one follows its byte order.
    """
    from .. import catalog

    return [p.field for op in catalog.all_operations() for p in op.params
            if p.field and p.match in ("in", "eq", "from", "to") and p.type != "boolean"]


# Ids, numbers, codes, e-mail addresses and dates that searches filter on: sorted by their index (their byte
# order is the expected one), not by the Norwegian text order, which would need a sort of every row.
_BYTE_ORDER = frozenset(indexed_fields()) - {"name"}


def is_text(model: str, field: str) -> bool:
    """Whether a (dotted) sort field is free text in the spec's model, to be sorted in Norwegian order."""
    head, _, rest = field.partition(".")
    spec = field_types(model).get(head) if model in SCHEMA_FIELDS else None
    if spec is None:
        return False
    if rest:
        return bool(spec.kind == "ref" and spec.ref and spec.ref in SCHEMA_FIELDS and is_text(spec.ref, rest))
    return spec.kind == "string" and not spec.enum


def order_column(model: str, field: str) -> str:
    """The SQL a search orders by: text in Norwegian, case-insensitive order (`tx_sortkey`), the rest as stored."""
    expr = sort_column(model, field)
    if field in _BYTE_ORDER or not is_text(model, field):
        return expr
    return f"{SORT_KEY}({expr})"


@dataclass
class Query:
    """A search as SQL pieces plus paging; `flags` (equality filters on booleans) and `contains` (text filters
    matched in memory: expression, text) as `Tx.search` takes them."""

    where: list[str] = field(default_factory=list)
    args: list[Any] = field(default_factory=list)
    order: list[str] = field(default_factory=list)
    offset: int = 0
    limit: int = 1000
    flags: list[tuple[str, Any]] = field(default_factory=list)
    model: str = ""
    contains: list[tuple[str, str]] = field(default_factory=list)
    in_memory: bool = False


def finite_number(text: str) -> float:
    """A number that is finite and below MAX_NUMBER in size; ValueError otherwise (`nan`, `inf`, `1e999`)."""
    value = float(text)
    if not math.isfinite(value) or abs(value) >= MAX_NUMBER:
        raise ValueError(text)
    return value


def id_list(text: str) -> list[int]:
    """The ids of a comma list (`1,2`); ValueError for a non-integer item or a list without any."""
    ids = [sqlite_int(item.strip()) for item in text.split(",") if item.strip()]
    if not ids:
        raise ValueError(text)
    return ids


def _typed(param: Param, raw: str) -> Any:
    """The query value as its type, or a 422 naming the parameter."""
    text = raw.strip()
    try:
        if param.type == "integer":
            return sqlite_int(text)
        if param.type == "number":
            return finite_number(text)
        if param.type == "ids":
            return id_list(text)
        if param.type == "boolean":
            if text.lower() not in ("true", "false"):
                raise ValueError(text)
            return text.lower() == "true"
        if param.type == "date":
            if not _DATE.match(text):
                raise ValueError(text)
            dt.date.fromisoformat(text)
            return text
    except ValueError:
        raise invalid([(param.name, f"Ugyldig verdi: {raw!r}.")], code=21000) from None
    if param.enum and text not in param.enum:
        raise invalid([(param.name, f"Ugyldig verdi: {raw!r}. Gyldige verdier: {', '.join(param.enum)}.")])
    return text


def _scalar(text: str) -> Any:
    return int(text) if _INTEGER_LIKE.match(text) and int(text) in INT64 else text


def _since(param: Param, raw: str) -> str:
    """A `changedSince` value as the store's UTC timestamps are written; a value without offset is Oslo time."""
    try:
        moment = dt.datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    except ValueError:
        raise invalid([(param.name, f"Ugyldig tidspunkt: {raw!r}. Bruk ÅÅÅÅ-MM-DD eller ÅÅÅÅ-MM-DDTtt:mm:ss.")],
                      code=21000) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=OSLO)
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds")


def _filter(q: Query, param: Param, raw: str | list[str]) -> None:
    assert param.field is not None
    expr = column(param.field)
    match = param.match
    if match == "in":
        items = raw if isinstance(raw, list) else [v for v in raw.split(",") if v.strip()]
        if param.type == "ids":
            bad = [v for v in items if not _INTEGER_LIKE.match(v.strip()) or int(v) not in INT64]
            if bad:
                raise invalid([(param.name, f"Ugyldig id: {bad[0]!r}.")], code=21000)
        # Numbers kept as text in the JSON ("number": "31" on VAT types) must match as well as real numbers.
        values = [form for v in items for form in dict.fromkeys((_scalar(v.strip()), v.strip()))]
        if values:
            q.where.append(f"{expr} IN ({', '.join('?' * len(values))})")
            q.args.extend(values)
        return
    value = _typed(param, raw if isinstance(raw, str) else ",".join(raw))
    if match == "eq" and param.type == "boolean":
        q.flags.append((expr, value))
    elif match == "eq":
        q.where.append(f"{expr} = ?")
        q.args.append(value)
    elif match == "contains":
        _contains(q, param.field, str(value))
    elif match in ("from", "to"):
        q.where.append(f"{expr} {'>=' if match == 'from' else '<'} ?")
        q.args.append(value)
    elif match == "since":
        q.where.append("changed_at >= ?")
        q.args.append(_since(param, str(value)))


def _contains(q: Query, field: str, text: str) -> None:
    """A case-insensitive substring filter: matched in memory, or (the reference it must agree with) a LIKE test."""
    expr = column(field)
    if q.in_memory:
        q.contains.append((expr, text))
        return
    # LIKE already ignores ASCII case; the Python fold (slower, a call per row) only for other letters.
    folded = f"{FOLD}({expr})" if not text.isascii() else expr
    q.where.append(f"{folded} LIKE ? ESCAPE '\\'")
    escaped = text.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    q.args.append(f"%{escaped}%")


def sort_fields(model: str, sorting: str) -> list[str]:
    """The parts of a sorting pattern (`name,-date`), each checked: 422/17000 for a bad form or unknown field."""
    parts = [p.strip() for p in sorting.split(",") if p.strip()]
    known = field_types(model)
    for part in parts:
        if not _SORT_FIELD.match(part):
            raise invalid([("sorting", f"Ugyldig sortering: {part!r}.")], code=17000)
        head = part.lstrip("-").split(".")[0]
        if known and head not in known:
            raise invalid([("sorting", f"Ugyldig sortering: feltet {head!r} finnes ikke i {model}.")], code=17000)
    return parts


def _sorting(q: Query, model: str, sorting: str) -> None:
    for part in sort_fields(model, sorting):
        expr = order_column(model, part.lstrip("-"))
        q.order.append(f"{expr} {'DESC' if part.startswith('-') else 'ASC'}")


def _paging(params: Mapping[str, str]) -> tuple[int, int]:
    values = []
    for name, default in (("from", 0), ("count", 1000)):
        raw = params.get(name)
        try:
            value = sqlite_int(raw) if raw not in (None, "") else default
        except ValueError:
            raise invalid([(name, f"Ugyldig verdi: {raw!r}.")], code=21000) from None
        if value < 0:
            raise invalid([(name, "Verdien kan ikke være negativ.")], code=21000)
        values.append(value)
    return values[0], values[1]


def build_query(
    op: Operation, model: str, params: Mapping[str, str], lists: Mapping[str, list[str]], in_memory: bool = False,
) -> Query:
    """The SQL of a search operation's filters, sorting and paging; 422 for bad values.

    `in_memory`: `contains` filters go to `Query.contains` (matched over in-memory columns, see columns.py)
    instead of a LIKE test over every object.
    """
    q = Query(model=model, in_memory=in_memory)
    missing = [p.name for p in op.query_params if p.required and not params.get(p.name)]
    if missing:
        raise invalid([(name, "Kan ikke være null.") for name in missing])
    for param in op.query_params:
        if not param.field or param.match in (None, "rule"):
            continue
        if param.type == "strings" and lists.get(param.name):
            _filter(q, param, lists[param.name])
        elif params.get(param.name, "") != "":
            _filter(q, param, params[param.name])
        elif param.default is not None and param.type == "boolean" and param.match == "eq":
            _filter(q, param, str(param.default).lower())
    _sorting(q, model, params.get("sorting", ""))
    q.offset, q.limit = _paging(params)
    return q


def check_param_types(op: Operation, params: Mapping[str, str]) -> dict[str, str]:
    """The parameters of a non-search operation, typed ones trimmed; 422 for a wrong form or a missing one."""
    problems: list[tuple[str | None, str]] = []
    checked = dict(params)
    for param in op.query_params:
        raw = params.get(param.name)
        if raw in (None, ""):
            if param.required:
                problems.append((param.name, "Kan ikke være null."))
            continue
        try:
            _typed(param, raw)
        except SandboxError as error:
            problems.extend(error.messages)
        if param.type != "string":
            checked[param.name] = raw.strip()
    if problems:
        raise invalid(problems)
    return checked
