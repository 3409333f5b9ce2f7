"""Where a secret was written: the check behind "tokens never reach logs, stores or history" tests."""

from __future__ import annotations

from pathlib import Path


def files_holding(root: Path, secret: str, *, except_named: tuple[str, ...] = ()) -> list[str]:
    """The files under `root` whose bytes contain `secret`, leaving out those whose names start with `except_named`."""
    needle = secret.encode()
    return sorted(
        str(path) for path in root.rglob("*")
        if path.is_file() and not path.name.startswith(except_named) and needle in path.read_bytes()
    )
