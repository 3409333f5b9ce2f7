"""SQLite storage of the sandbox: generic JSON objects per company and type, sessions and companies.

One connection guarded by a lock; every request runs in one transaction (BEGIN IMMEDIATE), so a
version check and the write it guards can never interleave with another writer. Objects live in a
table per type (layout.py).
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NamedTuple

from .columns import Column, chosen, combine, left_out, passing
from .jsontext import dumps
from .layout import Layout, json_path, missing_type, table_name

SCHEMA = """
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
# Rows per INSERT statement: up to 6 parameters each (changes), under SQLite's oldest limit of 32,766 parameters.
_MAX_ROWS = 1000
# The integers SQLite can store; anything larger is a bad value, never an OverflowError.
INT64 = range(-(2**63), 2**63)
__all__ = ["INT64", "Row", "Store", "Tx", "Write", "json_path", "table_name"]


class Row(NamedTuple):
    """One stored object (a tuple: a page or a batch makes one per object, and a frozen dataclass costs three
    times as much to make)."""

    id: int
    version: int
    changed_at: str
    data: dict[str, Any]

    def full(self) -> dict[str, Any]:
        """The object with its id and version."""
        return {**self.data, "id": self.id, "version": self.version}


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
        # Each type has its own statements: more distinct statements to keep prepared.
        self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, cached_statements=1024)
        # SQLite's lower() and LIKE fold ASCII only: "Én" would never match "én", nor "ØST" "øst".
        self._conn.create_function(FOLD, 1, fold, deterministic=True)
        # Sorting text in Norwegian order (SQLite's own order is by bytes: "Å" before "a", "alfa" after "Zeta").
        self._conn.create_function(SORT_KEY, 1, sort_key, deterministic=True)
        self._lock = threading.RLock()
        if self.path != ":memory:":
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.executescript(SCHEMA)
        self.layout = Layout(self._conn)

    def index_when_searched(self, fields: Iterable[tuple[str, str]], named: Iterable[str]) -> None:
        """Indexes of (type, field) pairs, and of these types' Norwegian name order, made in the type's table when a
        search of the type first runs: from then on filters on them use an index, not a scan."""
        self.layout.declare_when_searched(fields, named)

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        """One serialised transaction: committed when the block ends, rolled back on an exception."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                tx = Tx(self._conn, self.layout)
                yield tx
                tx.flush()
            except BaseException:
                self._conn.execute("ROLLBACK")
                self.layout.rolled_back()
                raise
            self._conn.execute("COMMIT")
            self.layout.committed()

    @contextmanager
    def read(self) -> Iterator[Tx]:
        """Reads outside a transaction (each statement sees the latest commit); never write through it."""
        with self._lock:
            yield Tx(self._conn, self.layout)

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._conn.close()


class Write(NamedTuple):
    """One object written in a transaction: the journal change tracking and webhooks read (a tuple: a batch
    journals one per object, and a frozen dataclass costs three times as much to make)."""

    company_id: int
    type: str
    id: int
    verb: str  # create, update or delete


# Conditions an object must pass that never lead a search (SQL and arguments).
Tests = tuple[list[str], list[Any]]
# A set of ids as one argument: a JSON array.
_IDS = "SELECT value FROM json_each(?)"


# From this offset on, a page in id order is read off in-memory columns rather than walked to by OFFSET.
_DEEP = 2000
# An order term that reads a referenced object's field (`query.sort_column`), and the tables such terms read.
_REFERENCE = "(SELECT "
_TABLES = re.compile(r"\bo_[A-Za-z][A-Za-z0-9_]*")


def _page(ids: list[int], offset: int, limit: int) -> list[int]:
    return ids[offset:] if limit < 0 else ids[offset:offset + limit]


def _id_list(ids: list[int]) -> str:
    return "[" + ",".join(map(str, ids)) + "]"


def _row(r: Sequence[Any]) -> Row:
    return Row(r[0], r[1], r[2], json.loads(r[3]))


_NOT_STORED = frozenset({"id", "version", "url", "changes"})  # computed when shown, never stored
_INSERT = "INSERT INTO {table} (company_id, id, version, changed_at, data) VALUES "
_ROW = "(?, ?, 0, ?, ?)"


def insert_rows(conn: sqlite3.Connection, head: str, row: str, rows: Sequence[Sequence[Any]]) -> None:
    """Insert rows with one multi-row INSERT per `_MAX_ROWS` (`head` up to VALUES, `row` one row's placeholders):
    a statement per row costs about twice as much."""
    for start in range(0, len(rows), _MAX_ROWS):
        part = rows[start : start + _MAX_ROWS]
        conn.execute(head + ", ".join([row] * len(part)), [value for one in part for value in one])


class Tx:
    """Operations inside one transaction; `writes` journals every insert, replace and delete.

    New objects and sequence values are kept back and written together, before anything else reads or writes
    the database (`conn` flushes them) and at commit: one multi-row INSERT per table instead of one statement
    per object.
    """

    def __init__(self, conn: sqlite3.Connection, layout: Layout) -> None:
        self._conn = conn
        self.layout = layout
        self.writes: list[Write] = []
        self._queued: dict[str, list[tuple[int, int, str, str]]] = {}
        self._sequences: dict[tuple[int, str], tuple[int, bool]] = {}  # (value, changed since read)

    @property
    def conn(self) -> sqlite3.Connection:
        """The connection, with every object and sequence value kept back written first."""
        if self._queued or self._sequences:
            self.flush()
        return self._conn

    def flush(self) -> None:
        """Write the objects and sequence values kept back (one INSERT per table and up to 1,000 objects)."""
        queued, self._queued = self._queued, {}
        for table, rows in queued.items():
            insert_rows(self._conn, _INSERT.format(table=table), _ROW, rows)
        changed = [(c, n, v) for (c, n), (v, dirty) in self._sequences.items() if dirty]
        self._sequences = {}
        if changed:
            self._conn.executemany(
                "INSERT INTO sequences (company_id, name, value) VALUES (?, ?, ?) "
                "ON CONFLICT (company_id, name) DO UPDATE SET value = excluded.value", changed)

    def run(self, sql: str, args: Sequence[Any] = ()) -> sqlite3.Cursor:
        """Execute a statement; a table of a type not stored yet (a subquery's) is made on the way."""
        for _ in range(16):
            try:
                return self.conn.execute(sql, args)
            except sqlite3.OperationalError as error:
                missing = missing_type(error)
                if missing is None:
                    raise
                self.layout.table(missing)
        return self.conn.execute(sql, args)

    def table(self, type: str) -> str:
        """The table of a type (made if new)."""
        return self.layout.table(type)

    def next_value(self, company_id: int, name: str, start: int = 1) -> int:
        """The next value of a per-company sequence (ids, customer numbers, invoice numbers)."""
        value = max(start, self._sequence(company_id, name) + 1)
        self._sequences[(company_id, name)] = (value, True)
        return value

    def bump(self, company_id: int, name: str, at_least: int) -> None:
        """Make sure a sequence continues after `at_least` (after inserting explicit ids)."""
        current = self._sequence(company_id, name)
        if at_least > current:
            self._sequences[(company_id, name)] = (at_least, True)

    def _sequence(self, company_id: int, name: str) -> int:
        """A sequence's last value (0 for a new one), read once per transaction."""
        known = self._sequences.get((company_id, name))
        if known is not None:
            return known[0]
        row = self._conn.execute(
            "SELECT value FROM sequences WHERE company_id = ? AND name = ?", (company_id, name)
        ).fetchone()
        value = int(row[0]) if row else 0
        self._sequences[(company_id, name)] = (value, False)
        return value

    def insert(self, company_id: int, type: str, data: dict[str, Any], now: str, id: int | None = None) -> Row:
        """Store a new object (version 0) and return it."""
        clean = dict(data) if _NOT_STORED.isdisjoint(data) else {k: v for k, v in data.items() if k not in _NOT_STORED}
        text, table = dumps(clean), self.table(type)
        if id is None:
            id = self.next_value(company_id, "id:" + type)
            self._queued.setdefault(table, []).append((company_id, id, now, text))
        else:  # an id chosen by the caller may clash: written now, so the error comes from here
            self.bump(company_id, "id:" + type, id)
            self.conn.execute(_INSERT.format(table=table) + _ROW, (company_id, id, now, text))
        self.writes.append(Write(company_id, type, id, "create"))
        self.layout.counts.changed()
        self.layout.columns.written(company_id, table, id)
        return Row(id, 0, now, clean)

    def insert_many(self, company_id: int, type: str, objects: Sequence[dict[str, Any]], now: str) -> None:
        """Store many objects with their own ids at once (reference data of a new company)."""
        rows = [
            (company_id, int(o["id"]), now, json.dumps({k: v for k, v in o.items() if k != "id"}))
            for o in objects
        ]
        self.conn.executemany(
            f"INSERT INTO {self.table(type)} (company_id, id, version, changed_at, data) VALUES (?, ?, 0, ?, ?)", rows
        )
        if rows:
            self.bump(company_id, f"id:{type}", max(r[1] for r in rows))
        self.layout.counts.changed()
        self.layout.columns.stale(self.table(type))

    def copy_company(self, source: int, target: int, types: Iterable[str], now: str) -> None:
        """Copy every object of these types, and the id sequences, of one company into another (as new)."""
        self.layout.counts.changed()
        for type in types:
            table = self.table(type)
            self.layout.columns.stale(table)
            self.conn.execute(
                f"INSERT INTO {table} (company_id, id, version, changed_at, data) "
                f"SELECT ?, id, 0, ?, data FROM {table} WHERE company_id = ?", (target, now, source)
            )
        self.conn.execute(
            "INSERT INTO sequences (company_id, name, value) SELECT ?, name, value FROM sequences "
            "WHERE company_id = ? AND name LIKE 'id:%' "
            "ON CONFLICT (company_id, name) DO UPDATE SET value = max(value, excluded.value)", (target, source)
        )

    def _written(self, company_id: int, type: str, id: int) -> None:
        self.layout.counts.changed()
        self.layout.columns.written(company_id, self.table(type), id)  # a note: no statement, no flush

    def get(self, company_id: int, type: str, id: int) -> Row | None:
        """One object, or None."""
        row = self.conn.execute(
            f"SELECT id, version, changed_at, data FROM {self.table(type)} WHERE company_id = ? AND id = ?",
            (company_id, id),
        ).fetchone()
        return _row(row) if row else None

    def replace(self, company_id: int, type: str, row: Row, data: dict[str, Any], now: str) -> Row:
        """Write a new state of an object with version + 1 (the caller checked the version)."""
        clean = {k: v for k, v in data.items() if k not in _NOT_STORED}
        self.conn.execute(
            f"UPDATE {self.table(type)} SET version = ?, changed_at = ?, data = ? WHERE company_id = ? AND id = ?",
            (row.version + 1, now, dumps(clean), company_id, row.id),
        )
        self.writes.append(Write(company_id, type, row.id, "update"))
        self._written(company_id, type, row.id)
        return Row(row.id, row.version + 1, now, clean)

    def delete(self, company_id: int, type: str, id: int) -> bool:
        """Delete an object; False when there was none."""
        cursor = self.conn.execute(f"DELETE FROM {self.table(type)} WHERE company_id = ? AND id = ?", (company_id, id))
        if cursor.rowcount > 0:
            self.writes.append(Write(company_id, type, id, "delete"))
            self._written(company_id, type, id)
        return cursor.rowcount > 0

    def search(
        self, company_id: int, type: str, where: Sequence[str], args: Sequence[Any], order: Sequence[str],
        offset: int, limit: int, flags: Sequence[tuple[str, Any]] = (), contains: Sequence[tuple[str, str]] = (),
    ) -> tuple[int, list[Row]]:
        """(full result size, the page of rows) for filters already turned into SQL, ordered by `order`, then id.

        The conditions see the type's table as `objects`. `flags` are (expression, value) equality filters on a
        two-valued field (`isInactive`): they narrow a search but make a poor index, so they only lead when
        nothing else does (no other filter and no sorting). `contains` are (expression, text) filters
        matched in memory (columns.py), as the sandbox's `contains` LIKE test would match them.
        """
        self.layout.searching(type)
        if not where and not contains:
            if order and any(_REFERENCE in t for t in order):
                return self._ranked(company_id, type, order, offset, limit, flags)
            if not order and offset >= _DEEP:
                return self._deep(company_id, type, offset, limit, flags)
        tests: Tests = ([], [])
        size = None
        if contains:
            found = self._contained(company_id, type, contains, flags, alone=not where)
            if found is None:
                return 0, []
            lead, tests, size = found
            if lead is not None:
                where, args = [lead[0], *where], [*lead[1], *args]
        select, base = self._select(company_id, type, where, args, order, flags, tests)
        rows = [_row(r) for r in self.run(f"{select} LIMIT ? OFFSET ?", (*base, limit, offset))]
        if (limit < 0 or len(rows) < limit) and (rows or offset == 0):
            return offset + len(rows), rows  # the last page: where it ends is the size, no count needed
        if size is not None:
            return size, rows
        conditions = [*where, *(f"{'+' if where else ''}{expr} = ?" for expr, _ in flags), *tests[0]]
        test = " AND ".join(["company_id = ?", *conditions])
        sql = f"SELECT COUNT(*) FROM {self.table(type)} AS objects WHERE {test}"
        return self.layout.counts.get(self.conn, sql, base, lambda: int(self.run(sql, base).fetchone()[0])), rows

    def _contained(
        self, company_id: int, type: str, contains: Sequence[tuple[str, str]], flags: Sequence[tuple[str, Any]],
        alone: bool,
    ) -> tuple[tuple[str, list[Any]] | None, Tests, int | None] | None:
        """The objects `contains` filters let through, as a leading id condition (few objects) or a test
        (most objects), and the size of the answer when no other filter needs SQL; None when none passes."""
        table = self.table(type)

        def column(expr: str) -> Column:
            return self.layout.columns.get(self.conn, company_id, table, expr)

        mask = combine([column(expr).matching(needle) for expr, needle in contains])
        ids = column(contains[0][0]).ids
        found = mask.count(True)
        if not found:
            return None
        size = passing(mask, *(column(expr).equal(value) for expr, value in flags)) if alone else None
        if found * 2 <= len(ids):
            return (f"id IN ({_IDS})", [_id_list(chosen(ids, mask))]), ([], []), size
        rest = left_out(ids, mask, found)
        # Most objects pass: the search walks its order (and stops at the page's end) past the few that fail.
        return None, (([f"id NOT IN ({_IDS})"], [_id_list(rest)]) if rest else ([], [])), size

    def _deep(
        self, company_id: int, type: str, offset: int, limit: int, flags: Sequence[tuple[str, Any]]
    ) -> tuple[int, list[Row]]:
        """A page far into a search in id order filtered by flags only: its ids read off in-memory columns (an
        OFFSET walks every object before the page) and the size counted with them."""
        table = self.table(type)
        columns = [self.layout.columns.get(self.conn, company_id, table, expr) for expr, _ in flags]
        if len(columns) == 1:
            ids = columns[0].equal_ids(flags[0][1])
        elif columns:
            ids = chosen(columns[0].ids, combine([c.equal(v) for c, (_, v) in zip(columns, flags, strict=True)]))
        else:
            ids = self.layout.columns.get(self.conn, company_id, table, "id").ids
        return len(ids), self._rows(company_id, table, _page(ids, offset, limit))

    def _rows(self, company_id: int, table: str, ids: list[int]) -> list[Row]:
        """The rows of these ids, in this order."""
        found = {r[0]: _row(r) for r in self.run(
            f"SELECT id, version, changed_at, data FROM {table} WHERE company_id = ? AND id IN ({_IDS})",
            (company_id, _id_list(ids)))}
        return [found[id] for id in ids]

    def _ranked(
        self, company_id: int, type: str, order: Sequence[str], offset: int, limit: int,
        flags: Sequence[tuple[str, Any]],
    ) -> tuple[int, list[Row]]:
        """A search sorted by a referenced object's field and filtered by flags only: a page of a ranking kept in
        memory (SQLite cannot index a field of another table, so each page would sort every object again)."""
        table = self.table(type)
        ordering = ", ".join([*order, "id"])
        tables = tuple(sorted({table, *_TABLES.findall(ordering)}))
        ranked = self.layout.columns.ranking(self.run, company_id, table, ordering, tables)
        failing: set[int] = set()
        for expr, value in flags:
            column = self.layout.columns.get(self.conn, company_id, table, expr)
            mask = column.equal(value)
            failing.update(left_out(column.ids, mask, mask.count(True)))
        if failing:
            ranked = [id for id in ranked if id not in failing]
        return len(ranked), self._rows(company_id, table, _page(ranked, offset, limit))

    def plan(
        self, company_id: int, type: str, where: Sequence[str], args: Sequence[Any], order: Sequence[str] = (),
        flags: Sequence[tuple[str, Any]] = (),
    ) -> str:
        """SQLite's plan for the page of a search (EXPLAIN QUERY PLAN, the steps joined by " | ")."""
        self.layout.searching(type)
        select, base = self._select(company_id, type, where, args, order, flags, ([], []))
        return " | ".join(str(r[3]) for r in self.run(f"EXPLAIN QUERY PLAN {select} LIMIT 1", base))

    def _select(
        self, company_id: int, type: str, where: Sequence[str], args: Sequence[Any], order: Sequence[str],
        flags: Sequence[tuple[str, Any]], tests: Tests,
    ) -> tuple[str, tuple[Any, ...]]:
        lead = not where and not order
        conditions = ["company_id = ?", *where, *(f"{'' if lead else '+'}{expr} = ?" for expr, _ in flags), *tests[0]]
        # A filter leads: `+` keeps SQLite from walking an index in the order asked and testing every row
        # against the filter (it cannot tell a filter that matches three rows from one that matches all).
        ordering = [f"+{term}" if where else term for term in [*order, "id"]]
        sql = (f"SELECT id, version, changed_at, data FROM {self.table(type)} AS objects "
               f"WHERE {' AND '.join(conditions)} ORDER BY {', '.join(ordering)}")
        return sql, (company_id, *args, *(value for _, value in flags), *tests[1])

    def has_type(self, company_id: int, type: str) -> bool:
        """Whether the company has any object of this type (reference data loaded for it)."""
        row = self.conn.execute(f"SELECT 1 FROM {self.table(type)} WHERE company_id = ? LIMIT 1", (company_id,))
        return row.fetchone() is not None

    def find(self, company_id: int, type: str, field: str, value: Any) -> list[Row]:
        """Objects whose field equals a value (uniqueness checks, usage checks); the field gets an index."""
        table = self.table(type)
        self.layout.declare([(type, field)])
        rows = self.conn.execute(
            f"SELECT id, version, changed_at, data FROM {table} WHERE company_id = ? "
            f"AND json_extract(data, '{json_path(field)}') = ?",
            (company_id, value),
        ).fetchall()
        return [_row(r) for r in rows]
