"""A backend Reply as HTTP: status, headers and body bytes (JSON in the Tripletex envelope, or a file)."""

from __future__ import annotations

from .jsontext import dumps_bytes
from .reply import Reply

JSON_TYPE = "application/json; charset=utf-8"


def encode_reply(reply: Reply) -> tuple[int, dict[str, str], bytes]:
    """Status, headers (with content-type) and body of a reply; stored lone surrogates stay valid JSON."""
    headers = dict(reply.headers)
    if reply.content is not None:
        headers.setdefault("content-type", "application/octet-stream")
        return reply.status, headers, reply.content
    if reply.body is None:
        return reply.status, headers, b""
    headers["content-type"] = JSON_TYPE
    return reply.status, headers, dumps_bytes(reply.body)
