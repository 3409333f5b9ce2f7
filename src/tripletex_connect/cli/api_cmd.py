"""`ttx api METHOD PATH`: Make's "Make an API Call", any request under the connection's base URL."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import typer

from .derived import OutputOption
from .errors import CliUsageError
from .inputs import parse_headers, parse_query, read_json
from .output import Writer, dumps, isatty, to_data
from .state import state_of


def api(
    ctx: typer.Context,
    method: Annotated[str, typer.Argument(metavar="METHOD", help="GET, POST, PUT, DELETE, ...", show_default=False)],
    path: Annotated[
        str,
        typer.Argument(
            metavar="PATH",
            help="Path under the base URL, e.g. /customer/1 or /invoice/1/pdf; never a full URL.",
            show_default=False,
        ),
    ],
    query: Annotated[
        list[str] | None, typer.Option("--query", "-q", metavar="KEY=VALUE", help="Query parameter; repeatable.")
    ] = None,
    data: Annotated[
        str | None, typer.Option("--data", "-d", metavar="JSON|@FILE|-", help="JSON body, @file, or - for stdin.")
    ] = None,
    header: Annotated[
        list[str] | None, typer.Option("--header", "-H", metavar="'NAME: VALUE'", help="Extra header; repeatable.")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", metavar="FILE", help="Write the answer to FILE (needed for binary answers, e.g. PDF)."),
    ] = None,
    output: OutputOption = None,
) -> None:
    """Send an authenticated request to any API path (Make: Other / Make an API Call).

    JSON answers are written in the chosen output format (json shows the answer as received; the other
    formats unwrap `value`/`values`). Binary answers go to --out FILE, or to a pipe, never to a terminal.
    """
    params = parse_query(query or ())
    headers = parse_headers(header or ())
    body = read_json(data) if data is not None else None
    check_out(out)
    state = state_of(ctx)
    writer = state.writer(output)
    tx = state.client(ctx)
    answer = tx.request(method, path, params=params, json=body, headers=headers or None)
    write_answer(answer, writer, out)


def check_out(out: Path | None) -> None:
    """Refuse an --out FILE that cannot be written before the request is sent, so no write's answer is lost."""
    if out is None:
        return
    if out.is_dir():
        raise CliUsageError(f"--out {str(out)!r} is a directory; give a file name")
    folder = out.parent
    if not folder.is_dir():
        raise CliUsageError(f"--out: cannot write {str(out)!r}: the folder {str(folder)!r} does not exist")
    if not os.access(folder, os.W_OK) or (out.exists() and not os.access(out, os.W_OK)):
        raise CliUsageError(f"--out: cannot write {str(out)!r}: permission denied")


def write_answer(answer: Any, writer: Writer, out: Path | None) -> None:
    """Write a raw API answer: JSON per the output format, text as is, bytes to a file or a pipe."""
    if answer is None:
        typer.echo("(no content)", err=True)
        return
    if isinstance(answer, bytes | str):
        _write_raw(answer, out)
        return
    if out is not None:
        _write_file(out, (dumps(to_data(answer)) + "\n").encode("utf-8"))
        return
    if writer.fmt == "json" or not isinstance(answer, Mapping):
        writer.one(answer)
    elif isinstance(answer.get("values"), list):
        writer.many([answer["values"]])
    elif "value" in answer:
        writer.one(answer["value"])
    else:
        writer.one(answer)


def _write_raw(answer: bytes | str, out: Path | None) -> None:
    content = answer.encode("utf-8") if isinstance(answer, str) else answer
    if out is not None:
        _write_file(out, content)
        return
    if isinstance(answer, str):
        typer.echo(answer, nl=not answer.endswith("\n"))
        return
    if isatty(sys.stdout):
        raise CliUsageError(
            f"the answer is binary ({len(content)} bytes) and stdout is a terminal; save it with --out FILE"
        )
    sys.stdout.flush()
    sys.stdout.buffer.write(content)
    sys.stdout.buffer.flush()


def _write_file(path: Path, content: bytes) -> None:
    try:
        path.write_bytes(content)
    except OSError as exc:
        raise CliUsageError(f"--out: cannot write {str(path)!r}: {exc.strerror or exc}") from None
    typer.echo(f"wrote {len(content)} bytes to {path}", err=True)
