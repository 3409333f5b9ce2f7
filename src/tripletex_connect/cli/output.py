"""Rendering results on stdout as json, jsonl, csv or a table; lists are written page by page as they arrive.

Values are shown in the API's camelCase shape. `json` writes one pretty object, or a pretty list that is
streamed item by item; `jsonl` writes one compact object per line. `csv` flattens nested objects into
dotted columns (`postalAddress.city`, `category1.id`) and writes lists as JSON text; because CSV is
streamed, its header is the union of the columns of the first page, and a column that first appears on a
later page is left out (named once on stderr; `--fields` fixes the columns). `table` is for people: it
collects the rows, shows references by number and name ("1920 Bankinnskudd"), amounts with two decimals,
and hides columns that are empty or do not fit.

With `--fields` (`id,category1(name),postalAddress(city)`), every format follows the selection: CSV and
table columns are `id`, `category1.name`, `postalAddress.city` in that order (with a header even when
nothing matched), and JSON objects list those keys first, in that order. With `--query`, a JMESPath
expression is applied to the whole result (a list, or one object) before it is formatted, as in the AWS CLI.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Literal, TextIO

OutputFormat = Literal["json", "jsonl", "csv", "table"]
FORMATS: tuple[OutputFormat, ...] = ("json", "jsonl", "csv", "table")

# Columns a table shows first, when present, in this order; the rest follow in the order the API sends them.
# What people look for first: who or what it is, when, how much, for whom; then the rest.
_LEADING_COLUMNS = (
    "id", "number", "invoiceNumber", "customerNumber", "supplierNumber", "employeeNumber", "name", "firstName",
    "lastName", "date", "invoiceDate", "orderDate", "hours", "amount", "amountGross", "priceExcludingVatCurrency",
    "customer", "supplier", "employee", "project", "activity", "account", "product", "description", "comment",
    "amountExcludingVat", "amountOutstanding", "invoiceDueDate",
)
_HIDDEN_TABLE_COLUMNS = ("url", "changes")
# A column is given at least its header's width and at most this much of its cells' width when fitting.
_MAX_FIT_WIDTH = 24
# Field names of amounts (shown with two decimals) and of a reference's number and name.
_MONEY = re.compile(r"(amount|price|cost|balance|sum|total)", re.IGNORECASE)
_NUMBER_KEYS = (
    "number", "customerNumber", "supplierNumber", "employeeNumber", "departmentNumber", "invoiceNumber",
    "voucherNumber",
)
_NAME_KEYS = ("name", "displayName", "code")


def default_format(stdout: TextIO) -> OutputFormat:
    """`table` for a person at a terminal, `json` for pipes and files."""
    return "table" if isatty(stdout) else "json"


def isatty(stream: Any) -> bool:
    """True when `stream` is a terminal (False for anything that cannot tell)."""
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def to_data(value: Any) -> Any:
    """A result as plain JSON-ready data in the API's camelCase shape (models, dicts, lists, scalars)."""
    if hasattr(value, "model_dump"):
        return _model_data(value)
    if isinstance(value, Mapping):
        return {str(k): to_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_data(v) for v in value]
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def _model_data(model: Any) -> Any:
    from .. import models

    to_api_dict = getattr(models, "to_api_dict", None)
    if to_api_dict is None:
        return to_data(model.model_dump(mode="json", by_alias=True, exclude_unset=True))
    return to_data(to_api_dict(model))


def _json_default(value: Any) -> Any:
    return str(value)


def dumps(data: Any, *, pretty: bool = True) -> str:
    """JSON text of plain data: pretty (indent 2) or compact on one line."""
    if pretty:
        return json.dumps(data, indent=2, ensure_ascii=False, default=_json_default)
    return json.dumps(data, ensure_ascii=False, default=_json_default)


def flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    """Nested objects as dotted keys (`postalAddress.city`); lists stay whole, to be written as JSON text."""
    if not isinstance(data, Mapping):
        return {prefix or "value": data}
    flat: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, Mapping) and value:
            flat.update(flatten(value, name))
        else:
            flat[name] = value
    return flat


