"""Writes whose answer was lost: what was sent (without secrets), and whether a versioned update landed.

A PUT that carries `version` cannot be replayed: if the first one was written, the replay meets the new
version and fails with 409 for the caller's own change. Instead the object is read again; when its version
moved on and it holds exactly what was sent, that is the write's result.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

_MAX_SUMMARY = 240


def carries_version(method: str, body: Any) -> bool:
    """Whether a PUT body (an object, or a list of objects) carries a `version` guard against lost updates."""
    if method.upper() != "PUT":
        return False
    items = body if isinstance(body, list) else [body]
    return any(isinstance(item, Mapping) and item.get("version") is not None for item in items)


def _names(body: Mapping[str, Any]) -> str:
    keys = [str(k) for k in body]
    shown = ", ".join(keys[:12])
    return shown + (f", ... ({len(keys)} fields)" if len(keys) > 12 else "")


def summarize(params: Mapping[str, Any] | None, body: Any, files: Any, scrub: Callable[[str], str]) -> str:
    """A short account of what a request carried: query values (scrubbed) and the body's field names only."""
    parts: list[str] = []
    query = [f"{k}={v}" for k, v in (params or {}).items() if v is not None]
    if query:
        parts.append("query " + scrub("&".join(query)))
    if isinstance(body, Mapping):
        ident = f" (id {body['id']})" if isinstance(body.get("id"), int) else ""
        parts.append(f"an object{ident} with fields {_names(body)}" if body else "an empty object")
    elif isinstance(body, list):
        parts.append(f"a list of {len(body)} item{'s' if len(body) != 1 else ''}")
    elif body is not None:
        parts.append(f"a {type(body).__name__} body")
    if files:
        parts.append("a file upload")
    text = "; ".join(parts) or "no body"
    return text if len(text) <= _MAX_SUMMARY else text[: _MAX_SUMMARY - 3] + "..."


def _merged(items: list[Any]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for item in items:
        if isinstance(item, Mapping):
            merged.update(item)
    return merged


def reread_fields(body: Mapping[str, Any]) -> str:
    """The `fields` selection that shows every field sent, nested ones included (`*,postalAddress(*)`)."""
    parts = ["*"]
    for key, value in body.items():
        if isinstance(value, Mapping) and set(value) - {"id"}:
            parts.append(f"{key}({reread_fields(value)})")
        elif isinstance(value, list) and any(isinstance(v, Mapping) for v in value):
            parts.append(f"{key}({reread_fields(_merged(value))})")
    return ",".join(parts)


def _same(sent: Any, stored: Any) -> bool:
    if isinstance(sent, Mapping):
        return isinstance(stored, Mapping) and all(
            key == "version" or _same(value, stored.get(key)) for key, value in sent.items()
        )
    if isinstance(sent, list):
        return isinstance(stored, list) and len(sent) == len(stored) and all(map(_same, sent, stored))
    if isinstance(sent, bool) or isinstance(stored, bool):
        return sent is stored
    if isinstance(sent, int | float) and isinstance(stored, int | float):
        return float(sent) == float(stored)
    return bool(sent == stored) or (sent in ("", None) and stored in ("", None))


def landed(sent: Mapping[str, Any], stored: Any) -> str | None:
    """None when `stored` is the result of writing `sent` (version moved on, every field as sent), else why not."""
    if not isinstance(stored, Mapping):
        return "the object could not be read back"
    before, after = sent.get("version"), stored.get("version")
    if not (isinstance(before, int) and isinstance(after, int) and after > before):
        return f"its version is still {after!r}, so the update may not have been applied yet"
    differing = [str(key) for key, value in sent.items() if key != "version" and not _same(value, stored.get(key))]
    if differing:
        return f"its version moved on to {after} but {', '.join(differing[:5])} differ from what was sent"
    return None
