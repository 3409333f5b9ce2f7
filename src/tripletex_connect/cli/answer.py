"""Writing an answer the way `ttx api` does: JSON per the output format, text as is, bytes to a file or a pipe.

Shared by `ttx api` and the commands derived from the catalog (uploads' and PDFs' answers).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import typer

from .errors import CliUsageError
from .output import Writer, dumps, isatty, to_data


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
