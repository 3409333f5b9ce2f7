"""docs/modules.md is the catalog rendered: every module with its HTTP operation, SDK call and command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tripletex_connect import catalog

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "docs" / "modules.md"


def test_the_module_reference_is_up_to_date_with_the_catalog() -> None:
    result = subprocess.run([sys.executable, "scripts/generate_docs.py", "--check"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_every_catalog_operation_has_a_section_with_its_http_operation_and_calls() -> None:
    sections = REFERENCE.read_text(encoding="utf-8").split("\n### ")[1:]
    for op in catalog.all_operations():
        found = [s for s in sections if f"- Catalog key: `{op.key}`\n" in s]
        assert len(found) == 1, f"no single section for {op.key}"
        body = found[0]
        assert body.startswith(op.title)
        if op.exposed:
            assert f"`{op.sdk_call}`" in body and f"`{op.cli_call}`" in body
        if op.kind is not catalog.Kind.API_CALL:
            assert f"`{op.method} {op.path}`" in body


def test_every_make_group_is_listed_with_a_link_to_its_section() -> None:
    text = REFERENCE.read_text(encoding="utf-8")
    for group in catalog.groups():
        assert f"- [{group}](#{group.lower().replace(' ', '-')})" in text
        assert f"\n## {group}\n" in text
