"""Workflow histories: they carry references, never a token; and recorded histories replay deterministically
with today's workflow code (`TTX_RECORD_HISTORIES=1 pytest tests/runtime/temporal/test_history.py` records them
again after a deliberate, versioned change of a workflow)."""

from __future__ import annotations

import asyncio
import base64
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from temporalio.client import Client, WorkflowHistory
from temporalio.worker import Replayer

from tripletex_connect.runtime.temporal import WORKFLOWS, TemporalExecutor, workflow_runner
from tripletex_connect.sandbox import Sandbox
from tripletex_connect.scenario import load_scenario

from .conftest import Accountant, WorkerThread

HISTORIES = Path(__file__).parent / "histories"
RECORD = os.environ.get("TTX_RECORD_HISTORIES") == "1"
SCENARIO = """
name: history
vars: {names: ["A AS", "B AS"]}
steps:
  - id: create
    foreach: "{{ vars.names }}"
    module: customer.create
    body: {name: "{{ item }}", email: "{{ 'bad' if item == 'B AS' else 'post@a.no' }}"}
    on_error: {retry: {times: 1, backoff: 1s, then: ignore}}
  - id: count
    module: customer.search
    params: {fields: "id,name"}
output: "{{ steps.count.count }}"
"""


async def histories(target: str, workflow_ids: list[str]) -> dict[str, str]:
    client = await Client.connect(target)
    return {wid: (await client.get_workflow_handle(wid).fetch_history()).to_json() for wid in workflow_ids}


def replay(workflow_id: str, text: str) -> None:
    """Replay under both runners: as a worker runs workflows, and inside Temporal's sandbox (the stricter check)."""
    history = WorkflowHistory.from_json(workflow_id, text)
    for sandboxed in (False, True):
        replayer = Replayer(workflows=WORKFLOWS, workflow_runner=workflow_runner(sandboxed))
        asyncio.run(replayer.replay_workflow(history))


def replay_file(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    replay(data["workflow_id"], data["history"])


def test_histories_carry_no_token_and_replay_with_the_current_workflows(
    temporal_server: str, task_queue: str, start_worker: Callable[..., WorkerThread],
    tripletex_sandbox_server: Sandbox, tmp_path: Path,
) -> None:
    accountant = Accountant(tripletex_sandbox_server, 2)
    start_worker(accountant.connect)
    path = tmp_path / "history.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    TemporalExecutor(temporal_server, task_queue, connection="acct").run_fanout(
        load_scenario(path), None, accountant.refs, run_key="history")
    ids = ["ttx/history/history", *(f"ttx/history/history/acct-{c.id}" for c in accountant.refs)]
    recorded = asyncio.run(histories(temporal_server, ids))
    tokens = {accountant.company.consumer_token, accountant.company.employee_token}
    for text in recorded.values():
        assert not [t for t in tokens if t in text]
    for workflow_id, text in recorded.items():
        replay(workflow_id, text)
    if RECORD:
        for kind, workflow_id in (("fanout", ids[0]), ("company", ids[1])):
            data = json.loads(recorded[workflow_id])
            (HISTORIES / f"{kind}.json").write_text(json.dumps({"workflow_id": workflow_id, "history": data},
                                                               indent=1) + "\n", encoding="utf-8")


@pytest.mark.parametrize("name", ["fanout", "company"])
def test_a_recorded_history_replays_deterministically(name: str) -> None:
    path = HISTORIES / f"{name}.json"
    if not path.exists():
        pytest.fail(f"{path} is missing: record it with TTX_RECORD_HISTORIES=1")
    replay_file(path)


@pytest.mark.parametrize("name", ["fanout", "company"])
def test_a_history_from_before_local_calls_still_replays_on_its_own_path(name: str) -> None:
    """Runs started when every call was an activity (no `local-calls` patch marker) go on after an upgrade."""
    path = HISTORIES / f"{name}-before-local-calls.json"
    assert "local-calls" not in path.read_text(encoding="utf-8")
    replay_file(path)


def test_a_recorded_company_run_sends_its_reads_as_local_activities_and_its_writes_as_activities() -> None:
    events = json.loads((HISTORIES / "company.json").read_text(encoding="utf-8"))["history"]["events"]
    markers = [e["markerRecordedEventAttributes"]["markerName"] for e in events
               if e["eventType"] == "EVENT_TYPE_MARKER_RECORDED"]
    calls = [json.loads(base64.b64decode(e["activityTaskScheduledEventAttributes"]["input"]["payloads"][0]["data"]))
             ["call"] for e in events if e["eventType"] == "EVENT_TYPE_ACTIVITY_TASK_SCHEDULED"]
    assert [c["write"] for c in calls] == [True] * 4  # the batch create, A, B and B's retry
    assert markers.count("core_local_activity") == 2  # the search and the run's record
