"""The audit log of tool calls: tool, arguments with secrets masked, outcome and request ids.

`AuditLog` is the seam: today a JSONL file in the user data directory, later the runtime's run store.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Protocol

MASK = "***"
_SECRET_KEY = re.compile(r"(?i)token|password|secret|authorization|apikey|api_key")


class AuditLog(Protocol):
    """Where tool calls are recorded."""

    def record(self, entry: Mapping[str, Any]) -> None:
        """Append one entry."""


def mask(value: Any, secrets: Iterable[str] = (), *, keys: bool = True) -> Any:
    """The value with known secret values replaced (and, with `keys`, secret-named keys masked) at every depth."""
    known = [s for s in secrets if s]
    if isinstance(value, Mapping):
        return {str(k): MASK if keys and _SECRET_KEY.search(str(k)) else mask(v, known, keys=keys)
                for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask(v, known, keys=keys) for v in value]
    if isinstance(value, str):
        for secret in known:
            value = value.replace(secret, MASK)
    return value


class JsonlAuditLog:
    """An append-only JSONL audit file, readable by its owner only."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def record(self, entry: Mapping[str, Any]) -> None:
        """Append one entry with a UTC timestamp."""
        line = json.dumps({"time": dt.datetime.now(dt.UTC).isoformat(), **entry}, default=str, ensure_ascii=False)
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            with os.fdopen(fd, "a", encoding="utf-8") as out:
                out.write(line + "\n")

    def read(self) -> list[dict[str, Any]]:
        """Every entry, oldest first."""
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text(encoding="utf-8").splitlines() if line.strip()]


def default_audit_log() -> JsonlAuditLog:
    """`mcp-audit.jsonl` in the user data directory (`$TRIPLETEX_DATA_DIR` overrides it)."""
    from ..scenario.storage import data_dir

    return JsonlAuditLog(data_dir() / "mcp-audit.jsonl")
