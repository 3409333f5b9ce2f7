"""Where state shared by several clients lives: memory, a SQLite file (one host) or Redis (a cluster).

The rate limiter and the session store name their backend the same way (`memory`, `sqlite:///path`,
`redis://host:port/db`) and open it through this module. `Records` is the one primitive both can build on:
an atomic read-modify-write of a small JSON record under a key, written once per backend.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from .errors import ConfigurationError

T = TypeVar("T")
Record = dict[str, Any]
TTL_FIELD = "_ttl"
"""A record field a change may set: seconds the record is still useful (Redis lets it expire after that)."""


def parse_store_url(url: str, what: str) -> tuple[str, str]:
    """The backend a setting names, as (`memory` | `sqlite` | `redis`, its path or URL); `what` names the setting."""
    text = url.strip()
    if text in ("", "memory", "memory://"):
        return "memory", ""
    if text.startswith("sqlite://"):
        path = text[len("sqlite://"):]
        if not path.startswith("/") or path == "/":
            raise ConfigurationError(f"{what} {url!r}: give a file path, e.g. sqlite:///var/lib/ttx/state.db")
        return "sqlite", path[1:] if path.startswith("//") else path
    if text.startswith(("redis://", "rediss://")):
        return "redis", text
    raise ConfigurationError(f"unknown {what} {url!r}: use memory, sqlite:///path or redis://host:port/db")


def open_sqlite(path: str, what: str, schema: str) -> sqlite3.Connection:
    """A connection to a SQLite file readable only by its owner (mode 0600, WAL), with `schema` applied."""
    try:
        os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
        if stat.S_IMODE(os.stat(path).st_mode) & 0o077:
            os.chmod(path, 0o600)  # it may hold session tokens: never readable by others
        db = sqlite3.connect(path, timeout=30.0, isolation_level=None, check_same_thread=False)
        retry_locked(lambda: _prepare(db, schema))
    except (OSError, sqlite3.Error) as error:
        raise ConfigurationError(f"{what}: cannot open the SQLite file {path!r} ({error})") from None
    return db


def retry_locked(action: Callable[[], T], patience: float = 30.0) -> T:
    """Run `action` (a SQLite set-up step), again while another process opening the same file holds it locked."""
    # Turning a fresh file to WAL while another process does the same answers "locked" at once: SQLite's busy
    # timeout does not cover that step, so it is retried here for as long as a connection's own timeout.
    deadline = time.monotonic() + patience
    while True:
        try:
            return action()
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _prepare(db: sqlite3.Connection, schema: str) -> None:
    db.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL stays consistent after a crash and may lose only the last steps (a limiter's counts,
    # a session a process makes again); FULL syncs the disk on every step, milliseconds on a busy disk.
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute(schema)


def redis_client(url: str, what: str) -> Any:
    """A client of the Redis server at `url`, or a clear error when the `redis` package is missing."""
    try:
        import redis
    except ImportError:
        raise ConfigurationError(
            f"the Redis {what} needs the redis package: pip install 'tripletex-connect[redis]'"
        ) from None
    return redis.Redis.from_url(url)


class Records(Protocol):
    """Small JSON records under keys; `update` is one atomic step, also across processes."""

    def update(self, key: str, change: Callable[[Record], T]) -> T:
        """Run `change` on the record (empty when absent) and store what it left (nothing when emptied)."""
        ...

    def close(self) -> None:
        """Release the connection, if any."""
        ...


class MemoryRecords:
    """Records in this process's memory."""

    def __init__(self) -> None:
        self._records: dict[str, Record] = {}
        self._lock = threading.Lock()

    def update(self, key: str, change: Callable[[Record], T]) -> T:
        """One atomic step on a record."""
        with self._lock:
            record = dict(self._records.get(key, {}))
            result = change(record)
            record.pop(TTL_FIELD, None)
            if record:
                self._records[key] = record
            else:
                self._records.pop(key, None)
            return result

    def close(self) -> None:
        """Nothing to release."""


class SQLiteRecords:
    """Records in a SQLite file; each step is one `BEGIN IMMEDIATE` transaction, atomic across processes."""

    def __init__(self, path: str, table: str, what: str) -> None:
        self.path = path
        self._table = table
        self._lock = threading.Lock()
        self._db = open_sqlite(path, what, f"CREATE TABLE IF NOT EXISTS {table} (key TEXT PRIMARY KEY, value TEXT)")

    def update(self, key: str, change: Callable[[Record], T]) -> T:
        """One atomic step on a record."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                row = self._db.execute(f"SELECT value FROM {self._table} WHERE key = ?", (key,)).fetchone()
                record: Record = json.loads(row[0]) if row else {}
                result = change(record)
                record.pop(TTL_FIELD, None)
                if record:
                    self._db.execute(f"INSERT OR REPLACE INTO {self._table} VALUES (?, ?)", (key, json.dumps(record)))
                else:
                    self._db.execute(f"DELETE FROM {self._table} WHERE key = ?", (key,))
                self._db.execute("COMMIT")
            except BaseException:
                # A failed COMMIT (a busy disk) leaves the transaction open too: every later step would fail.
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise
            return result

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()


class RedisRecords:
    """Records in Redis; each step is an optimistic WATCH/MULTI transaction, repeated when another writer won."""

    def __init__(self, client: Any) -> None:
        self._client = client

    @classmethod
    def from_url(cls, url: str, what: str) -> RedisRecords:
        """Records on the Redis server at `url`."""
        return cls(redis_client(url, what))

    def update(self, key: str, change: Callable[[Record], T]) -> T:
        """One atomic step on a record."""
        def step(pipe: Any) -> T:
            raw = pipe.get(key)
            record: Record = json.loads(raw) if raw else {}
            result = change(record)
            ttl = record.pop(TTL_FIELD, None)
            pipe.multi()
            if record:
                if ttl:
                    pipe.set(key, json.dumps(record), ex=max(1, int(ttl)))
                else:
                    pipe.set(key, json.dumps(record), keepttl=True)
            else:
                pipe.delete(key)
            return result

        return self._client.transaction(step, key, value_from_callable=True)  # type: ignore[no-any-return]

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()


def records_from_url(url: str, what: str, table: str) -> Records:
    """The records of the backend a setting names (`table` is the SQLite table, or Redis key prefix's role)."""
    kind, where = parse_store_url(url, what)
    if kind == "sqlite":
        return SQLiteRecords(where, table, what)
    if kind == "redis":
        return RedisRecords.from_url(where, what)
    return MemoryRecords()
