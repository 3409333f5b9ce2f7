"""Where the sandbox keeps its objects: one table per type (`o_Customer`), each with the indexes its searches use.

A table per type keeps an insert cheap: it maintains its own type's few indexes, not every index any type
needs (an index on a shared table costs every insert of every type, ~1 µs each, partial or not). Tables
are made on first use, with the indexes declared for their type: exact and range filters on a field
(company, value, id) and the Norwegian name order (company, sort key, id). The engine's indexes of a type are
made when anything first searches that type, so a type only ever written pays for none. `contains`
searches need no index: they are matched over in-memory columns (columns.py).
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import Callable, Iterable
from typing import Any

from . import fulltext
from .columns import Columns

_TYPE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_TABLES: dict[str, str] = {}
_MAX_TABLES = 10_000
_MISSING = re.compile(r"no such table: (?:main\.)?o_([A-Za-z][A-Za-z0-9_]*)$")
# The single table of earlier versions (every type in one, with an expression index per field).
LEGACY = "objects"


def table_name(type: str) -> str:
    """The table of a stored type (`Customer` -> `o_Customer`); ValueError for anything but a type name."""
    known = _TABLES.get(type)  # every write asks: the pattern is matched once per type
    if known is not None:
        return known
    if not _TYPE.match(type):
        raise ValueError(f"not a type name: {type!r}")
    name = f"o_{type}"
    if len(_TABLES) < _MAX_TABLES:
        _TABLES[type] = name
    return name


def missing_type(error: sqlite3.OperationalError) -> str | None:
    """The type whose table a statement needed but was not made yet, or None for any other error."""
    found = _MISSING.search(str(error))
    return found.group(1) if found else None


def json_path(field: str) -> str:
    """The SQLite JSON path of a dotted field (`customer.id` -> `$.customer.id`)."""
    return "$." + ".".join(f'"{part}"' if not part.isidentifier() else part for part in field.split("."))


def _index_name(table: str, field: str) -> str:
    return f"{table}_{hashlib.sha1(field.encode()).hexdigest()[:10]}"


class Counts:
    """Result sizes of searches, kept until anything is written (here, or by another connection to the file).

    Paging through a search asks for the same size on every page; over many objects, counting is most of
    the work of a page.
    """

    MAX = 512

    def __init__(self) -> None:
        self._writes = 0
        self._known: dict[tuple[str, tuple[Any, ...]], tuple[tuple[int, int], int]] = {}

    def changed(self) -> None:
        """Something was written: every size known may be wrong now."""
        self._writes += 1

    def get(self, conn: sqlite3.Connection, sql: str, args: tuple[Any, ...], count: Callable[[], int]) -> int:
        """The size a COUNT statement gives: remembered, or counted now."""
        # data_version moves when another connection commits to the same file.
        stamp = (self._writes, conn.execute("PRAGMA data_version").fetchone()[0])
        key = (sql, args)
        known = self._known.get(key)
        if known is not None and known[0] == stamp:
            return known[1]
        total = count()
        if len(self._known) >= self.MAX:
            self._known.clear()
        self._known[key] = (stamp, total)
        return total


class Layout:
    """The per-type tables of one connection: those made so far and the indexes declared for each type."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.counts = Counts()
        self.columns = Columns()
        self._fields: dict[str, set[str]] = {}
        self._named: set[str] = set()
        self._declared: list[tuple[str, str | None]] = []  # in the open transaction: (type, field or None: name)
        self._on_search: dict[str, tuple[list[tuple[str, str]], bool]] = {}  # type -> its fields, its name order
        self._made: set[str] = set()
        self._pending: set[str] = set()
        self._migrate()

    def table(self, type: str) -> str:
        """The table of a type, made (with its declared indexes) if it does not exist yet."""
        name = table_name(type)
        if type in self._made or type in self._pending:
            return name
        self.conn.execute(
            f"CREATE TABLE IF NOT EXISTS {name} (company_id INTEGER NOT NULL, id INTEGER NOT NULL, "
            "version INTEGER NOT NULL, changed_at TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (company_id, id))"
        )
        self.conn.execute(f"CREATE INDEX IF NOT EXISTS {name}_changed ON {name} (company_id, changed_at)")
        # Made inside a transaction, a table only exists once that commits.
        (self._pending if self.conn.in_transaction else self._made).add(type)
        for field in self._fields.get(type, ()):
            self._field_index(name, field)
        if type in self._named:
            self._name_index(name)
        return name

    def declare(self, fields: Iterable[tuple[str, str]]) -> None:
        """Index these (type, field) pairs: now for a table that exists, when it is made for the others."""
        for type, field in fields:
            if field in self._fields.setdefault(type, set()):
                continue
            self._fields[type].add(field)
            self._declared.append((type, field))
            if self._exists(type):
                self._field_index(table_name(type), field)

    def declare_when_searched(self, fields: Iterable[tuple[str, str]], named: Iterable[str]) -> None:
        """Index these (type, field) pairs, and these types' name order, when a search of the type first runs."""
        for type, field in fields:
            self._on_search.setdefault(type, ([], False))[0].append((type, field))
        for type in named:
            self._on_search[type] = (self._on_search.get(type, ([], False))[0], True)

    def searching(self, type: str) -> None:
        """A search of this type runs: the indexes declared for when it does are made now if they are not yet."""
        wanted = self._on_search.get(type)
        if wanted is not None:
            self.declare(wanted[0])  # known ones are skipped; after a rollback they are made again
            if wanted[1]:
                self.declare_name_order([type])

    def declare_name_order(self, types: Iterable[str]) -> None:
        """Keep these types' objects in Norwegian name order in an index (the first page sorted by name)."""
        for type in types:
            if type not in self._named:
                self._named.add(type)
                self._declared.append((type, None))
                if self._exists(type):
                    self._name_index(table_name(type))

    def committed(self) -> None:
        """The tables made in the transaction now exist."""
        self._made |= self._pending
        self._pending.clear()
        self._declared.clear()

    def rolled_back(self) -> None:
        """The tables and indexes made in the transaction are gone with it, and sizes counted inside it are wrong
        now."""
        for type, field in self._declared:
            if field is None:
                self._named.discard(type)
            else:
                self._fields[type].discard(field)
        self._declared.clear()
        self._pending.clear()
        self.counts.changed()
        self.columns.forget()

    def _exists(self, type: str) -> bool:
        if type in self._made or type in self._pending:
            return True
        row = self.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table_name(type),)
        ).fetchone()
        if row is not None:
            self.table(type)
        return row is not None

    def _field_index(self, table: str, field: str) -> None:
        self.conn.execute(
            f"CREATE INDEX IF NOT EXISTS {_index_name(table, field)} ON {table} "
            f"(company_id, json_extract(data, '{json_path(field)}'), id)"
        )

    def _name_index(self, table: str) -> None:
        self.conn.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_name ON {table} "
            "(company_id, tx_sortkey(json_extract(data, '$.name')), id)"
        )

    def _migrate(self) -> None:
        """Bring a file of an earlier version up to date: its full-text indexes dropped (each statement commits on
        its own; a drop is safe to repeat), the objects of its single table moved into the per-type tables."""
        fulltext.drop_all(self.conn)
        exists = self.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (LEGACY,)
        ).fetchone()
        if exists is None:
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            types = [r[0] for r in self.conn.execute(f"SELECT DISTINCT type FROM {LEGACY}").fetchall()]
            for type in types:
                name = self.table(type)
                self.conn.execute(
                    f"INSERT OR IGNORE INTO {name} (company_id, id, version, changed_at, data) "
                    f"SELECT company_id, id, version, changed_at, data FROM {LEGACY} WHERE type = ?", (type,)
                )
            self.conn.execute(f"DROP TABLE {LEGACY}")
        except BaseException:
            self.conn.execute("ROLLBACK")
            self.rolled_back()
            raise
        self.conn.execute("COMMIT")
        self.committed()
