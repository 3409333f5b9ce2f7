"""A one-time import of the JSON files `ttx run` kept before the store: run history and watch positions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .store import RunStore

HISTORY_FILE = "scenario-history.jsonl"
WATCH_FILE = "scenario-watch.json"


def import_legacy(store: RunStore, folder: Path) -> None:
    """Import the history and watch files of `folder` once (remembered in the store; the files are left as they are)."""
    _import_history(store, folder / HISTORY_FILE)
    _import_positions(store, folder / WATCH_FILE)


def _import_history(store: RunStore, path: Path) -> None:
    marker = f"imported:{path.resolve()}"
    if not path.exists() or store.meta(marker):
        return
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            record = json.loads(line)
        except ValueError:  # a line cut by a crash
            continue
        if isinstance(record, dict) and record.get("scenario") and record.get("started"):
            store.add_run(record)
    store.set_meta(marker, "1")


def _import_positions(store: RunStore, path: Path) -> None:
    marker = f"imported:{path.resolve()}"
    if not path.exists() or store.meta(marker):
        return
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    for key, entry in (data.items() if isinstance(data, dict) else ()):
        if isinstance(entry, dict) and isinstance(entry.get("last_id"), int) and store.load_position(key) is None:
            store.save_position(key, entry)
    store.set_meta(marker, "1")
