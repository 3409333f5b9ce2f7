"""`ttx modules`: every Make module the catalog covers, with its HTTP call, SDK call and CLI call."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from .. import catalog
from ..catalog import Operation
from .derived import OutputOption
from .errors import CliUsageError
from .state import state_of

_TABLE_COLUMNS = ("group", "module", "key", "method", "path", "cli_call")


def module_row(op: Operation) -> dict[str, Any]:
    """One operation as a row of the module list."""
    return {
        "group": op.group,
        "module": op.title,
        "key": op.key,
        "kind": op.kind.value,
        "method": op.method,
        "path": op.path,
        "sdk_call": op.sdk_call,
        "cli_call": op.cli_call,
        "extra": not op.make_module,
        "beta": op.beta,
    }


def listed_operations(group: str | None = None) -> list[Operation]:
    """Make's modules plus the extra operations the SDK and CLI expose, optionally of one group (any case)."""
    ops = [op for op in catalog.all_operations() if op.make_module or op.exposed]
    if group is None:
        return ops
    chosen = [op for op in ops if op.group.casefold() == group.strip().casefold()]
    if not chosen:
        known = ", ".join(dict.fromkeys(op.group for op in ops))
        raise CliUsageError(f"no module group {group!r}; groups: {known}")
    return chosen


def modules(
    ctx: typer.Context,
    group: Annotated[
        str | None, typer.Option("--group", "-g", help="Only this Make group, e.g. Customers (any case).")
    ] = None,
    output: OutputOption = None,
) -> None:
    """List the modules: Make group and title, catalog key, kind, HTTP method and path, SDK and CLI calls.

    Operations beyond Make's module list are marked extra (in a table: the module name ends with *).
    """
    rows = [module_row(op) for op in listed_operations(group)]
    writer = state_of(ctx).writer(output)
    if writer.fmt == "table":
        marked = [{**row, "module": row["module"] + (" *" if row["extra"] else "")} for row in rows]
        writer.table(marked, columns=_TABLE_COLUMNS)
        if any(row["extra"] for row in rows):
            typer.echo("* not a Make module: an extra operation of the SDK and CLI", err=True)
    else:
        writer.many([rows])
