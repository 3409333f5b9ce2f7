"""SQLite storage of the sandbox: generic JSON objects per company and type, sessions and companies.

One connection guarded by a lock; every request runs in one transaction (BEGIN IMMEDIATE), so a
version check and the write it guards can never interleave with another writer.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS objects (
    company_id INTEGER NOT NULL,
    type TEXT NOT NULL,
    id INTEGER NOT NULL,
    version INTEGER NOT NULL,
    changed_at TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (company_id, type, id)
);
CREATE INDEX IF NOT EXISTS objects_changed ON objects (company_id, type, changed_at);
-- The first page of a list sorted by name (the most common sorting) read off an index, not sorted each time.
CREATE INDEX IF NOT EXISTS objects_name_key ON objects (company_id, type, tx_sortkey(json_extract(data, '$.name')));
CREATE TABLE IF NOT EXISTS sequences (
    company_id INTEGER NOT NULL, name TEXT NOT NULL, value INTEGER NOT NULL, PRIMARY KEY (company_id, name)
);
CREATE TABLE IF NOT EXISTS companies (
    id INTEGER PRIMARY KEY, owner_id INTEGER, employee_id INTEGER, employee_token TEXT UNIQUE
);
CREATE TABLE IF NOT EXISTS sessions (
    token TEXT PRIMARY KEY, id INTEGER NOT NULL, company_id INTEGER NOT NULL, employee_id INTEGER NOT NULL,
    employee_token TEXT NOT NULL, expires_at TEXT NOT NULL, expiration_date TEXT NOT NULL
);
"""
# The integers SQLite can store; anything larger is a bad value, never an OverflowError.
INT64 = range(-(2**63), 2**63)


@dataclass(frozen=True)
class Row:
    """One stored object."""

    id: int
    version: int
    changed_at: str
    data: dict[str, Any]

    def full(self) -> dict[str, Any]:
        """The object with its id and version."""
        return {**self.data, "id": self.id, "version": self.version}


def json_path(field: str) -> str:
    """The SQLite JSON path of a dotted field (`customer.id` -> `$.customer.id`)."""
    return "$." + ".".join(f'"{part}"' if not part.isidentifier() else part for part in field.split("."))


FOLD = "tx_fold"


def fold(value: str | bytes | int | float | None) -> str | bytes | int | float | None:
    """Text folded for case-insensitive matching in any script (SQL function `tx_fold`); other values as they are."""
    return value.casefold() if isinstance(value, str) else value


SORT_KEY = "tx_sortkey"
# Norwegian alphabetical order: æ (and ä), ø (and ö), å after z, in that order; other accents ignored (é as e).
_LAST_LETTERS = {"æ": "\U000F0000", "ä": "\U000F0000", "ø": "\U000F0001", "ö": "\U000F0001", "å": "\U000F0002"}


def _letter(char: str) -> str:
    if char in _LAST_LETTERS:
        return _LAST_LETTERS[char]
    return "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))


def sort_key(value: str | bytes | int | float | None) -> str | bytes | int | float | None:
    """Text as a key whose byte order is the Norwegian, case-insensitive order (SQL function `tx_sortkey`).

    "alfa" and "Alfa" get the same key; "Zeta" < "Ærlig" < "Øst" < "Åsen". Other values are returned as
    they are, so numbers keep sorting as numbers.
    """
    if not isinstance(value, str):
        return value
    folded = value.casefold()
    if folded.isascii():
        return folded
    return "".join(_letter(c) if not c.isascii() else c for c in unicodedata.normalize("NFC", folded))


