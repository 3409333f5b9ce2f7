"""Schedules as Temporal Schedules and webhook events as signals to a company's watch workflow."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

from temporalio.client import Client

from tripletex_connect.runtime.store import RunStore
from tripletex_connect.runtime.temporal import scenario_ref
from tripletex_connect.runtime.temporal_jobs import Target
from tripletex_connect.runtime.temporal_schedules import (
    schedule_id,
    schedule_of_scenario,
    signal_event,
    sync_schedules,
)
from tripletex_connect.scenario import Scenario, load_scenario

from .conftest import Accountant, WorkerThread

NIGHTLY = """
name: nightly
timezone: Europe/Oslo
trigger: {type: schedule, at: "02:30", days: [mon, tue, wed, thu, fri], catch_up: none}
steps:
  - id: customer
    module: customer.create
    body: {name: "Nightly AS"}
"""
ON_EVENT = """
name: on event
trigger: {type: webhook, event: customer.create}
steps:
  - id: note
    module: customer.create
    body: {name: "Seen {{ trigger.name }}"}
"""


def load(tmp_path: Path, name: str, text: str) -> Scenario:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_scenario(path)


def wait_for_runs(store: RunStore, scenario: str, count: int, seconds: float = 60) -> list[dict[str, object]]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        runs = store.runs(scenario)
        if len(runs) >= count:
            return runs
        time.sleep(0.1)
    raise AssertionError(f"{scenario}: fewer than {count} run(s) recorded in {seconds}s")


def test_a_schedule_becomes_a_temporal_schedule_whose_tick_runs_each_company_and_goes_with_its_file(
    temporal_server: str, task_queue: str, start_worker: Callable[..., WorkerThread], accountant: Accountant,
    store: RunStore, tmp_path: Path,
) -> None:
    start_worker(accountant.connect, store)
    scenario = load(tmp_path, "nightly.yaml", NIGHTLY)
    targets = [Target("acct", r.id) for r in accountant.refs]

    async def scenario_steps() -> tuple[list[str], list[dt.datetime], list[str]]:
        temporal = await Client.connect(temporal_server)
        kept = await sync_schedules(temporal, {schedule_id("nightly"): schedule_of_scenario(
            scenario, scenario_ref(scenario), targets, task_queue)})
        handle = temporal.get_schedule_handle(schedule_id("nightly"))
        described = await handle.describe()
        await handle.trigger()
        wait = asyncio.get_running_loop().run_in_executor(None, wait_for_runs, store, "nightly", 3)
        await wait
        gone = await sync_schedules(temporal, {})
        return kept, list(described.info.next_action_times), gone

    kept, upcoming, gone = asyncio.run(scenario_steps())
    assert kept == ["ttx-schedule/nightly"] and gone == []
    oslo = [moment.astimezone(ZoneInfo("Europe/Oslo")) for moment in upcoming]
    assert oslo and all((m.hour, m.minute) == (2, 30) and m.weekday() < 5 for m in oslo)
    for ref in accountant.refs:
        with accountant.connect("acct", ref.id) as client:
            assert [c.name for c in client.customers.search()] == ["Nightly AS"]


def test_a_webhook_event_signalled_twice_runs_the_scenario_once_per_idempotency_key(
    temporal_server: str, task_queue: str, start_worker: Callable[..., WorkerThread], accountant: Accountant,
    store: RunStore, tmp_path: Path,
) -> None:
    start_worker(accountant.connect, store)
    scenario = load(tmp_path, "event.yaml", ON_EVENT)
    target = Target("acct", accountant.refs[0].id)
    ref = scenario_ref(scenario)

    async def deliver() -> None:
        temporal = await Client.connect(temporal_server)
        for key, name in (("k1", "Acme AS"), ("k1", "Acme AS"), ("k2", "Bravo AS")):
            await signal_event(temporal, task_queue, ref, target, key=key, item={"id": 1, "name": name})

    asyncio.run(deliver())
    wait_for_runs(store, "on event", 2)
    with accountant.connect("acct", target.company_id) as client:
        assert sorted(c.name for c in client.customers.search()) == ["Seen Acme AS", "Seen Bravo AS"]
