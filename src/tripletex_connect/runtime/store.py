"""The service's state in one SQLite file (WAL): runs with their steps and item errors, watch positions,
schedule ticks, incomplete executions, data stores, webhook subscriptions and seen delivery keys.

`RunStore` is also the scenario package's `ScenarioState` (load_position, save_position, append_run,
datastore), so `ttx run` and `ttx serve` keep history and positions in the same place.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.redact import scrub

DB_NAME = "runtime.sqlite3"
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT, scenario TEXT NOT NULL, file TEXT, connection TEXT,
    trigger TEXT, tick TEXT, started TEXT NOT NULL, ended TEXT, status TEXT NOT NULL,
    dry_run INTEGER NOT NULL DEFAULT 0, trigger_item TEXT, error TEXT, record TEXT, pid INTEGER);
CREATE INDEX IF NOT EXISTS runs_by_scenario ON runs (scenario, started);
CREATE INDEX IF NOT EXISTS runs_by_status ON runs (status);
CREATE TABLE IF NOT EXISTS steps (
    run_id INTEGER NOT NULL, step TEXT NOT NULL, module TEXT, status TEXT, runs INTEGER, skipped INTEGER,
    errors INTEGER, error TEXT, PRIMARY KEY (run_id, step));
CREATE TABLE IF NOT EXISTS items (
    run_id INTEGER NOT NULL, step TEXT NOT NULL, item TEXT, error TEXT, status INTEGER, code INTEGER,
    request_id TEXT);
CREATE INDEX IF NOT EXISTS items_by_run ON items (run_id);
CREATE TABLE IF NOT EXISTS positions (key TEXT PRIMARY KEY, position TEXT NOT NULL, updated TEXT);
CREATE TABLE IF NOT EXISTS ticks (scenario TEXT PRIMARY KEY, last_due TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS incomplete (
    id INTEGER PRIMARY KEY AUTOINCREMENT, run_id INTEGER, scenario TEXT NOT NULL, file TEXT, connection TEXT,
    created TEXT NOT NULL, updated TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'open', attempts INTEGER NOT NULL
    DEFAULT 0, next_retry TEXT, step TEXT, error TEXT, checkpoint TEXT);
CREATE TABLE IF NOT EXISTS datastore (
    namespace TEXT NOT NULL, key TEXT NOT NULL, value TEXT, updated TEXT, PRIMARY KEY (namespace, key));
CREATE TABLE IF NOT EXISTS subscriptions (
    id INTEGER NOT NULL, connection TEXT NOT NULL, scenario TEXT NOT NULL, company_id INTEGER, event TEXT NOT NULL,
    target_url TEXT, secret TEXT NOT NULL, created TEXT, PRIMARY KEY (id, connection));
CREATE TABLE IF NOT EXISTS seen_keys (key TEXT PRIMARY KEY, received TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT, subscription INTEGER, event TEXT NOT NULL, object_id INTEGER,
    received TEXT NOT NULL, done INTEGER NOT NULL DEFAULT 0);
"""
ADDED_COLUMNS = (("runs", "company", "INTEGER"), ("incomplete", "company", "INTEGER"))
"""Columns added after the first release: (table, column, type), added to older stores when opened."""
OPEN, RESOLVED, DISCARDED = "open", "resolved", "discarded"
ITEM_FIELDS = ("status", "code", "request_id")


def utcnow() -> dt.datetime:
    """The current time, aware, in UTC."""
    return dt.datetime.now(dt.UTC)


def iso(moment: dt.datetime) -> str:
    """A moment as ISO text in UTC (sortable as text)."""
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")


def default_db_path() -> Path:
    """The store in the user data directory (or $TRIPLETEX_DATA_DIR)."""
    from ..scenario.storage import data_dir

    return data_dir() / DB_NAME


@dataclass(frozen=True)
class Incomplete:
    """A broken run kept for resuming: where it stopped, why, how often it was retried, and its checkpoint."""

    id: int
    run_id: int | None
    scenario: str
    file: str | None
    connection: str | None
    created: str
    updated: str
    state: str
    attempts: int
    next_retry: str | None
    step: str | None
    error: str | None
    checkpoint: Any
    company: int | None = None
    """The client company the run acted for (an accountant's client); None for the login's own."""