def csv_cell(value: Any) -> str:
    """A value as CSV text: empty for null, JSON for lists, objects and booleans, else its text."""
    if value is None:
        return ""
    if isinstance(value, bool | list | tuple | Mapping):
        return dumps(to_data(value), pretty=False)
    return str(value)


def _is_reference(value: Mapping[str, Any]) -> bool:
    return "id" in value and set(value) <= {"id", "url"}


def reference_text(value: Mapping[str, Any]) -> str | None:
    """A reference as accountants read it: "1920 Bankinnskudd", "10001 Bergen Bryggeri AS", "Ola Nordmann"."""
    number = next((value[k] for k in _NUMBER_KEYS if value.get(k) not in (None, "")), None)
    name = next((value[k] for k in _NAME_KEYS if value.get(k) not in (None, "")), None)
    if name is None and (value.get("firstName") or value.get("lastName")):
        name = " ".join(str(value[k]) for k in ("firstName", "lastName") if value.get(k))
    text = " ".join(str(part) for part in (number, name) if part is not None)
    return text or None


def is_money(column: str) -> bool:
    """True when a column holds an amount (its last name part says amount, price, cost, balance, sum or total)."""
    return bool(_MONEY.search(column.rsplit(".", 1)[-1]))


def table_cell(value: Any, column: str = "") -> str:
    """A value as a table cell: references by number and name (else id), amounts with two decimals."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float) and is_money(column):
        return f"{value:.2f}"
    if isinstance(value, Mapping):
        text = reference_text(value)
        if text is not None:
            return text
        if _is_reference(value):
            return str(value["id"])
        return dumps(value, pretty=False) if value else ""
    if isinstance(value, list | tuple):
        if value and all(isinstance(v, Mapping) and "id" in v for v in value):
            return ", ".join(table_cell(v) for v in value)
        return dumps(list(value), pretty=False) if value else ""
    return str(value)


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _as_row(item: Any) -> dict[str, Any]:
    data = to_data(item)
    return data if isinstance(data, dict) else {"value": data}


Selection = list[tuple[str, "Selection | None"]]


def parse_fields(text: str) -> Selection:
    """A `fields` selection as a tree: `id,address(city)` -> [("id", None), ("address", [("city", None)])]."""
    selection, rest = _parse_selection(text.replace(" ", ""), 0)
    if rest != len(text.replace(" ", "")):
        raise ValueError(f"unbalanced parentheses in --fields {text!r}")
    return selection


def _parse_selection(text: str, pos: int) -> tuple[Selection, int]:
    items: Selection = []
    while pos < len(text) and text[pos] != ")":
        end = pos
        while end < len(text) and text[end] not in ",()":
            end += 1
        name, children = text[pos:end], None
        if end < len(text) and text[end] == "(":
            children, end = _parse_selection(text, end + 1)
            if end >= len(text):
                raise ValueError(f"unbalanced parentheses in --fields {text!r}")
            end += 1
        if name:
            items.append((name, children))
        pos = end + 1 if end < len(text) and text[end] == "," else end
    return items, pos


def field_columns(selection: Selection, prefix: str = "") -> list[str] | None:
    """The dotted columns a selection names, in its order; None when it contains `*` (the data decides)."""
    columns: list[str] = []
    for name, children in selection:
        if name == "*":
            return None
        path = f"{prefix}{name}"
        if children:
            nested = field_columns(children, path + ".")
            if nested is None:
                return None
            columns += nested
        else:
            columns.append(path)
    return columns


def _ordered(data: Any, selection: Selection) -> Any:
    """`data` with the selected keys first, in the selection's order (nested too), then any others."""
    if isinstance(data, list):
        return [_ordered(item, selection) for item in data]
    if not isinstance(data, dict):
        return data
    out = {
        name: _ordered(data[name], children) if children else data[name]
        for name, children in selection
        if name != "*" and name in data
    }
    out.update((key, value) for key, value in data.items() if key not in out)
    return out


