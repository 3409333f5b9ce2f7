"""Checks that a raw API call stays under the connection's base URL, so tokens can never be sent elsewhere."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote

from .errors import UnsafePathError

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_CONTROL = re.compile(r"[\x00-\x20\x7f\\]")


def split_api_path(path: str) -> tuple[str, list[tuple[str, str]]]:
    """Validate a path relative to the base URL and split off its query.

    Accepts `/customer/1`, `customer/1`, `/invoice/1/:send`, `/token/session/>whoAmI` and a leading
    `/v2/`; refuses absolute URLs, schemes, hosts (`//host`), `..` segments (also percent-encoded),
    backslashes, whitespace and fragments.
    """
    if not isinstance(path, str) or not path.strip():
        raise UnsafePathError("the API path is empty; give a path such as /customer")
    raw, _, query = path.partition("?")
    decoded = unquote(unquote(raw))
    if _SCHEME.match(path) or path.startswith("//") or "://" in decoded:
        raise UnsafePathError(
            f"refusing {path!r}: only paths relative to the connection's base URL are allowed "
            "(for example /customer/123), never an absolute URL or another host"
        )
    if "#" in path:
        raise UnsafePathError(f"refusing {path!r}: a fragment (#) has no meaning in an API path")
    if _CONTROL.search(decoded):
        raise UnsafePathError(f"refusing {path!r}: whitespace, control characters and backslashes are not allowed")
    segments = [s for s in decoded.split("/") if s]
    if any(s in (".", "..") for s in segments):
        raise UnsafePathError(f"refusing {path!r}: '.' and '..' segments could escape the base URL")
    if segments[:1] == ["v2"]:
        raw = raw.lstrip("/")[2:]
    normalized = "/" + raw.lstrip("/")
    return normalized, parse_qsl(query, keep_blank_values=True)
