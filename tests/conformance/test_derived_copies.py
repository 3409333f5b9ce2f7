"""The derived copies in tripletex_connect/spec/ (the sandbox's table; the tests' spec without ../shared) are fresh."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from tests.helpers.shared import DERIVED_MODULES_PATH, DERIVED_SPEC_PATH, REPO, SHARED, has_official
from tripletex_connect import catalog

PROSE = {"description", "summary", "example", "examples", "externalDocs", "tags", "note"}


def _prose(node: Any, where: str = "", names: bool = False) -> list[str]:
    """Where prose keys occur (children of name maps such as `properties` are names, not prose)."""
    found: list[str] = []
    if isinstance(node, list):
        for item in node:
            found += _prose(item, where)
    elif isinstance(node, dict):
        for key, value in node.items():
            if not names and key in PROSE and value not in ("", None):
                found.append(f"{where}/{key}")
            found += _prose(value, f"{where}/{key}", key in ("properties", "schemas", "paths"))
    return found


def test_the_derived_copies_are_fresh_when_shared_is_present() -> None:
    if not has_official():
        pytest.skip(f"{SHARED} is absent: nothing to compare the derived copies with")
    done = subprocess.run([sys.executable, str(REPO / "scripts" / "derive_spec.py"), "--check"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_the_derived_copies_carry_no_descriptions_summaries_or_examples() -> None:
    assert _prose(json.loads(DERIVED_SPEC_PATH.read_text(encoding="utf-8"))) == []
    assert _prose(json.loads(DERIVED_MODULES_PATH.read_text(encoding="utf-8"))) == []


def test_the_derived_spec_holds_every_path_the_catalog_calls() -> None:
    paths = json.loads(DERIVED_SPEC_PATH.read_text(encoding="utf-8"))["paths"]
    wanted = {op.path for op in catalog.all_operations() if op.path.startswith("/")}
    assert wanted <= set(paths)


def test_the_sandbox_reads_its_table_of_paths_from_the_same_derived_copy() -> None:
    from tripletex_connect.sandbox.spec_paths import SPEC_PATHS, SPEC_VERSION

    derived = json.loads(DERIVED_SPEC_PATH.read_text(encoding="utf-8"))
    assert {path: tuple(methods) for path, methods in derived["x-spec-paths"].items()} == SPEC_PATHS
    assert derived["info"]["version"] == SPEC_VERSION
    assert set(derived["paths"]) <= set(SPEC_PATHS)
