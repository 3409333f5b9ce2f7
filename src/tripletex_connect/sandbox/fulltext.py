"""Trigram full-text indexes (SQLite FTS5) of the text fields that `contains` searches look in.

An index holds each field folded as the sandbox folds text (`tx_fold`, Python's casefold, so "ØST" is found
by "øst") and only proposes candidates: a search keeps its own LIKE test on them, so its answer is exactly
the one a scan of every object gives. Without FTS5 and its trigram tokenizer there is no index, and
`contains` searches scan as before. The engine matches `contains` over in-memory columns instead
(columns.py) and keeps no such index; `Store.index_text` still makes one where it is wanted.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Sequence

# A trigram index finds nothing shorter than three characters: shorter texts are searched by a scan.
MIN_LENGTH = 3


def trigram_supported(conn: sqlite3.Connection) -> bool:
    """Whether this SQLite has FTS5 with the trigram tokenizer (3.34 and later, built with FTS5)."""
    try:
        conn.execute("CREATE VIRTUAL TABLE temp.tx_trigram_probe USING fts5(x, tokenize='trigram')")
    except sqlite3.OperationalError:
        return False
    conn.execute("DROP TABLE temp.tx_trigram_probe")
    return True


def phrase(folded: str) -> str | None:
    """The FTS5 query that finds a folded text anywhere in a field, or None when the index cannot help."""
    if len(folded) < MIN_LENGTH or "\x00" in folded:
        return None
    return '"' + folded.replace('"', '""') + '"'


class FullText:
    """The full-text index of each type that has one: `fts_<Type>_<hash of its fields>`, kept by triggers."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.supported = trigram_supported(conn)
        self._columns: dict[tuple[str, str], tuple[str, str]] = {}

    def column(self, type: str, field: str) -> tuple[str, str] | None:
        """(table, column) of the index of a type's field, or None when it has none."""
        return self._columns.get((type, field))

    def create(self, type: str, table: str, fields: Sequence[str]) -> None:
        """Index these fields of a type's table (inside a transaction): made and filled once, then kept by triggers."""
        from .layout import json_path  # the layout imports this module

        if not self.supported or not fields:
            return
        ordered = sorted(set(fields))
        fts = f"fts_{type}_{hashlib.sha1(','.join(ordered).encode()).hexdigest()[:8]}"
        existing = self._tables(type)
        for stale in existing - {fts}:  # the fields of an earlier version
            self._drop(stale)
        columns = [f"f{i}" for i in range(len(ordered))]
        values = [f"tx_fold(json_extract(NEW.data, '{json_path(f)}'))" for f in ordered]
        if fts not in existing:
            self.conn.execute(f"CREATE VIRTUAL TABLE {fts} USING fts5({', '.join(columns)}, tokenize='trigram')")
            self.conn.execute(
                f"INSERT INTO {fts} (rowid, {', '.join(columns)}) SELECT rowid, "
                f"{', '.join(v.replace('NEW.', '') for v in values)} FROM {table}"
            )
        self.conn.execute(
            f"CREATE TRIGGER IF NOT EXISTS {fts}_ai AFTER INSERT ON {table} BEGIN "
            f"INSERT INTO {fts} (rowid, {', '.join(columns)}) VALUES (NEW.rowid, {', '.join(values)}); END"
        )
        self.conn.execute(
            f"CREATE TRIGGER IF NOT EXISTS {fts}_au AFTER UPDATE OF data ON {table} BEGIN "
            f"UPDATE {fts} SET {', '.join(f'{c} = {v}' for c, v in zip(columns, values, strict=True))} "
            "WHERE rowid = NEW.rowid; END"
        )
        self.conn.execute(
            f"CREATE TRIGGER IF NOT EXISTS {fts}_ad AFTER DELETE ON {table} BEGIN "
            f"DELETE FROM {fts} WHERE rowid = OLD.rowid; END"
        )
        for field, column in zip(ordered, columns, strict=True):
            self._columns[(type, field)] = (fts, column)

    def drop_all(self) -> None:
        """Drop every full-text index and its triggers (inside a transaction)."""
        for table in self._tables(""):
            self._drop(table)
        self._columns.clear()

    def _drop(self, fts: str) -> None:
        for suffix in ("ai", "au", "ad"):
            self.conn.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
        self.conn.execute(f"DROP TABLE IF EXISTS {fts}")

    def _tables(self, type: str) -> set[str]:
        rows = self.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%' "
            "AND name LIKE ? ESCAPE '\\'", (f"fts\\_{type}\\_%" if type else "fts\\_%",),
        )
        return {r[0] for r in rows}
