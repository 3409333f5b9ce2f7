"""TemporalExecutor on a real Temporal dev server: a fan-out runs each company once, under deterministic ids."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tripletex_connect.runtime.store import RunStore
from tripletex_connect.runtime.temporal import TemporalExecutor
from tripletex_connect.sandbox import Sandbox
from tripletex_connect.scenario import load_scenario

from .conftest import Companies, WorkerThread

WELCOME = """
name: welcome
vars: {name: Welcome AS}
steps:
  - id: customer
    module: customer.create
    body: {name: "{{ vars.name }}"}
    check: {module: customer.search, params: {customer_name: "{{ vars.name }}"}}
  - id: count
    module: customer.search
    params: {fields: "id,name"}
output: "{{ steps.count.count }}"
"""


@pytest.fixture
def companies(tripletex_sandbox_server: Sandbox) -> Iterator[Companies]:
    made = [tripletex_sandbox_server.new_company() for _ in range(3)]
    yield Companies(made)
    for company in made:
        company.close()


@pytest.fixture
def scenario_file(tmp_path: Path) -> Path:
    path = tmp_path / "welcome.yaml"
    path.write_text(WELCOME, encoding="utf-8")
    return path


def names(companies: Companies, connection: str) -> list[str]:
    with companies.connect(connection, companies.by_name[connection].company_id) as client:
        return sorted(c.name for c in client.customers.search())


def test_a_fanout_runs_the_scenario_once_per_company_and_records_each_run(
    temporal_server: str, task_queue: str, start_worker: Callable[..., WorkerThread], companies: Companies,
    scenario_file: Path, store: RunStore,
) -> None:
    start_worker(companies.connect, store)
    executor = TemporalExecutor(temporal_server, task_queue)
    summary = executor.run_fanout(load_scenario(scenario_file), None, companies.targets(), concurrency=2,
                                  run_key="2026-12-01")
    assert [o.status for o in summary.outcomes] == ["ok", "ok", "ok"]
    assert [o.output for o in summary.outcomes] == [1, 1, 1]
    assert [o.workflow_id for o in summary.outcomes] == [
        f"ttx/welcome/2026-12-01/c{i}-{companies.by_name[f'c{i}'].company_id}" for i in range(3)]
    for name in companies.by_name:
        assert names(companies, name) == ["Welcome AS"]
    runs = store.runs("welcome")
    assert len(runs) == 3 and {r["status"] for r in runs} == {"ok"}


def test_a_fanout_repeated_with_its_run_key_starts_no_company_twice(
    temporal_server: str, task_queue: str, start_worker: Callable[..., WorkerThread], companies: Companies,
    scenario_file: Path,
) -> None:
    start_worker(companies.connect)
    executor = TemporalExecutor(temporal_server, task_queue)
    scenario = load_scenario(scenario_file)
    executor.run_fanout(scenario, None, companies.targets(), run_key="nightly-1")
    again = executor.run_fanout(scenario, None, companies.targets(), run_key="nightly-1",
                                vars={"name": "Second AS"})
    assert [o.status for o in again.outcomes] == ["skipped"] * 3
    for name in companies.by_name:
        assert names(companies, name) == ["Welcome AS"]


def test_a_failing_company_does_not_stop_the_others(
    temporal_server: str, task_queue: str, start_worker: Callable[..., WorkerThread], companies: Companies,
    scenario_file: Path,
) -> None:
    start_worker(companies.connect)
    targets = companies.targets()
    targets[1] = (targets[1][0], targets[1][1] + 100000)  # no such company: its client refuses it
    summary = TemporalExecutor(temporal_server, task_queue).run_fanout(
        load_scenario(scenario_file), None, targets, run_key="with-a-bad-one")
    assert [o.status for o in summary.outcomes][::2] == ["ok", "ok"]
    assert summary.outcomes[1].status == "failed" and not summary.ok


def test_the_executor_refuses_a_client_without_a_profile_before_submitting(
    temporal_server: str, scenario_file: Path, tripletex_sandbox: object,
) -> None:
    from tripletex_connect.core.errors import ConfigurationError

    client = tripletex_sandbox.client  # type: ignore[attr-defined]
    with pytest.raises(ConfigurationError, match="profile"):
        asyncio.run(TemporalExecutor(temporal_server).submit_fanout(load_scenario(scenario_file), [1], client=client))
