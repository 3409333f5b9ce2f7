"""The same fan-out tests through both engines (in-process and Temporal on a real dev server), then what only
the Temporal engine promises: deterministic ids, runs recorded by its workers, no tokens sent."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

import pytest

from tripletex_connect.core.errors import ConfigurationError
from tripletex_connect.runtime.fanout import FanoutSummary, InProcessExecutor
from tripletex_connect.runtime.store import RunStore
from tripletex_connect.runtime.temporal import TemporalExecutor
from tripletex_connect.sandbox import SandboxCompany
from tripletex_connect.scenario import Scenario, load_scenario
from tripletex_connect.scenario.companies import CompanyRef

from .conftest import Accountant, WorkerThread

WELCOME = """
name: welcome
vars: {name: Welcome AS}
steps:
  - id: customer
    module: customer.create
    body: {name: "{{ vars.name }}"}
    check: {module: customer.search, params: {customer_name: "{{ vars.name }}"}}
  - id: email
    module: customer.create
    body: {name: "Second AS", email: "not an address"}
    on_error: ignore
  - id: count
    module: customer.search
    params: {fields: "id,name"}
output: "{{ steps.count.count }}"
"""


class Engine(Protocol):
    def __call__(self, scenario: Scenario, companies: Sequence[CompanyRef], **options: Any) -> FanoutSummary: ...


@pytest.fixture
def scenario(tmp_path: Path) -> Scenario:
    path = tmp_path / "welcome.yaml"
    path.write_text(WELCOME, encoding="utf-8")
    return load_scenario(path)


@pytest.fixture(params=["in-process", "temporal"])
def engine(request: pytest.FixtureRequest, accountant: Accountant) -> Engine:
    """Run a fan-out for the accountant's companies through one engine or the other."""
    client = accountant.client()
    request.addfinalizer(client.close)
    if request.param == "in-process":
        return lambda scenario, companies, **options: InProcessExecutor().run_fanout(
            scenario, client, companies, **options)
    start_worker = request.getfixturevalue("start_worker")
    start_worker(accountant.connect)
    executor = TemporalExecutor(request.getfixturevalue("temporal_server"), request.getfixturevalue("task_queue"),
                                connection=accountant.name)
    return lambda scenario, companies, **options: executor.run_fanout(scenario, client, companies, **options)


def customers(accountant: Accountant, company: CompanyRef) -> list[str]:
    with accountant.connect(accountant.name, company.id) as client:
        return sorted(c.name for c in client.customers.search())


def test_each_company_runs_the_scenario_once_with_its_own_outcome(
    engine: Engine, accountant: Accountant, scenario: Scenario,
) -> None:
    summary = engine(scenario, accountant.refs, concurrency=2)
    assert [o.company for o in summary.outcomes] == accountant.refs
    assert [o.status for o in summary.outcomes] == ["ok"] * 3
    assert [o.output for o in summary.outcomes] == [1, 1, 1]
    for company in accountant.refs:
        assert customers(accountant, company) == ["Welcome AS"]  # the handled error wrote nothing


def test_a_failing_company_does_not_stop_the_others(engine: Engine, accountant: Accountant, scenario: Scenario) -> None:
    refs = list(accountant.refs)
    refs[1] = CompanyRef(refs[1].id + 100000, "Not a client AS")  # the login has no access: 403 on every call
    summary = engine(scenario, refs)
    assert [o.status for o in summary.outcomes] == ["ok", "failed", "ok"]
    assert summary.outcomes[1].error and not summary.ok


def test_temporal_company_runs_have_deterministic_ids_and_are_recorded_by_the_worker(
    temporal_server: str, task_queue: str, start_worker: Callable[..., WorkerThread], accountant: Accountant,
    scenario: Scenario, store: RunStore,
) -> None:
    start_worker(accountant.connect, store)
    summary = TemporalExecutor(temporal_server, task_queue, connection="acct").run_fanout(
        scenario, None, accountant.refs, run_key="2026-12-01")
    assert [o.summary.endswith(f"workflow ttx/welcome/2026-12-01/acct-{c.id}") for c, o in
            zip(accountant.refs, summary.outcomes, strict=True)] == [True] * 3
    runs = store.runs("welcome")
    assert len(runs) == 3 and {r["status"] for r in runs} == {"warning"}
    assert sorted(int(o.run_id or 0) for o in summary.outcomes) == sorted(r["id"] for r in runs)


def test_a_temporal_fanout_repeated_with_its_run_key_starts_no_company_twice(
    temporal_server: str, task_queue: str, start_worker: Callable[..., WorkerThread], accountant: Accountant,
    scenario: Scenario,
) -> None:
    start_worker(accountant.connect)
    executor = TemporalExecutor(temporal_server, task_queue, connection="acct")
    executor.run_fanout(scenario, None, accountant.refs, run_key="nightly-1")
    again = executor.run_fanout(scenario, None, accountant.refs, run_key="nightly-1", vars={"name": "Again AS"})
    assert [o.summary.startswith("already run for this run key") for o in again.outcomes] == [True] * 3
    for company in accountant.refs:
        assert customers(accountant, company) == ["Welcome AS"]


def test_the_temporal_executor_refuses_a_client_without_a_profile_before_submitting(
    temporal_server: str, scenario: Scenario, tripletex_sandbox: SandboxCompany,
) -> None:
    with pytest.raises(ConfigurationError, match="profile"):
        asyncio.run(TemporalExecutor(temporal_server).submit_fanout(scenario, [1], client=tripletex_sandbox.client))
