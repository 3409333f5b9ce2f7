"""What the project uses of the official spec, without its prose: written by `make generate` (scripts/derive_spec.py).

`tripletex-openapi.json` holds the catalog's paths with their parameters, bodies, responses and the schemas they
reach, plus `x-spec-paths`: every path of the real API with its methods (the sandbox's 501/404/405 come from it).
`modules.json` is Make's module map without its notes. The tests read these when ../shared is absent.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

DERIVED_SPEC = Path(__file__).with_name("tripletex-openapi.json")
DERIVED_MODULES = Path(__file__).with_name("modules.json")
PATHS_KEY = "x-spec-paths"


@cache
def derived_spec() -> dict[str, Any]:
    """The derived copy of the spec (read once)."""
    return json.loads(DERIVED_SPEC.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def spec_paths() -> dict[str, tuple[str, ...]]:
    """Every path of the real API and the methods it takes, e.g. `{"/customer/{id}": ("GET", "PUT", "DELETE")}`."""
    return {path: tuple(methods) for path, methods in derived_spec()[PATHS_KEY].items()}


def spec_version() -> str:
    """The version of the official spec the copy was derived from."""
    return str(derived_spec()["info"]["version"])
