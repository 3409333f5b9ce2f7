"""Running a command derived from the catalog: arguments and body from the command line, the call, the output."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

import typer

from ..catalog import Operation, Param
from .errors import CliUsageError
from .inputs import build_body
from .output import OutputFormat, isatty
from .progress import batches
from .state import state_of


def _arguments(catalog_params: Mapping[str, Param], values: Mapping[str, Any]) -> dict[str, Any]:
    args: dict[str, Any] = {}
    for name, param in catalog_params.items():
        value = values.get(name)
        if value is None or value == []:
            continue
        if param.type == "ids":
            value = [int(item) for chunk in value for item in chunk.split(",")]
        args[param.name] = value
    return args


def run_operation(
    op: Operation, catalog_params: Mapping[str, Param], ctx: typer.Context, values: Mapping[str, Any]
) -> None:
    """Run a derived command: arguments (by the name Typer gave each catalog parameter) and body, then the call."""
    state = state_of(ctx)
    args = _arguments(catalog_params, values)
    body = None
    if op.body is not None:
        body = build_body(values.get("data"), values.get("set_values") or (), list_body=op.body_is_list)
        if body is None:
            raise CliUsageError(f"'{ctx.command_path}' needs a body: give --data JSON|@FILE|- and/or --set FIELD=VALUE")
    output: OutputFormat | None = values.get("output")
    writer = state.writer(output)
    tx = state.client(ctx)
    if op.paged:
        limit = values.get("limit")
        result = tx.invoke(op.key, args, body=body, limit=limit, page_size=values.get("page_size"))
        writer.many(batches(result, limit=limit, progress_to=_progress_stream(writer.fmt)))
        return
    result = tx.invoke(op.key, args, body=body)
    if isinstance(result, bytes):
        from .api_cmd import write_answer

        write_answer(result, writer, values.get("out"))
        return
    if result is None:
        typer.echo(f"{op.title}: done.", err=True)
    else:
        writer.one(result)


def _progress_stream(fmt: str) -> Any:
    # A live bar on the terminal would tangle with data written to that same terminal, except for tables,
    # which are printed only after the last page.
    err, out = sys.stderr, sys.stdout
    if isatty(err) and (not isatty(out) or fmt == "table"):
        return err
    return None
