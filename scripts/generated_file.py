"""Shared by the generators: write a generated file, or with --check say whether the one on disk is stale."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def write_or_check(target: Path, text: str, *, check: bool, summary: str) -> int:
    """Write `text` to `target` (0), or with `check` compare and return 1 when it differs."""
    name = target.relative_to(ROOT)
    if check:
        current = target.read_text(encoding="utf-8") if target.exists() else ""
        if current != text:
            print(f"{name} is out of date: run `make generate`", file=sys.stderr)
            return 1
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    print(f"wrote {name} ({summary})")
    return 0
