"""`ttx api METHOD PATH`: Make's "Make an API Call", any request under the connection's base URL."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .answer import check_out, write_answer
from .derived import OutputOption
from .inputs import parse_headers, parse_query, read_json
from .state import state_of

__all__ = ["api", "check_out", "write_answer"]


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
