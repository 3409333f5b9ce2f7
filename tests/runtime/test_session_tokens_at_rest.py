"""A session token shared through a store never reaches the logs, the run store or the scenario history."""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers.leaks import files_holding
from tripletex_connect.client import Tripletex
from tripletex_connect.runtime import RunStore, Service
from tripletex_connect.runtime.clients import ClientPool
from tripletex_connect.sandbox import SandboxCompany

from .conftest import FakeClock

SCENARIO = """
    name: leaky
    trigger: {type: schedule, cron: "0 * * * *", catch_up: one}
    steps:
      - id: made
        module: customer.create
        body: {name: "Tokenless AS"}
      - id: missing
        module: customer.get
        params: {id: 999999}
"""


def test_a_shared_session_token_stays_out_of_logs_run_store_and_history(
    folder: Path, store: RunStore, clock: FakeClock, write: Callable[[str, str], Path], tmp_path: Path,
    tripletex_sandbox: SandboxCompany, caplog: pytest.LogCaptureFixture,
) -> None:
    sessions = tmp_path / "sessions.db"
    client = Tripletex(tripletex_sandbox.consumer_token, tripletex_sandbox.employee_token,
                       base_url=tripletex_sandbox.base_url, session_store=f"sqlite://{sessions}")
    write("leaky.yaml", SCENARIO)
    caplog.set_level(logging.DEBUG)
    service = Service(folder, store, ClientPool(lambda _connection: client), clock=clock, inline=True)
    try:
        service.tick()
        clock.advance(hours=1)
        service.tick()
    finally:
        service.stop()
        client.close()
    with sqlite3.connect(sessions) as db:
        (raw,) = db.execute("SELECT value FROM session_record").fetchone()
    token = json.loads(raw)["token"]
    assert len(token) > 16
    assert [run["status"] for run in store.runs("leaky")] == ["failed"]  # the run happened, and its error is kept
    assert files_holding(tmp_path, token)  # the grep finds it where it is: in the session store
    assert files_holding(tmp_path, token, except_named=(sessions.name,)) == []  # and nowhere else
    assert token not in caplog.text