def pick(data: Mapping[str, Any], column: str) -> Any:
    """The value at a dotted column (`postalAddress.city`), None when any part is missing."""
    value: Any = data
    for part in column.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def compile_query(expression: str) -> Any:
    """A compiled JMESPath expression; ValueError with the parser's message when it is not one."""
    import jmespath
    from jmespath.exceptions import JMESPathError

    try:
        return jmespath.compile(expression)
    except JMESPathError as error:
        raise ValueError(f"--query {expression!r} is not a JMESPath expression: {error}") from None


class Writer:
    """Writes results in one format to `out`; messages (never data) go to `err`.

    `fields` (a `fields` selection) fixes columns and key order; `query` (a JMESPath expression) reshapes the
    whole result first.
    """

    def __init__(
        self, fmt: OutputFormat, out: TextIO, err: TextIO, *, fields: str | None = None, query: str | None = None
    ) -> None:
        if fmt not in FORMATS:
            raise ValueError(f"unknown output format {fmt!r}")
        self.fmt = fmt
        self.out = out
        self.err = err
        self.query = compile_query(query) if query else None
        # After a query the data has the query's shape, so the selection no longer names its columns.
        self.selection = parse_fields(fields) if fields and not query else None
        self.columns = field_columns(self.selection) if self.selection else None

    def one(self, value: Any) -> None:
        """Write a single result (an object, or a plain value)."""
        data = to_data(value)
        if self.query is not None:
            data = self.query.search(data)
            if isinstance(data, list):
                self._many([data])
                return
        self._one(data)

    def many(self, batches: Iterable[Sequence[Any]]) -> int:
        """Write a list that arrives in batches (pages), streaming where the format allows; returns the count."""
        if self.query is None:
            return self._many(batches)
        result = self.query.search([to_data(item) for batch in batches for item in batch])
        if isinstance(result, list):
            return self._many([result])
        self._one(result)
        return 1

    def _one(self, data: Any) -> None:
        if self.selection:
            data = _ordered(data, self.selection)
        if self.fmt == "json":
            self.out.write(dumps(data) + "\n")
        elif self.fmt == "jsonl":
            self.out.write(dumps(data, pretty=False) + "\n")
        elif self.fmt == "csv":
            self._many([[data]])
        elif isinstance(data, dict) and self.columns is None:
            self._record_table(data)
        else:
            self._many([data] if isinstance(data, list) else [[data]])
        self.out.flush()

    def _many(self, batches: Iterable[Sequence[Any]]) -> int:
        if self.fmt == "json":
            return self._json_list(batches)
        if self.fmt == "jsonl":
            return self._jsonl(batches)
        if self.fmt == "csv":
            return self._csv(batches)
        rows = [_as_row(item) for batch in batches for item in batch]
        self.table(rows, self.columns)
        return len(rows)

    def _json_list(self, batches: Iterable[Sequence[Any]]) -> int:
        count = 0
        for batch in batches:
            for item in batch:
                self.out.write("[\n" if count == 0 else ",\n")
                self.out.write(textwrap.indent(dumps(self._shaped(item)), "  "))
                count += 1
            self.out.flush()
        self.out.write("\n]\n" if count else "[]\n")
        self.out.flush()
        return count

    def _jsonl(self, batches: Iterable[Sequence[Any]]) -> int:
        count = 0
        for batch in batches:
            for item in batch:
                self.out.write(dumps(self._shaped(item), pretty=False) + "\n")
                count += 1
            self.out.flush()
        return count

    def _shaped(self, item: Any) -> Any:
        data = to_data(item)
        return _ordered(data, self.selection) if self.selection else data

    def _csv(self, batches: Iterable[Sequence[Any]]) -> int:
        if self.columns is not None:
            return self._csv_columns(batches, self.columns)
        writer: csv.DictWriter[str] | None = None
        header: list[str] = []
        dropped: set[str] = set()
        count = 0
        for batch in batches:
            rows = [flatten(_as_row(item)) for item in batch]
            if writer is None:
                if not rows:
                    continue
                header = list(dict.fromkeys(key for row in rows for key in row))
                writer = csv.DictWriter(self.out, header, restval="", extrasaction="ignore", lineterminator="\n")
                writer.writeheader()
            for row in rows:
                extra = row.keys() - set(header)
                if extra - dropped:
                    dropped |= extra
                    self.err.write(
                        f"note: column(s) {', '.join(sorted(extra))} first appear after the header was written "
                        "and are left out of the CSV; choose columns with --fields\n"
                    )
                writer.writerow({key: csv_cell(value) for key, value in row.items()})
                count += 1
            self.out.flush()
        return count

    def _csv_columns(self, batches: Iterable[Sequence[Any]], columns: Sequence[str]) -> int:
        writer = csv.writer(self.out, lineterminator="\n")
        writer.writerow(columns)
        count = 0
        for batch in batches:
            for item in batch:
                row = _as_row(item)
                writer.writerow([csv_cell(pick(row, column)) for column in columns])
                count += 1
            self.out.flush()
        self.out.flush()
        return count

    def table(self, rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None) -> None:
        """Write rows as a rich table: chosen `columns`, or those that have values and fit the width."""
        from rich.console import Console
        from rich.table import Table

        console = Console(file=self.out, soft_wrap=False)
        if not rows:
            self.err.write("(no results)\n")
            if columns is None:
                return
        if columns is None:
            columns, hidden = _table_columns(rows, console.width)
            if hidden:
                self.err.write(
                    f"note: the table shows {len(columns)} of {len(columns) + hidden} columns; "
                    "choose them with --fields, or use -o json for everything\n"
                )
        table = Table(show_lines=False, highlight=False)
        for column in columns:
            table.add_column(column, overflow="fold", justify="right" if _is_numeric(rows, column) else "left")
        for row in rows:
            table.add_row(*(_escape(table_cell(pick(row, column), column)) for column in columns))
        console.print(table)

    def _record_table(self, data: Mapping[str, Any]) -> None:
        from rich.console import Console
        from rich.table import Table

        table = Table("field", "value", highlight=False)
        for key, value in _record_fields(data).items():
            if _is_empty(value) or key.rsplit(".", 1)[-1] in _HIDDEN_TABLE_COLUMNS:
                continue
            table.add_row(_escape(key), _escape(table_cell(value, key)))
        Console(file=self.out, soft_wrap=False).print(table)


