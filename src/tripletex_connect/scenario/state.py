"""Where a run keeps what outlives it: watch positions, run history and data stores, behind one Protocol.

The runner knows only `ScenarioState`; `FileState` keeps today's JSON files in a directory, and a service
passes its own implementation (`RunOptions(state=...)`), e.g. the SQLite store of the runtime.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from .history import History

HISTORY_FILE = "scenario-history.jsonl"
WATCH_FILE = "scenario-watch.json"
DATASTORE_FILE = "scenario-datastore.json"


@runtime_checkable
class DataStore(Protocol):
    """A small key-value table (Make's data store): JSON values by text key."""

    def get(self, key: str) -> Any:
        """The value of `key`, or None when it has none."""

    def set(self, key: str, value: Any) -> None:
        """Store `value` (JSON data) under `key`, replacing what was there."""

    def delete(self, key: str) -> bool:
        """Remove `key`; True when it was there."""

    def search(self, prefix: str = "") -> list[tuple[str, Any]]:
        """Every (key, value) whose key starts with `prefix`, in key order."""


@runtime_checkable
class ScenarioState(Protocol):
    """What the runner reads and writes between runs; records reach it with secrets already masked."""

    def load_position(self, key: str) -> dict[str, Any] | None:
        """The position of a watch (e.g. {"last_id": 42}), or None before its first run."""

    def save_position(self, key: str, position: dict[str, Any]) -> None:
        """Remember a watch's position (atomically: a crash never leaves half of it)."""

    def append_run(self, record: dict[str, Any]) -> None:
        """Add one run's history record."""

    def datastore(self, namespace: str) -> DataStore:
        """The data store of a namespace (the runner passes scenario and connection)."""


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_json(path: Path, data: dict[str, Any]) -> None:
    """Replace a JSON file atomically, readable by the owner only (it holds the books' data)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(data, out, indent=2, ensure_ascii=False, default=str)
    os.replace(tmp, path)


class MemoryDataStore:
    """A data store in memory, for a run that keeps none between runs (a Temporal run, a test)."""

    def __init__(self, table: dict[str, Any] | None = None) -> None:
        self.table: dict[str, Any] = {} if table is None else table

    def get(self, key: str) -> Any:
        """The value of `key`, or None."""
        return self.table.get(key)

    def set(self, key: str, value: Any) -> None:
        """Store `value` under `key`."""
        self.table[key] = value

    def delete(self, key: str) -> bool:
        """Remove `key`; True when it was there."""
        return self.table.pop(key, None) is not None

    def search(self, prefix: str = "") -> list[tuple[str, Any]]:
        """(key, value) pairs whose key starts with `prefix`, sorted by key."""
        return sorted((k, v) for k, v in self.table.items() if k.startswith(prefix))


class FileDataStore:
    """One namespace of the data-store JSON file (the file maps namespace -> {key: value})."""

    def __init__(self, path: Path, namespace: str) -> None:
        self.path = path
        self.namespace = namespace

    def _table(self) -> tuple[dict[str, Any], dict[str, Any]]:
        data = _read_json(self.path)
        table = data.get(self.namespace)
        return data, table if isinstance(table, dict) else {}

    def get(self, key: str) -> Any:
        """The value of `key`, or None."""
        return self._table()[1].get(key)

    def set(self, key: str, value: Any) -> None:
        """Store `value` under `key`."""
        data, table = self._table()
        table[key] = value
        data[self.namespace] = table
        _write_json(self.path, data)

    def delete(self, key: str) -> bool:
        """Remove `key`; True when it was there."""
        data, table = self._table()
        if key not in table:
            return False
        del table[key]
        data[self.namespace] = table
        _write_json(self.path, data)
        return True

    def search(self, prefix: str = "") -> list[tuple[str, Any]]:
        """(key, value) pairs whose key starts with `prefix`, sorted by key."""
        return sorted((k, v) for k, v in self._table()[1].items() if k.startswith(prefix))


class FileState:
    """ScenarioState in JSON files under `base_dir`: history (JSON lines), watch positions and data stores."""

    def __init__(self, base_dir: Path, secrets: Iterable[str] = ()) -> None:
        self.base_dir = Path(base_dir)
        self.history = History(self.base_dir / HISTORY_FILE, secrets)

    def load_position(self, key: str) -> dict[str, Any] | None:
        """The stored position of `key`, or None."""
        value = _read_json(self.base_dir / WATCH_FILE).get(key)
        return value if isinstance(value, dict) else None

    def save_position(self, key: str, position: dict[str, Any]) -> None:
        """Store the position of `key`."""
        path = self.base_dir / WATCH_FILE
        data = _read_json(path)
        data[key] = position
        _write_json(path, data)

    def append_run(self, record: dict[str, Any]) -> None:
        """Append a run to the history file (secrets masked once more on the way)."""
        self.history.append(record)

    def datastore(self, namespace: str) -> DataStore:
        """The data store of `namespace`."""
        return FileDataStore(self.base_dir / DATASTORE_FILE, namespace)
