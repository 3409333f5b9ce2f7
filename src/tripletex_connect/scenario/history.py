"""Run history: one JSON line per run (scenario, times, trigger item, status, step counts, error), secrets scrubbed."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ..core.redact import MASK, scrub


class History:
    """An append-only JSONL file of scenario runs."""

    def __init__(self, path: Path, secrets: Iterable[str] = ()) -> None:
        self.path = path
        self.secrets = {s for s in secrets if s and len(s) >= 4}

    def append(self, record: Mapping[str, Any]) -> None:
        """Add one run; every known secret (and anything token-like) is masked before it touches the disk."""
        line = json.dumps(record, ensure_ascii=False, default=str)
        for secret in sorted(self.secrets, key=len, reverse=True):
            line = line.replace(secret, MASK)
        line = scrub(line)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Runs hold the books' data (names, amounts): readable by the owner only, like the profiles file.
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as out:
            out.write(line + "\n")

    def read(self, name: str | None = None, *, limit: int | None = None) -> list[dict[str, Any]]:
        """Runs in the order they happened (of one scenario, if `name`), the last `limit` of them."""
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
        runs = []
        for line in lines:
            try:
                record = json.loads(line)
            except ValueError:  # a line cut by a crash: skip it, keep the rest
                continue
            if isinstance(record, dict) and (name is None or record.get("scenario") == name):
                runs.append(record)
        return runs[-limit:] if limit else runs