def _record_fields(data: Mapping[str, Any]) -> dict[str, Any]:
    """One object's fields for a field/value table: references as one line ("1920 Bankinnskudd"), else dotted."""
    fields: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, Mapping) and reference_text(value) is not None:
            fields[key] = value
        elif isinstance(value, Mapping) and value:
            fields.update({f"{key}.{k}": v for k, v in _record_fields(value).items()})
        else:
            fields[key] = value
    return fields


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def _is_numeric(rows: Sequence[Mapping[str, Any]], column: str) -> bool:
    values = [pick(row, column) for row in rows]
    present = [v for v in values if v is not None]
    return bool(present) and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present)


def _table_columns(rows: Sequence[Mapping[str, Any]], width: int) -> tuple[list[str], int]:
    """The columns that have values, the ones people look for first leading, as many as fit `width`."""
    keys = list(dict.fromkeys(key for row in rows for key in row))
    keys = [k for k in keys if k not in _HIDDEN_TABLE_COLUMNS and not all(_is_empty(row.get(k)) for row in rows)]
    leading = [k for k in _LEADING_COLUMNS if k in keys]
    ordered = leading + [k for k in keys if k not in leading]
    chosen: list[str] = []
    used = 1  # the table's left border
    for column in ordered:
        cells = max((len(table_cell(row.get(column), column)) for row in rows), default=0)
        need = max(len(column), min(cells, _MAX_FIT_WIDTH)) + 3  # padding and the border
        if chosen and used + need > width:
            break
        chosen.append(column)
        used += need
    return chosen, len(ordered) - len(chosen)
