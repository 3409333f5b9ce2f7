"""The official spec's operation summaries, read when the tools are built (never copied into the repository).

The spec is found at `$TRIPLETEX_OPENAPI_SPEC`, else beside a source checkout (`../shared/tripletex-openapi.json`);
without it the catalog's own summaries describe the tools.
"""

from __future__ import annotations

import json
import os
import re
from functools import cache
from pathlib import Path

SPEC_ENV = "TRIPLETEX_OPENAPI_SPEC"
_PLACEHOLDER = re.compile(r"\{[^}]*\}")
_CHECKOUT_SPEC = Path(__file__).resolve().parents[3] / ".." / "shared" / "tripletex-openapi.json"


def spec_path() -> Path | None:
    """Where the official spec is, if anywhere."""
    given = os.environ.get(SPEC_ENV)
    path = Path(given) if given else _CHECKOUT_SPEC
    return path if path.is_file() else None


@cache
def summaries(path: Path | None) -> dict[tuple[str, str], str]:
    """(METHOD, path) -> the spec's summary of that operation; empty when the spec is absent or unreadable."""
    if path is None:
        return {}
    try:
        spec = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    found: dict[tuple[str, str], str] = {}
    for route, item in (spec.get("paths") or {}).items():
        for method, operation in item.items():
            summary = operation.get("summary") if isinstance(operation, dict) else None
            if summary:
                found[(method.upper(), _PLACEHOLDER.sub("{}", route))] = " ".join(str(summary).split())
    return found


def summary_of(method: str, path: str) -> str | None:
    """The spec's summary of an operation, when the spec is at hand."""
    return summaries(spec_path()).get((method.upper(), _PLACEHOLDER.sub("{}", path)))
