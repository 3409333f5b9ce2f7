"""Opening a shared SQLite file while other processes open it too."""

from __future__ import annotations

import sqlite3

import pytest

from tripletex_connect.core.stores import retry_locked


def test_a_set_up_step_answered_locked_is_tried_again_until_it_succeeds() -> None:
    answers = [sqlite3.OperationalError("database is locked"), sqlite3.OperationalError("database is locked"), "ok"]

    def step() -> str:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    assert retry_locked(step) == "ok"
    assert answers == []


def test_any_other_sqlite_error_is_raised_at_once() -> None:
    calls = []

    def step() -> None:
        calls.append(1)
        raise sqlite3.OperationalError("no such table: x")

    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        retry_locked(step)
    assert len(calls) == 1


def test_a_file_that_stays_locked_is_given_up_after_the_patience() -> None:
    def step() -> None:
        raise sqlite3.OperationalError("database is locked")

    with pytest.raises(sqlite3.OperationalError, match="locked"):
        retry_locked(step, patience=0.0)
