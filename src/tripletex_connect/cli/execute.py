"""Running a command derived from the catalog: arguments and body from the command line, the call, the output."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from typing import Any, TextIO

import typer

from ..catalog import Operation, Param
from .answer import check_out, write_answer
from .errors import CliUsageError
from .inputs import build_body
from .output import OutputFormat, isatty
from .progress import batches
from .state import state_of
from .tables import table_fields


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
        sets = values.get("set_values") or ()
        body = build_body(values.get("data"), sets, list_body=op.body_is_list, is_text=text_paths(op.body))
        if body is None:
            raise CliUsageError(f"'{ctx.command_path}' needs a body: give --data JSON|@FILE|- and/or --set FIELD=VALUE")
    check_out(values.get("out"))
    output: OutputFormat | None = values.get("output")
    writer = state.writer(output, fields=args.get("fields"))
    if writer.fmt == "table" and "fields" not in args and op.param("fields") is not None:
        args = {**args, "fields": table_fields(op.response) or "*"}
    tx = state.client(ctx)
    if op.paged:
        limit = values.get("limit")
        result = tx.invoke(op.key, args, body=body, limit=limit, page_size=values.get("page_size"))
        writer.many(batches(result, limit=limit, progress_to=progress_stream(writer.fmt, sys.stdout, sys.stderr)))
        return
    result = tx.invoke(op.key, args, body=body, file=values.get("file"))
    if isinstance(result, bytes):
        write_answer(result, writer, values.get("out"))
        return
    if result is None:
        typer.echo(f"{op.title}: done.", err=True)
    elif isinstance(result, list):
        writer.many([result])
    else:
        writer.one(result)


def text_paths(model: str) -> Callable[[str], bool]:
    """Whether a dotted `--set` path (API or Python names, list indexes) leads to a text field of `model`."""
    from .. import models

    def is_text(path: str) -> bool:
        name: str | None = model
        spec: Any = None
        for part in path.split("."):
            if part.isdigit() and spec is not None and spec.kind == "array":
                continue
            fields = models.SCHEMA_FIELDS.get(name or "", {})
            spec = fields.get(part) or next((s for s in fields.values() if s.python == part), None)
            if spec is None:
                return False
            name = spec.ref
        return spec is not None and spec.kind == "string"

    return is_text


def progress_stream(fmt: str, out: TextIO, err: TextIO) -> TextIO | None:
    """Where a progress bar may go: `err` when it is a terminal and the bar cannot tangle with data on `out`."""
    # A live bar on the terminal would tangle with data written to that same terminal, except for tables,
    # which are printed only after the last page.
    if isatty(err) and (not isatty(out) or fmt == "table"):
        return err
    return None
