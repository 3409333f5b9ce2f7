"""JSON text of stored objects and answers, written in Rust by pydantic-core.

The text is what `json.dumps(value, ensure_ascii=False, separators=(",", ":"))` writes, up to the spelling of
an exponent (`1e-7` for `1e-07`), at a fraction of its cost: a batch of 1,000 customers is 1,001 encodings.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic_core import PydanticSerializationError, to_json


def dumps(value: Any) -> str:
    """The compact JSON text of a stored object (plain JSON values; non-ASCII text kept as is)."""
    try:
        return to_json(value).decode("utf-8")
    except PydanticSerializationError:  # a lone surrogate: the text as the standard library writes it
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def dumps_bytes(value: Any) -> bytes:
    """The compact JSON of an answer as UTF-8; a lone surrogate in stored text is escaped, so it stays valid."""
    try:
        return to_json(value)
    except PydanticSerializationError:
        return json.dumps(value, separators=(",", ":")).encode("ascii")
