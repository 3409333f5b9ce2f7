"""The audit log of tool calls: tool, arguments with secrets masked, outcome and request ids.

`AuditLog` is the seam: `ttx mcp` passes the runtime's run store (each call a run of the scenario `mcp`, so
`ttx scenario history mcp` lists them); without one, a JSONL file in the user data directory.
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


AUDIT_SCENARIO = "mcp"
_FAILED = {"error", "invalid_arguments", "outcome_unknown"}


class RunRecorder(Protocol):
    """What the audit needs of a run store: adding a finished run (the runtime's RunStore is one)."""

    def add_run(self, record: Mapping[str, Any]) -> int:
        """Add a finished run; its id."""


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class RunStoreAudit:
    """Tool calls as runs of the scenario `mcp` in a run store (outcome, arguments, request ids)."""

    def __init__(self, store: RunRecorder, connection: str) -> None:
        self.store = store
        self.connection = connection

    def record(self, entry: Mapping[str, Any]) -> None:
        """Add the call as a finished run; a failed call keeps its error and request id as an item."""
        outcome = str(entry.get("outcome") or "ok")
        failed = outcome in _FAILED
        status = "failed" if failed else "ok" if outcome in ("ok", "dry_run") else outcome
        tool = str(entry.get("tool") or "?")
        ids = list(entry.get("requestIds") or [])
        step = {"module": entry.get("key") or tool, "status": status, "runs": 1, "errors": int(failed),
                "error": entry.get("error")}
        if failed:
            step["failures"] = [{"error": entry.get("error"), "request_id": ids[-1] if ids else None}]
        self.store.add_run({
            "scenario": AUDIT_SCENARIO, "file": None, "connection": self.connection,
            "started": entry.get("started") or _now(), "ended": _now(), "status": status,
            "dry_run": outcome in ("dry_run", "preview"), "error": entry.get("error"), "tool": tool,
            "outcome": outcome, "arguments": entry.get("arguments"), "request_ids": ids, "steps": {tool: step},
        })


def default_audit_log() -> JsonlAuditLog:
    """`mcp-audit.jsonl` in the user data directory (`$TRIPLETEX_DATA_DIR` overrides it)."""
    from ..scenario.storage import data_dir

    return JsonlAuditLog(data_dir() / "mcp-audit.jsonl")