class Store:
    """The sandbox database (a file with WAL, or in memory)."""

    def __init__(self, path: str | None = None) -> None:
        self.path = path or ":memory:"
        self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        # SQLite's lower() and LIKE fold ASCII only: "Én" would never match "én", nor "ØST" "øst".
        self._conn.create_function(FOLD, 1, fold, deterministic=True)
        # Sorting text in Norwegian order (SQLite's own order is by bytes: "Å" before "a", "alfa" after "Zeta").
        self._conn.create_function(SORT_KEY, 1, sort_key, deterministic=True)
        self._lock = threading.RLock()
        if self.path != ":memory:":
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.executescript(SCHEMA)
        self._indexed: set[str] = set()

    def index(self, fields: Sequence[str]) -> None:
        """Expression indexes so that filters on these fields use an index, not a scan."""
        with self._lock:
            for field in fields:
                if field in self._indexed:
                    continue
                name = "objects_" + hashlib.sha1(field.encode()).hexdigest()[:12]
                self._conn.execute(
                    f"CREATE INDEX IF NOT EXISTS {name} ON objects "
                    f"(company_id, type, json_extract(data, '{json_path(field)}'))"
                )
                self._indexed.add(field)

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        """One serialised transaction: committed when the block ends, rolled back on an exception."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield Tx(self._conn)
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    @contextmanager
    def read(self) -> Iterator[Tx]:
        """Reads outside a transaction (each statement sees the latest commit); never write through it."""
        with self._lock:
            yield Tx(self._conn)

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._conn.close()


@dataclass(frozen=True)
class Write:
    """One object written in a transaction: the journal change tracking and webhooks read."""

    company_id: int
    type: str
    id: int
    verb: str  # create, update or delete


class Tx:
    """Operations inside one transaction; `writes` journals every insert, replace and delete."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.writes: list[Write] = []

    def next_value(self, company_id: int, name: str, start: int = 1) -> int:
        """The next value of a per-company sequence (ids, customer numbers, invoice numbers)."""
        row = self.conn.execute(
            "SELECT value FROM sequences WHERE company_id = ? AND name = ?", (company_id, name)
        ).fetchone()
        value = max(start, row[0] + 1) if row else start
        self.conn.execute(
            "INSERT INTO sequences (company_id, name, value) VALUES (?, ?, ?) "
            "ON CONFLICT (company_id, name) DO UPDATE SET value = excluded.value",
            (company_id, name, value),
        )
        return value

    def bump(self, company_id: int, name: str, at_least: int) -> None:
        """Make sure a sequence continues after `at_least` (after inserting explicit ids)."""
        self.conn.execute(
            "INSERT INTO sequences (company_id, name, value) VALUES (?, ?, ?) "
            "ON CONFLICT (company_id, name) DO UPDATE SET value = max(value, excluded.value)",
            (company_id, name, at_least),
        )

    def insert(self, company_id: int, type: str, data: dict[str, Any], now: str, id: int | None = None) -> Row:
        """Store a new object (version 0) and return it."""
        clean = {k: v for k, v in data.items() if k not in ("id", "version", "url", "changes")}
        if id is None:
            id = self.next_value(company_id, f"id:{type}")
        else:
            self.bump(company_id, f"id:{type}", id)
        self.conn.execute(
            "INSERT INTO objects (company_id, type, id, version, changed_at, data) VALUES (?, ?, ?, 0, ?, ?)",
            (company_id, type, id, now, json.dumps(clean, ensure_ascii=False)),
        )
        self.writes.append(Write(company_id, type, id, "create"))
        return Row(id, 0, now, clean)

    def insert_many(self, company_id: int, type: str, objects: Sequence[dict[str, Any]], now: str) -> None:
        """Store many objects with their own ids at once (reference data of a new company)."""
        rows = [
            (company_id, type, int(o["id"]), now, json.dumps({k: v for k, v in o.items() if k != "id"}))
            for o in objects
        ]
        self.conn.executemany(
            "INSERT INTO objects (company_id, type, id, version, changed_at, data) VALUES (?, ?, ?, 0, ?, ?)", rows
        )
        if rows:
            self.bump(company_id, f"id:{type}", max(r[2] for r in rows))

    def get(self, company_id: int, type: str, id: int) -> Row | None:
        """One object, or None."""
        row = self.conn.execute(
            "SELECT id, version, changed_at, data FROM objects WHERE company_id = ? AND type = ? AND id = ?",
            (company_id, type, id),
        ).fetchone()
        return Row(row[0], row[1], row[2], json.loads(row[3])) if row else None

    def replace(self, company_id: int, type: str, row: Row, data: dict[str, Any], now: str) -> Row:
        """Write a new state of an object with version + 1 (the caller checked the version)."""
        clean = {k: v for k, v in data.items() if k not in ("id", "version", "url", "changes")}
        self.conn.execute(
            "UPDATE objects SET version = ?, changed_at = ?, data = ? WHERE company_id = ? AND type = ? AND id = ?",
            (row.version + 1, now, json.dumps(clean, ensure_ascii=False), company_id, type, row.id),
        )
        self.writes.append(Write(company_id, type, row.id, "update"))
        return Row(row.id, row.version + 1, now, clean)

    def delete(self, company_id: int, type: str, id: int) -> bool:
        """Delete an object; False when there was none."""
        cursor = self.conn.execute(
            "DELETE FROM objects WHERE company_id = ? AND type = ? AND id = ?", (company_id, type, id)
        )
        if cursor.rowcount > 0:
            self.writes.append(Write(company_id, type, id, "delete"))
        return cursor.rowcount > 0

    def search(
        self, company_id: int, type: str, where: Sequence[str], args: Sequence[Any], order: Sequence[str],
        offset: int, limit: int,
    ) -> tuple[int, str | None, list[Row]]:
        """(full result size, version digest, the page of rows) for filters already turned into SQL."""
        clause = " AND ".join(["company_id = ?", "type = ?", *where])
        base = (company_id, type, *args)
        total, digest_src = self.conn.execute(
            f"SELECT COUNT(*), COUNT(*) || ':' || IFNULL(SUM(id), 0) || ':' || IFNULL(SUM(version), 0) || ':' "
            f"|| IFNULL(MAX(changed_at), '') FROM objects WHERE {clause}",
            base,
        ).fetchone()
        digest = hashlib.sha256(digest_src.encode()).hexdigest()[:32] if total else None
        # With filters, `+id` stops SQLite from walking the primary key for the order instead of using
        # the filter's index (fast for a selective filter; a sort of the few hits costs nothing).
        order_by = ", ".join([*order, "+id" if where else "id"])
        rows = self.conn.execute(
            f"SELECT id, version, changed_at, data FROM objects WHERE {clause} ORDER BY {order_by} LIMIT ? OFFSET ?",
            (*base, limit, offset),
        ).fetchall()
        return total, digest, [Row(r[0], r[1], r[2], json.loads(r[3])) for r in rows]

    def has_type(self, company_id: int, type: str) -> bool:
        """Whether the company has any object of this type (reference data loaded for it)."""
        row = self.conn.execute(
            "SELECT 1 FROM objects WHERE company_id = ? AND type = ? LIMIT 1", (company_id, type)
        ).fetchone()
        return row is not None

    def find(self, company_id: int, type: str, field: str, value: Any) -> list[Row]:
        """Objects whose field equals a value (uniqueness checks, usage checks)."""
        rows = self.conn.execute(
            "SELECT id, version, changed_at, data FROM objects WHERE company_id = ? AND type = ? "
            f"AND json_extract(data, '{json_path(field)}') = ?",
            (company_id, type, value),
        ).fetchall()
        return [Row(r[0], r[1], r[2], json.loads(r[3])) for r in rows]
