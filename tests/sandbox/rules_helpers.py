"""Helpers of the rules tests: validation messages read the same before and after list indexes move to `path`."""

from __future__ import annotations

import re
from typing import Any

from tripletex_connect import APIError

_INDEX = re.compile(r"\[\d+\]")


def by_field(error: APIError) -> dict[str, str]:
    """Validation messages of an SDK error by field, list indexes left out (`postings.row`)."""
    return {_INDEX.sub("", m.field or "").lstrip("."): m.message for m in error.validation_messages}


def messages(body: Any) -> dict[str, str]:
    """Validation messages of a raw error envelope by field, list indexes left out."""
    return {_INDEX.sub("", m.get("field") or "").lstrip("."): m["message"] for m in body["validationMessages"]}


def locations(body: Any) -> list[str]:
    """Where each validation message of a raw error envelope points: its `path` (indexes kept), else its field."""
    return [m.get("path") or m.get("field") or "" for m in body["validationMessages"]]
