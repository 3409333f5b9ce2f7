"""SQLite records (the shared limiter's and session store's file backend): a failed step leaves no transaction open."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tripletex_connect.core.stores import SQLiteRecords


class CommitFailsOnce:
    """A connection whose first COMMIT fails as a busy disk's would; everything else goes to the real one."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.failed = False

    def execute(self, sql: str, *args: Any) -> Any:
        if sql == "COMMIT" and not self.failed:
            self.failed = True
            raise sqlite3.OperationalError("disk I/O error")
        return self.db.execute(sql, *args)

    @property
    def in_transaction(self) -> bool:
        return self.db.in_transaction


def bump(record: dict[str, Any]) -> int:
    record["n"] = record.get("n", 0) + 1
    return int(record["n"])


def test_a_failed_commit_is_rolled_back_and_the_next_step_works(tmp_path: Path) -> None:
    records = SQLiteRecords(str(tmp_path / "records.db"), "record", "test")
    real = records._db
    records._db = CommitFailsOnce(real)  # type: ignore[assignment]
    with pytest.raises(sqlite3.OperationalError, match="disk I/O"):
        records.update("k", bump)
    assert not real.in_transaction
    assert records.update("k", bump) == 1  # the failed step left nothing behind
    records._db = real
    records.close()


def test_a_change_that_raises_leaves_the_record_as_it_was(tmp_path: Path) -> None:
    records = SQLiteRecords(str(tmp_path / "records.db"), "record", "test")
    records.update("k", bump)

    def broken(record: dict[str, Any]) -> None:
        record["n"] = 99
        raise ValueError("no")

    with pytest.raises(ValueError):
        records.update("k", broken)
    assert records.update("k", bump) == 2
    records.close()


def test_the_file_is_written_in_wal_mode_with_normal_sync(tmp_path: Path) -> None:
    records = SQLiteRecords(str(tmp_path / "records.db"), "record", "test")
    assert records._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert records._db.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    records.close()
