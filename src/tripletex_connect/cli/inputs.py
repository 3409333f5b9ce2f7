"""Parsing of what users type: JSON bodies (`--data JSON|@file|-`), `--set a.b=value`, `key=value`, headers."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TextIO

from .errors import CliUsageError


def read_json(source: str, *, option: str = "--data", stdin: TextIO | None = None) -> Any:
    """JSON from a literal, `@path` (a file) or `-` (standard input); CliUsageError when it is not valid JSON."""
    if source == "-":
        text, where = (stdin or sys.stdin).read(), "standard input"
    elif source.startswith("@"):
        path = Path(source[1:]).expanduser()
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise CliUsageError(f"{option}: cannot read {str(path)!r}: {reason}") from None
        where = repr(str(path))
    else:
        text, where = source, "the argument"
    if not text.strip():
        raise CliUsageError(f'{option}: {where} is empty; expected JSON such as \'{{"name": "Acme"}}\'')
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise CliUsageError(
            f"{option}: {where} is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
        ) from None


def parse_value(raw: str) -> Any:
    """A `--set` value: JSON when it parses (numbers, true/false/null, "quoted", objects), else the plain string."""
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def split_assignment(text: str, *, option: str) -> tuple[str, str]:
    """Split `key=value` at the first `=`; CliUsageError when there is no `=` or no key."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise CliUsageError(f"{option}: expected KEY=VALUE, got {text!r}")
    return key.strip(), value


def apply_sets(body: Any, assignments: Iterable[str], is_text: Callable[[str], bool] | None = None) -> Any:
    """Apply `--set path=value` assignments on top of a body; dotted paths create nested objects as needed.

    `is_text(path)` tells which paths are text fields: there a number or true/false stays the text typed
    (`--set number=0042` sends "0042").
    """
    for assignment in assignments:
        path, raw = split_assignment(assignment, option="--set")
        value = parse_value(raw)
        if isinstance(value, int | float) and is_text is not None and is_text(path):
            value = raw
        body = set_path(body if body is not None else {}, path, value)
    return body


def set_path(body: Any, path: str, value: Any) -> Any:
    """Set `value` at a dotted `path` (`postalAddress.city`; numbers index existing lists) inside `body`."""
    if not isinstance(body, dict):
        raise CliUsageError(f"--set {path}: the body is not a JSON object, so fields cannot be set on it")
    parts = path.split(".")
    if any(not part for part in parts):
        raise CliUsageError(f"--set {path!r}: empty field name in the dotted path")
    node: Any = body
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        where = ".".join(parts[: depth + 1])
        if isinstance(node, list):
            index = _index(node, part, where)
            if last:
                node[index] = value
            else:
                node = node[index]
            continue
        if not isinstance(node, dict):
            parent = ".".join(parts[:depth])
            raise CliUsageError(f"--set {path}: {parent} is {_kind(node)}, not an object")
        if last:
            node[part] = value
        else:
            if node.get(part) is None:
                if parts[depth + 1].lstrip("-").isdigit():  # an index into a list that is not there
                    raise CliUsageError(f"--set {path}: there is no list {where} to index; give the whole list, "
                                        f"e.g. --set '{where}=[{{...}}]' or with --data")
                node[part] = {}
            node = node[part]
    return body


def _index(items: list[Any], part: str, where: str) -> int:
    try:
        index = int(part)
    except ValueError:
        raise CliUsageError(f"--set {where}: a list is indexed by a number, got {part!r}") from None
    if not -len(items) <= index < len(items):
        raise CliUsageError(f"--set {where}: index {index} is outside the list of {len(items)}")
    return index


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    return f"the value {json.dumps(value)}"


def build_body(
    data: str | None, sets: Sequence[str], *, list_body: bool = False, stdin: TextIO | None = None,
    is_text: Callable[[str], bool] | None = None,
) -> Any:
    """The request body from `--data` and `--set` (applied on top), or None when neither was given."""
    body = read_json(data, stdin=stdin) if data is not None else None
    if list_body:
        if sets:
            raise CliUsageError("--set cannot be used here: this operation takes a list; give it with --data")
        if body is not None and not isinstance(body, list):
            raise CliUsageError("--data: this operation takes a JSON list of objects, e.g. '[{...}, {...}]'")
        return body
    if body is not None and not isinstance(body, dict):
        raise CliUsageError(f"--data: expected a JSON object ({{...}}), got {type(body).__name__}")
    return apply_sets(body, sets, is_text) if sets else body


def parse_query(pairs: Sequence[str]) -> dict[str, Any]:
    """`-q key=value` pairs as query parameters; a repeated key becomes a list (sent as repeated keys)."""
    params: dict[str, Any] = {}
    for pair in pairs:
        key, value = split_assignment(pair, option="--query")
        if key in params:
            previous = params[key]
            params[key] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            params[key] = value
    return params


def parse_headers(lines: Sequence[str]) -> dict[str, str]:
    """`-H 'Name: value'` lines as a header mapping."""
    headers: dict[str, str] = {}
    for line in lines:
        name, sep, value = line.partition(":")
        if not sep or not name.strip() or any(c.isspace() for c in name.strip()):
            raise CliUsageError(f"--header: expected 'Name: value', got {line!r}")
        headers[name.strip()] = value.strip()
    return headers
