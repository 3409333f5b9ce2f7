"""The run store: positions, runs with item errors, data stores, ticks, deliveries, and the one-time import."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import stat
from pathlib import Path

from tripletex_connect.runtime import RunStore

T0 = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)


def test_the_store_is_owner_only_and_written_ahead(store: RunStore) -> None:
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    mode = sqlite3.connect(store.path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_watch_positions_survive_reopening_the_store(tmp_path: Path) -> None:
    first = RunStore(tmp_path / "s.sqlite3")
    assert first.load_position("welcome|work|company=7") is None
    first.save_position("welcome|work|company=7", {"last_id": 41})
    first.save_position("welcome|work|company=7", {"last_id": 42, "updated": "2026-11-25T10:00:00+01:00"})
    first.close()
    again = RunStore(tmp_path / "s.sqlite3")
    assert again.load_position("welcome|work|company=7") == {"last_id": 42, "updated": "2026-11-25T10:00:00+01:00"}
    assert again.last_id("welcome|work|company=7") == 42


def test_the_store_is_the_scenario_state_of_the_runner(store: RunStore) -> None:
    from tripletex_connect.scenario.state import DataStore, ScenarioState

    assert isinstance(store, ScenarioState) and isinstance(store.datastore("x"), DataStore)


def test_each_namespace_has_its_own_data_store(store: RunStore) -> None:
    a, b = store.datastore("a|work"), store.datastore("b|work")
    a.set("customer:1", {"sent": True})
    a.set("customer:2", 5)
    a.set("order:1", "x")
    b.set("customer:1", "other")
    assert a.get("customer:1") == {"sent": True} and b.get("customer:1") == "other"
    assert a.search("customer:") == [("customer:1", {"sent": True}), ("customer:2", 5)]
    assert a.search("customer%") == []
    assert a.delete("customer:1") is True and a.delete("customer:1") is False
    assert a.get("customer:1", "gone") == "gone"


def test_a_run_keeps_its_steps_and_each_failed_item_with_its_request_id(store: RunStore) -> None:
    run_id = store.add_run({
        "scenario": "invoice", "file": "/x/invoice.yaml", "connection": "work", "status": "warning",
        "started": "2026-11-25T10:00:00+01:00", "ended": "2026-11-25T10:00:03+01:00", "error": None,
        "steps": {"find": {"module": "order.search", "status": "ok", "runs": 1},
                  "invoice": {"module": "order.invoice", "status": "failed", "runs": 1, "errors": 1,
                              "failures": [{"index": 1, "id": 77, "status": 422, "code": 18000,
                                            "error": "bankkontonummer ikke registrert", "request_id": "r-123"}]}},
    })
    run = store.run(run_id)
    assert run is not None and run["started"] == "2026-11-25T09:00:00+00:00" and run["seconds"] == 3
    assert [s["step"] for s in run["steps"]] == ["find", "invoice"]
    assert run["items"] == [{"step": "invoice", "item": {"index": 1, "id": 77}, "error": "bankkontonummer ikke "
                             "registrert", "status": 422, "code": 18000, "request_id": "r-123"}]


def test_history_filters_by_failure_and_time(store: RunStore) -> None:
    for hour, status in ((8, "ok"), (9, "failed"), (10, "ok")):
        store.append_run({"scenario": "s", "status": status, "started": f"2026-11-25T{hour:02}:00:00+00:00",
                          "ended": f"2026-11-25T{hour:02}:00:01+00:00"})
    assert [r["status"] for r in store.runs("s")] == ["ok", "failed", "ok"]
    assert [r["status"] for r in store.runs(failed=True)] == ["failed"]
    assert len(store.runs(since=dt.datetime(2026, 11, 25, 9, tzinfo=dt.UTC))) == 2
    assert [r["started"][11:13] for r in store.runs(limit=2)] == ["09", "10"]


def test_tokens_in_a_run_record_are_masked(store: RunStore) -> None:
    run_id = store.add_run({"scenario": "s", "status": "failed", "started": "2026-11-25T08:00:00+00:00",
                               "error": "GET /x?employeeToken=secret-value-123 failed"})
    run = store.run(run_id)
    assert run is not None and "secret-value-123" not in json.dumps(run)


def test_a_schedule_tick_is_claimed_once(store: RunStore) -> None:
    store.start_tick("daily", T0)
    due = T0 + dt.timedelta(hours=1)
    assert store.claim_tick("daily", due, T0) is not None
    assert store.claim_tick("daily", due, T0) is None
    assert store.last_tick("daily") == due
    assert [r["status"] for r in store.queued_runs()] == ["queued"]


def test_a_delivery_is_queued_once_per_idempotency_key(store: RunStore) -> None:
    assert store.accept_delivery("key-1", 5, "customer.create", 10, T0) is True
    assert store.accept_delivery("key-1", 5, "customer.create", 10, T0) is False
    assert [e["object_id"] for e in store.pending_events()] == [10]


def test_the_json_history_and_watch_files_are_imported_once(tmp_path: Path) -> None:
    (tmp_path / "scenario-history.jsonl").write_text(
        json.dumps({"scenario": "old", "status": "ok", "started": "2026-11-01T08:00:00+00:00"}) + "\n{cut", "utf-8")
    (tmp_path / "scenario-watch.json").write_text(json.dumps({"/x/w.yaml|work": {"last_id": 12}}), "utf-8")
    first = RunStore(tmp_path / "runtime.sqlite3")
    assert [r["scenario"] for r in first.runs()] == ["old"]
    assert first.last_id("/x/w.yaml|work") == 12
    first.save_position("/x/w.yaml|work", {"last_id": 20})
    first.close()
    again = RunStore(tmp_path / "runtime.sqlite3")
    assert len(again.runs()) == 1 and again.last_id("/x/w.yaml|work") == 20


def test_runs_per_day_counts_statuses_and_mean_duration(store: RunStore) -> None:
    for status, seconds in (("ok", 2), ("ok", 4), ("failed", 1)):
        store.append_run({"scenario": "s", "status": status, "started": "2026-11-24T08:00:00+00:00",
                          "ended": f"2026-11-24T08:00:0{seconds}+00:00"})
    days = store.runs_per_day(2, dt.date(2026, 11, 25))
    assert days[0]["counts"] == {"ok": 2, "failed": 1} and round(days[0]["mean_seconds"], 3) == round(7 / 3, 3)
    assert days[1]["counts"] == {}


def test_a_store_made_before_events_had_a_connection_gets_the_column(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as old:
        old.execute("CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT, subscription INTEGER, event TEXT "
                    "NOT NULL, object_id INTEGER, received TEXT NOT NULL, done INTEGER NOT NULL DEFAULT 0)")
    store = RunStore(path)
    try:
        assert store.accept_delivery("k", 5, "customer.update", 10, T0, connection="work") is True
        assert [e["connection"] for e in store.pending_events()] == ["work"]
    finally:
        store.close()