class DataStore:
    """A small key-value table of one namespace (a scenario and its connection), values as JSON."""

    def __init__(self, store: RunStore, namespace: str) -> None:
        self.store = store
        self.namespace = namespace

    def get(self, key: str, default: Any = None) -> Any:
        """The value of `key`, or `default`."""
        row = self.store.one("SELECT value FROM datastore WHERE namespace = ? AND key = ?", (self.namespace, key))
        return json.loads(row[0]) if row else default

    def set(self, key: str, value: Any) -> None:
        """Store `value` (any JSON value) under `key`."""
        self.store.execute(
            "INSERT INTO datastore (namespace, key, value, updated) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, updated = excluded.updated",
            (self.namespace, key, json.dumps(value, default=str), iso(utcnow())))

    def delete(self, key: str) -> bool:
        """Remove `key`; True when it was there."""
        return self.store.execute("DELETE FROM datastore WHERE namespace = ? AND key = ?",
                                  (self.namespace, key)) > 0

    def search(self, prefix: str = "", *, limit: int | None = None) -> list[tuple[str, Any]]:
        """(key, value) pairs whose key starts with `prefix`, in key order."""
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = self.store.all(
            "SELECT key, value FROM datastore WHERE namespace = ? AND key LIKE ? ESCAPE '\\' ORDER BY key LIMIT ?",
            (self.namespace, escaped + "%", -1 if limit is None else limit))
        return [(key, json.loads(value)) for key, value in rows]


