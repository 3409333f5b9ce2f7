"""Access to ../shared (the official spec and the Make module map), which tests use when present."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED = (REPO / ".." / "shared").resolve()
SPEC_PATH = SHARED / "tripletex-openapi.json"
MODULES_PATH = SHARED / "modules.json"


@cache
def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def spec() -> dict[str, Any]:
    """The official OpenAPI spec, or skip the calling test with a clear message."""
    if not SPEC_PATH.exists():
        pytest.skip(f"official spec not found at {SPEC_PATH}; spec checks skipped")
    return _load(SPEC_PATH)  # type: ignore[no-any-return]


def modules() -> list[dict[str, Any]]:
    """The Make module map, or skip the calling test with a clear message."""
    if not MODULES_PATH.exists():
        pytest.skip(f"module map not found at {MODULES_PATH}; catalog coverage check skipped")
    return _load(MODULES_PATH)  # type: ignore[no-any-return]
