"""FileState: the JSON-file ScenarioState (positions, history, data stores) and the Protocols it meets."""

from __future__ import annotations

from pathlib import Path

from tripletex_connect.scenario.state import DataStore, FileState, ScenarioState


def test_file_state_meets_the_scenario_state_protocol(tmp_path: Path) -> None:
    state = FileState(tmp_path)
    assert isinstance(state, ScenarioState)
    assert isinstance(state.datastore("x"), DataStore)


def test_positions_are_kept_by_key(tmp_path: Path) -> None:
    state = FileState(tmp_path)
    assert state.load_position("a") is None
    state.save_position("a", {"last_id": 7})
    state.save_position("b", {"last_id": 9})
    assert FileState(tmp_path).load_position("a") == {"last_id": 7}
    assert FileState(tmp_path).load_position("b") == {"last_id": 9}


def test_history_records_are_appended_with_secrets_masked(tmp_path: Path) -> None:
    state = FileState(tmp_path, secrets=["supersecret"])
    state.append_run({"scenario": "s", "error": "token supersecret leaked"})
    state.append_run({"scenario": "t"})
    runs = state.history.read()
    assert [r["scenario"] for r in runs] == ["s", "t"]
    assert "supersecret" not in (tmp_path / "scenario-history.jsonl").read_text()


def test_data_stores_are_separate_per_namespace_and_searchable_by_prefix(tmp_path: Path) -> None:
    one, two = FileState(tmp_path).datastore("one"), FileState(tmp_path).datastore("two")
    one.set("customer:1", {"n": 1})
    one.set("customer:2", 2)
    one.set("order:1", "x")
    two.set("customer:1", "other")
    assert one.get("customer:1") == {"n": 1}
    assert one.search("customer:") == [("customer:1", {"n": 1}), ("customer:2", 2)]
    assert one.delete("customer:1") is True
    assert one.delete("customer:1") is False
    assert one.get("customer:1") is None
    assert two.get("customer:1") == "other"
