"""The official spec and the Make module map: from ../shared when present, else the derived copies in the package.

src/tripletex_connect/spec/ is written by `make generate` (scripts/derive_spec.py) from ../shared: the paths,
parameters, schemas and enums the project uses, without descriptions; the sandbox reads the same copy.
tests/conformance/test_derived_copies.py checks that it is fresh whenever ../shared is present, so both sources
answer the same questions the same way.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from tripletex_connect.spec import DERIVED_MODULES, DERIVED_SPEC

REPO = Path(__file__).resolve().parents[2]
SHARED = (REPO / ".." / "shared").resolve()
OFFICIAL_SPEC_PATH = SHARED / "tripletex-openapi.json"
OFFICIAL_MODULES_PATH = SHARED / "modules.json"
DERIVED_SPEC_PATH = DERIVED_SPEC
DERIVED_MODULES_PATH = DERIVED_MODULES
# The files the tests read: the official ones when ../shared is there, the derived copies otherwise.
SPEC_PATH = OFFICIAL_SPEC_PATH if OFFICIAL_SPEC_PATH.exists() else DERIVED_SPEC_PATH
MODULES_PATH = OFFICIAL_MODULES_PATH if OFFICIAL_MODULES_PATH.exists() else DERIVED_MODULES_PATH


@cache
def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def has_official() -> bool:
    """True when ../shared holds the official spec and module map."""
    return OFFICIAL_SPEC_PATH.exists() and OFFICIAL_MODULES_PATH.exists()


def spec() -> dict[str, Any]:
    """The official OpenAPI spec, or its derived copy in a clone without ../shared."""
    return _load(SPEC_PATH)  # type: ignore[no-any-return]


def modules() -> list[dict[str, Any]]:
    """The Make module map, or its derived copy in a clone without ../shared."""
    return _load(MODULES_PATH)  # type: ignore[no-any-return]
