"""Rendering results on stdout as json, jsonl, csv or a table; lists are written page by page as they arrive.

Values are shown in the API's camelCase shape. `json` writes one pretty object, or a pretty list that is
streamed item by item; `jsonl` writes one compact object per line. `csv` flattens nested objects into
dotted columns (`postalAddress.city`, `category1.id`) and writes lists as JSON text; because CSV is
streamed, its header is the union of the columns of the first page, and a column that first appears on a
later page is left out (named once on stderr; `--fields` fixes the columns). `table` is for people: it
collects the rows, shows references by name or id, and hides columns that are empty or do not fit.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Literal, TextIO

OutputFormat = Literal["json", "jsonl", "csv", "table"]
FORMATS: tuple[OutputFormat, ...] = ("json", "jsonl", "csv", "table")

# Columns a table shows first, when present; the rest follow in the order the API sends them.
# What people look for first in any resource: who and what it is, when, for whom, and how much.
_LEADING_COLUMNS = (
    "id", "number", "invoiceNumber", "customerNumber", "name", "displayName", "date", "invoiceDate", "orderDate",
    "customer", "employee", "project", "activity", "hours", "description", "priceExcludingVatCurrency",
    "amount", "amountExcludingVat", "amountOutstanding",
)
_HIDDEN_TABLE_COLUMNS = ("url", "changes")
_MIN_COLUMN_WIDTH = 14


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


def table_cell(value: Any) -> str:
    """A value as a table cell: references by name or id, lists of references as ids, the rest as text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping):
        for key in ("name", "displayName", "number"):
            if value.get(key) not in (None, ""):
                return str(value[key])
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


class Writer:
    """Writes results in one format to `out`; messages (never data) go to `err`."""

    def __init__(self, fmt: OutputFormat, out: TextIO, err: TextIO) -> None:
        if fmt not in FORMATS:
            raise ValueError(f"unknown output format {fmt!r}")
        self.fmt = fmt
        self.out = out
        self.err = err

    def one(self, value: Any) -> None:
        """Write a single result (an object, or a plain value)."""
        data = to_data(value)
        if self.fmt == "json":
            self.out.write(dumps(data) + "\n")
        elif self.fmt == "jsonl":
            self.out.write(dumps(data, pretty=False) + "\n")
        elif self.fmt == "csv":
            self.many([[data]])
        elif isinstance(data, dict):
            self._record_table(data)
        else:
            self.many([data] if isinstance(data, list) else [[data]])
        self.out.flush()

    def many(self, batches: Iterable[Sequence[Any]]) -> int:
        """Write a list that arrives in batches (pages), streaming where the format allows; returns the count."""
        if self.fmt == "json":
            return self._json_list(batches)
        if self.fmt == "jsonl":
            return self._jsonl(batches)
        if self.fmt == "csv":
            return self._csv(batches)
        rows = [_as_row(item) for batch in batches for item in batch]
        self.table(rows)
        return len(rows)

    def _json_list(self, batches: Iterable[Sequence[Any]]) -> int:
        count = 0
        for batch in batches:
            for item in batch:
                self.out.write("[\n" if count == 0 else ",\n")
                self.out.write(textwrap.indent(dumps(to_data(item)), "  "))
                count += 1
            self.out.flush()
        self.out.write("\n]\n" if count else "[]\n")
        self.out.flush()
        return count

    def _jsonl(self, batches: Iterable[Sequence[Any]]) -> int:
        count = 0
        for batch in batches:
            for item in batch:
                self.out.write(dumps(to_data(item), pretty=False) + "\n")
                count += 1
            self.out.flush()
        return count

    def _csv(self, batches: Iterable[Sequence[Any]]) -> int:
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

    def table(self, rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None) -> None:
        """Write rows as a rich table: chosen `columns`, or those that have values and fit the width."""
        from rich.console import Console
        from rich.table import Table

        console = Console(file=self.out, soft_wrap=False)
        if not rows:
            self.err.write("(no results)\n")
            return
        if columns is None:
            columns, hidden = _table_columns(rows, max(4, console.width // _MIN_COLUMN_WIDTH))
            if hidden:
                self.err.write(
                    f"note: the table shows {len(columns)} of {len(columns) + hidden} columns; "
                    "choose them with --fields, or use -o json for everything\n"
                )
        table = Table(show_lines=False, highlight=False)
        for column in columns:
            table.add_column(column, overflow="fold")
        for row in rows:
            table.add_row(*(_escape(table_cell(row.get(column))) for column in columns))
        console.print(table)

    def _record_table(self, data: Mapping[str, Any]) -> None:
        from rich.console import Console
        from rich.table import Table

        table = Table("field", "value", highlight=False)
        for key, value in flatten(data).items():
            if _is_empty(value) or key.rsplit(".", 1)[-1] in _HIDDEN_TABLE_COLUMNS:
                continue
            table.add_row(_escape(key), _escape(table_cell(value)))
        Console(file=self.out, soft_wrap=False).print(table)


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def _table_columns(rows: Sequence[Mapping[str, Any]], fit: int) -> tuple[list[str], int]:
    keys = list(dict.fromkeys(key for row in rows for key in row))
    keys = [k for k in keys if k not in _HIDDEN_TABLE_COLUMNS and not all(_is_empty(row.get(k)) for row in rows)]
    leading = [k for k in _LEADING_COLUMNS if k in keys]
    ordered = leading + [k for k in keys if k not in leading]
    return ordered[:fit], max(0, len(ordered) - fit)