class RunStore:
    """The runtime's SQLite store; safe to share between threads of one process and between processes."""

    def __init__(self, path: str | Path | None = None, *, legacy_dir: Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_db_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not self.path.exists():  # runs hold the books' data: owner-only, like the profiles file
            os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=30)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute("PRAGMA busy_timeout=30000")
        self._conn.executescript(SCHEMA)
        _add_columns(self._conn)
        from .legacy import import_legacy

        import_legacy(self, legacy_dir if legacy_dir is not None else self.path.parent)

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._conn.close()

    # -- plumbing

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE), committed on success and rolled back on error."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def execute(self, sql: str, args: tuple[Any, ...] = ()) -> int:
        """Run one statement in its own transaction; the number of rows it changed."""
        with self.transaction() as conn:
            return conn.execute(sql, args).rowcount

    def one(self, sql: str, args: tuple[Any, ...] = ()) -> tuple[Any, ...] | None:
        """The first row of a query, or None."""
        with self._lock:
            row = self._conn.execute(sql, args).fetchone()
        return tuple(row) if row is not None else None

    def all(self, sql: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Every row of a query."""
        with self._lock:
            return [tuple(r) for r in self._conn.execute(sql, args).fetchall()]

    def meta(self, key: str) -> str | None:
        """A value of the store's own bookkeeping (e.g. which legacy files were imported)."""
        row = self.one("SELECT value FROM meta WHERE key = ?", (key,))
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        """Remember a bookkeeping value."""
        self.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    # -- ScenarioState

    def load_position(self, key: str) -> dict[str, Any] | None:
        """The position of a watch (e.g. {"last_id": 42}), or None before its first run."""
        row = self.one("SELECT position FROM positions WHERE key = ?", (key,))
        value = json.loads(row[0]) if row else None
        return value if isinstance(value, dict) else None

    def save_position(self, key: str, position: dict[str, Any]) -> None:
        """Remember a watch's position."""
        with self.transaction() as conn:
            _save_position(conn, key, position)

    def last_id(self, key: str) -> int | None:
        """The highest id a watch has handled, or None before its first run."""
        value = (self.load_position(key) or {}).get("last_id")
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def append_run(self, record: dict[str, Any]) -> None:
        """Add a finished run (a history record)."""
        self.add_run(record)

    def add_run(self, record: Mapping[str, Any]) -> int:
        """Add a finished run; returns its run id."""
        with self.transaction() as conn:
            run_id = _insert_run(conn, record, status=str(record.get("status") or "ok"))
            _write_details(conn, run_id, record)
        return run_id

    def datastore(self, namespace: str) -> DataStore:
        """The key-value table of one scenario and connection."""
        return DataStore(self, namespace)

    # -- runs

    def begin_run(self, scenario: str, *, file: str | None, connection: str | None, trigger: str,
                  started: dt.datetime, tick: str | None = None, trigger_item: Any = None,
                  position: tuple[str, int] | None = None, company: int | None = None) -> int:
        """Record a run as `running` before its first step (with a tick or watch position claimed atomically)."""
        record = {"scenario": scenario, "file": file, "connection": connection, "started": iso(started),
                  "trigger_item": trigger_item, "company": company}
        with self.transaction() as conn:
            run_id = _insert_run(conn, record, status="running", trigger=trigger, tick=tick, pid=os.getpid())
            if position is not None:
                _save_position(conn, position[0], {"last_id": position[1], "updated": iso(started)})
        return run_id

    def finish_run(self, run_id: int, record: Mapping[str, Any]) -> None:
        """Complete a run with its history record (status, steps, items, error)."""
        text = scrub(json.dumps(record, ensure_ascii=False, default=str))
        clean = json.loads(text)
        with self.transaction() as conn:
            conn.execute("UPDATE runs SET ended = ?, status = ?, error = ?, record = ?, dry_run = ? WHERE id = ?",
                         (clean.get("ended"), clean.get("status") or "ok", clean.get("error"), text,
                          int(bool(clean.get("dry_run"))), run_id))
            conn.execute("DELETE FROM steps WHERE run_id = ?", (run_id,))
            conn.execute("DELETE FROM items WHERE run_id = ?", (run_id,))
            _write_details(conn, run_id, clean)

    def interrupted_runs(self) -> list[int]:
        """Runs still `running`: called by the one service that holds the store, they were cut off (kill -9, crash)."""
        return [row[0] for row in self.all("SELECT id FROM runs WHERE status = 'running' ORDER BY id")]

    def mark_interrupted(self, run_id: int, message: str) -> None:
        """Close an interrupted run and list it as an incomplete execution (unless it already is)."""
        with self.transaction() as conn:
            row = conn.execute("SELECT scenario, file, connection, status, company FROM runs WHERE id = ?",
                               (run_id,)).fetchone()
            if row is None or row[3] != "running":
                return
            now = iso(utcnow())
            conn.execute("UPDATE runs SET status = 'interrupted', ended = ?, error = ? WHERE id = ?",
                         (now, message, run_id))
            if not conn.execute("SELECT 1 FROM incomplete WHERE run_id = ?", (run_id,)).fetchone():
                conn.execute("INSERT INTO incomplete (run_id, scenario, file, connection, created, updated, error, "
                             "next_retry, company) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?)",
                             (run_id, row[0], row[1], row[2], now, now, message, row[4]))

    def runs(self, scenario: str | None = None, *, failed: bool = False, since: dt.datetime | None = None,
             limit: int | None = None) -> list[dict[str, Any]]:
        """Runs, oldest first (the last `limit`), filtered by scenario, failure and start time."""
        where, args = ["1 = 1"], []
        if scenario is not None:
            where.append("scenario = ?")
            args.append(scenario)
        if failed:
            where.append("status IN ('failed', 'warning', 'interrupted', 'incomplete')")
        if since is not None:
            where.append("started >= ?")
            args.append(iso(since))
        rows = self.all(f"SELECT * FROM (SELECT {_RUN_COLUMNS} FROM runs WHERE {' AND '.join(where)} "
                        "ORDER BY started DESC, id DESC LIMIT ?) ORDER BY started, id",
                        (*args, -1 if limit is None else limit))
        return [_run_dict(row) for row in rows]

    def history(self, scenario: str | None = None, *, failed: bool = False, since: dt.datetime | None = None,
                limit: int | None = None) -> list[dict[str, Any]]:
        """Runs as history records (steps with counts), each with its run id, trigger and current status."""
        out = []
        for run in self.runs(scenario, failed=failed, since=since, limit=limit):
            row = self.one("SELECT record FROM runs WHERE id = ?", (run["id"],))
            record = json.loads(row[0]) if row and row[0] else {}
            record.update(id=run["id"], scenario=run["scenario"], status=run["status"], trigger=run["trigger"],
                          error=run["error"], started=record.get("started") or run["started"], company=run["company"])
            out.append(record)
        return out

    def run(self, run_id: int) -> dict[str, Any] | None:
        """One run with its steps and item errors, or None."""
        row = self.one(f"SELECT {_RUN_COLUMNS} FROM runs WHERE id = ?", (run_id,))
        if row is None:
            return None
        out = _run_dict(row)
        out["steps"] = [dict(zip(("step", "module", "status", "runs", "skipped", "errors", "error"), r, strict=True))
                        for r in self.all("SELECT step, module, status, runs, skipped, errors, error FROM steps "
                                          "WHERE run_id = ? ORDER BY rowid", (run_id,))]
        out["items"] = [{"step": s, "item": json.loads(i) if i else None, "error": e, "status": st, "code": c,
                         "request_id": r}
                        for s, i, e, st, c, r in self.all("SELECT step, item, error, status, code, request_id "
                                                          "FROM items WHERE run_id = ? ORDER BY rowid", (run_id,))]
        return out

    def last_runs(self) -> dict[str, dict[str, Any]]:
        """The latest run of every scenario, by scenario name."""
        rows = self.all(f"SELECT {_RUN_COLUMNS} FROM runs WHERE id IN (SELECT MAX(id) FROM runs GROUP BY scenario)")
        return {row[1]: _run_dict(row) for row in rows}

    def runs_per_day(self, days: int, today: dt.date) -> list[dict[str, Any]]:
        """For each of the last `days` days: runs by status and the mean duration in seconds."""
        first = today - dt.timedelta(days=days - 1)
        rows = self.all("SELECT substr(started, 1, 10), status, COUNT(*), AVG((julianday(ended) - "
                        "julianday(started)) * 86400) FROM runs WHERE started >= ? GROUP BY 1, 2",
                        (first.isoformat(),))
        counts: dict[dt.date, dict[str, int]] = {first + dt.timedelta(days=i): {} for i in range(days)}
        totals: dict[dt.date, list[float]] = {day: [0.0, 0.0] for day in counts}
        for day_text, status, count, seconds in rows:
            day = dt.date.fromisoformat(day_text)
            if day not in counts:
                continue
            counts[day][status] = count
            if seconds is not None:
                totals[day][0] += seconds * count
                totals[day][1] += count
        return [{"day": day, "counts": counts[day],
                 "mean_seconds": totals[day][0] / totals[day][1] if totals[day][1] else 0.0}
                for day in sorted(counts)]

    # -- schedule ticks

    def last_tick(self, scenario: str) -> dt.datetime | None:
        """The due time of the last schedule tick claimed for a scenario."""
        row = self.one("SELECT last_due FROM ticks WHERE scenario = ?", (scenario,))
        return dt.datetime.fromisoformat(row[0]) if row else None

    def claim_tick(self, scenario: str, due: dt.datetime, previous: dt.datetime | None, *, file: str | None = None,
                   connection: str | None = None) -> int | None:
        """Move a scenario's tick from `previous` to `due` and queue its run, in one transaction.

        Returns the queued run's id, or None when the tick was claimed already (by an earlier process).
        """
        with self.transaction() as conn:
            row = conn.execute("SELECT last_due FROM ticks WHERE scenario = ?", (scenario,)).fetchone()
            current = dt.datetime.fromisoformat(row[0]) if row else None
            if current != previous:
                return None
            conn.execute("INSERT OR REPLACE INTO ticks (scenario, last_due) VALUES (?, ?)", (scenario, iso(due)))
            record = {"scenario": scenario, "file": file, "connection": connection, "started": iso(due),
                      "trigger_item": {"due": iso(due)}}
            return _insert_run(conn, record, status="queued", trigger="schedule", tick=iso(due))

    def claim_tick_skip(self, scenario: str, due: dt.datetime, previous: dt.datetime | None) -> bool:
        """Move a scenario's tick past a missed `due` without running it (catch_up none or one)."""
        with self.transaction() as conn:
            row = conn.execute("SELECT last_due FROM ticks WHERE scenario = ?", (scenario,)).fetchone()
            current = dt.datetime.fromisoformat(row[0]) if row else None
            if current != previous:
                return False
            conn.execute("INSERT OR REPLACE INTO ticks (scenario, last_due) VALUES (?, ?)", (scenario, iso(due)))
        return True

    def start_tick(self, scenario: str, first: dt.datetime) -> None:
        """Start a scenario's schedule at `first` (ticks after it fire) unless it has one already."""
        self.execute("INSERT OR IGNORE INTO ticks (scenario, last_due) VALUES (?, ?)", (scenario, iso(first)))

    def split_run(self, run_id: int, companies: list[int]) -> list[int]:
        """Replace a queued run by one queued run per company (same scenario, tick and trigger), atomically."""
        with self.transaction() as conn:
            row = conn.execute(f"SELECT {_RUN_COLUMNS} FROM runs WHERE id = ?", (run_id,)).fetchone()
            if row is None:
                return []
            run = _run_dict(tuple(row))
            ids = [_insert_run(conn, {**run, "company": company}, status="queued", trigger=run["trigger"],
                               tick=run["tick"]) for company in companies]
            conn.execute("DELETE FROM runs WHERE id = ?", (run_id,))
        return ids

    def queued_runs(self) -> list[dict[str, Any]]:
        """Runs claimed but never started (their process stopped first): safe to run now."""
        return [_run_dict(row) for row in self.all(f"SELECT {_RUN_COLUMNS} FROM runs WHERE status = 'queued' "
                                                   "ORDER BY id")]

    def start_run(self, run_id: int, started: dt.datetime) -> None:
        """A queued run begins: `running` from now on, by this process."""
        self.execute("UPDATE runs SET status = 'running', started = ?, pid = ? WHERE id = ?",
                     (iso(started), os.getpid(), run_id))

    def trigger_item(self, run_id: int) -> Any:
        """The whole trigger item a run was started with (the history record keeps only a summary)."""
        row = self.one("SELECT trigger_item FROM runs WHERE id = ?", (run_id,))
        return json.loads(row[0]) if row and row[0] else None

    # -- webhook events

    def accept_delivery(self, key: str, subscription: int, event: str, object_id: int | None,
                        now: dt.datetime) -> bool:
        """Queue a verified delivery; False (and nothing queued) when its idempotency key was seen before."""
        with self.transaction() as conn:
            cur = conn.execute("INSERT OR IGNORE INTO seen_keys (key, received) VALUES (?, ?)", (key, iso(now)))
            if cur.rowcount != 1:
                return False
            conn.execute("INSERT INTO events (subscription, event, object_id, received) VALUES (?, ?, ?, ?)",
                         (subscription, event, object_id, iso(now)))
        return True

    def pending_events(self) -> list[dict[str, Any]]:
        """Deliveries not handled yet, oldest first."""
        cols = ("id", "subscription", "event", "object_id", "received")
        return [dict(zip(cols, row, strict=True))
                for row in self.all(f"SELECT {', '.join(cols)} FROM events WHERE done = 0 ORDER BY id")]

    def event_done(self, event_id: int) -> None:
        """A delivery was handled."""
        self.execute("UPDATE events SET done = 1 WHERE id = ?", (event_id,))

    # -- incomplete executions

    def add_incomplete(self, run_id: int | None, record: Mapping[str, Any], *, step: str | None, error: str | None,
                       checkpoint: Any, next_retry: dt.datetime | None) -> int:
        """Keep a broken run for resuming; returns its id."""
        now = iso(utcnow())
        text = scrub(json.dumps(checkpoint, ensure_ascii=False, default=str))
        with self.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO incomplete (run_id, scenario, file, connection, created, updated, step, error, "
                "checkpoint, next_retry, company) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (run_id, record.get("scenario"), record.get("file"), record.get("connection"), now, now, step,
                 scrub(error) if error else None, text, iso(next_retry) if next_retry else None,
                 _company(record.get("company"))))
            return int(cur.lastrowid or 0)

    def incomplete(self, state: str | None = OPEN, scenario: str | None = None) -> list[Incomplete]:
        """Incomplete executions (open ones by default), oldest first."""
        where, args = ["1 = 1"], []
        if state is not None:
            where.append("state = ?")
            args.append(state)
        if scenario is not None:
            where.append("scenario = ?")
            args.append(scenario)
        rows = self.all(f"SELECT {_INCOMPLETE_COLUMNS} FROM incomplete WHERE {' AND '.join(where)} ORDER BY id",
                        tuple(args))
        return [_incomplete(row) for row in rows]

    def get_incomplete(self, incomplete_id: int) -> Incomplete | None:
        """One incomplete execution, or None."""
        row = self.one(f"SELECT {_INCOMPLETE_COLUMNS} FROM incomplete WHERE id = ?", (incomplete_id,))
        return _incomplete(row) if row else None

    def due_incomplete(self, now: dt.datetime) -> list[Incomplete]:
        """Open incomplete executions whose automatic retry is due."""
        return [i for i in self.incomplete() if i.next_retry is not None and i.next_retry <= iso(now)]

    def update_incomplete(self, incomplete_id: int, **fields: Any) -> None:
        """Change an incomplete execution's state, attempts, next retry, step, error or checkpoint."""
        allowed = {"state", "attempts", "next_retry", "step", "error", "checkpoint"}
        if set(fields) - allowed:
            raise ValueError(f"unknown fields {sorted(set(fields) - allowed)}")
        values = {k: (json.dumps(v, default=str) if k == "checkpoint" else
                      iso(v) if isinstance(v, dt.datetime) else v) for k, v in fields.items()}
        values["updated"] = iso(utcnow())
        sets = ", ".join(f"{k} = ?" for k in values)
        self.execute(f"UPDATE incomplete SET {sets} WHERE id = ?", (*values.values(), incomplete_id))

    # -- webhooks

    def add_subscription(self, sub_id: int, *, connection: str, scenario: str, company_id: int, event: str,
                         target_url: str, secret: str) -> None:
        """Remember a webhook subscription the service created, with its HMAC secret."""
        self.execute("INSERT OR REPLACE INTO subscriptions (id, connection, scenario, company_id, event, target_url, "
                     "secret, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                     (sub_id, connection, scenario, company_id, event, target_url, secret, iso(utcnow())))

    def subscriptions(self, scenario: str | None = None) -> list[dict[str, Any]]:
        """The subscriptions the service keeps (of one scenario, if given)."""
        cols = ("id", "connection", "scenario", "company_id", "event", "target_url", "secret")
        rows = self.all(f"SELECT {', '.join(cols)} FROM subscriptions" + (" WHERE scenario = ?" if scenario else ""),
                        (scenario,) if scenario else ())
        return [dict(zip(cols, row, strict=True)) for row in rows]

    def remove_subscription(self, sub_id: int, connection: str) -> None:
        """Forget a subscription."""
        self.execute("DELETE FROM subscriptions WHERE id = ? AND connection = ?", (sub_id, connection))


_RUN_COLUMNS = ("id, scenario, file, connection, trigger, tick, started, ended, status, dry_run, trigger_item, error, "
                "company")
_INCOMPLETE_COLUMNS = ("id, run_id, scenario, file, connection, created, updated, state, attempts, next_retry, step, "
                       "error, checkpoint, company")


def _add_columns(conn: sqlite3.Connection) -> None:
    """Bring a store made by an older version up to date (new columns are nullable)."""
    for table, column, kind in ADDED_COLUMNS:
        present = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        if column not in present:
            with contextlib.suppress(sqlite3.OperationalError):  # another process added it meanwhile
                conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")


def _company(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value else None


def _save_position(conn: sqlite3.Connection, key: str, position: Mapping[str, Any]) -> None:
    conn.execute("INSERT INTO positions (key, position, updated) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE "
                 "SET position = excluded.position, updated = excluded.updated",
                 (key, json.dumps(position, default=str), iso(utcnow())))


def _run_dict(row: tuple[Any, ...]) -> dict[str, Any]:
    keys = [c.strip() for c in _RUN_COLUMNS.split(",")]
    out = dict(zip(keys, row, strict=True))
    out["trigger_item"] = json.loads(out["trigger_item"]) if out["trigger_item"] else None
    out["dry_run"] = bool(out["dry_run"])
    out["seconds"] = _seconds(out["started"], out["ended"])
    return out


def _seconds(started: str | None, ended: str | None) -> float | None:
    if not started or not ended:
        return None
    return (dt.datetime.fromisoformat(ended) - dt.datetime.fromisoformat(started)).total_seconds()


def _incomplete(row: tuple[Any, ...]) -> Incomplete:
    values = list(row)
    values[12] = json.loads(values[12]) if values[12] else None
    return Incomplete(*values)


def _insert_run(conn: sqlite3.Connection, record: Mapping[str, Any], *, status: str, trigger: str | None = None,
                tick: str | None = None, pid: int | None = None) -> int:
    text = scrub(json.dumps(record, ensure_ascii=False, default=str))
    clean = json.loads(text)
    item = clean.get("trigger_item")
    cur = conn.execute(
        "INSERT INTO runs (scenario, file, connection, trigger, tick, started, ended, status, dry_run, trigger_item, "
        "error, record, pid, company) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (clean.get("scenario") or "?", clean.get("file"), clean.get("connection"), trigger, tick,
         _utc_text(clean.get("started")), _utc_text(clean.get("ended")), status, int(bool(clean.get("dry_run"))),
         json.dumps(item) if item is not None else None, clean.get("error"), text, pid, _company(clean.get("company"))))
    return int(cur.lastrowid or 0)


def _utc_text(value: Any) -> str | None:
    """An ISO time of any offset as UTC text, so runs sort and filter by text."""
    if not value:
        return None
    try:
        return iso(dt.datetime.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def _write_details(conn: sqlite3.Connection, run_id: int, record: Mapping[str, Any]) -> None:
    """The run's steps and each failed item (with status, code and request id when the record has them)."""
    steps = record.get("steps") or {}
    if isinstance(steps, Mapping):
        for step_id, counts in steps.items():
            c = counts if isinstance(counts, Mapping) else {}
            conn.execute("INSERT OR REPLACE INTO steps (run_id, step, module, status, runs, skipped, errors, error) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                         (run_id, step_id, c.get("module"), c.get("status"), c.get("runs", 0), c.get("skipped", 0),
                          c.get("errors", 0), c.get("error")))
            for failure in _failures(c):
                _insert_item(conn, run_id, str(step_id), failure)
    for failure in _failures(record):
        _insert_item(conn, run_id, str(failure.get("step") or "?"), failure)


def _failures(holder: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Per-item errors however the record lists them (`failures`, or `items` with an error)."""
    found: list[Mapping[str, Any]] = []
    for name in ("failures", "items", "item_errors"):
        value = holder.get(name)
        if isinstance(value, list):
            found.extend(v for v in value if isinstance(v, Mapping))
    return found


def _insert_item(conn: sqlite3.Connection, run_id: int, step: str, failure: Mapping[str, Any]) -> None:
    item = failure.get("item", {k: failure[k] for k in ("index", "id") if k in failure} or None)
    conn.execute("INSERT INTO items (run_id, step, item, error, status, code, request_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                 (run_id, step, json.dumps(item, default=str) if item is not None else None,
                  failure.get("error") or failure.get("message"), failure.get("status"), failure.get("code"),
                  failure.get("request_id") or failure.get("requestId")))
