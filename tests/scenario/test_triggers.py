"""Triggers: watch runs once per new object across runs; schedule loops on an injected clock; intervals."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from tripletex_connect import Tripletex
from tripletex_connect.sandbox import SandboxCompany
from tripletex_connect.scenario import Scenario, run_scenario
from tripletex_connect.scenario.triggers import parse_duration, run_loop

WATCH = """
    name: welcome
    trigger:
      type: watch
      module: customer.search
      from: {start}
    steps:
      - id: tag
        module: customer.update
        params: {{id: "{{{{ trigger.id }}}}"}}
        body: {{description: "welcomed {{{{ trigger.name }}}}"}}
    output: "{{{{ trigger.name }}}}"
"""


def names(company: SandboxCompany, *new: str) -> None:
    for name in new:
        company.client.customers.create({"name": name})


def test_watch_runs_once_per_new_object_across_runs(
    tripletex_sandbox: SandboxCompany, scenario: Callable[[str], Scenario]
) -> None:
    names(tripletex_sandbox, "Old AS")
    sc = scenario(WATCH.format(start="now"))
    first = run_scenario(sc, tripletex_sandbox.client)
    assert first.runs == [] and "watching from now on" in (first.note or "")
    names(tripletex_sandbox, "New 1", "New 2")
    second = run_scenario(sc, tripletex_sandbox.client)
    assert second.output == ["New 1", "New 2"]
    assert [run.trigger_item["name"] for run in second.runs] == ["New 1", "New 2"]
    names(tripletex_sandbox, "New 3")
    third = run_scenario(sc, tripletex_sandbox.client)
    assert third.output == ["New 3"]
    assert run_scenario(sc, tripletex_sandbox.client).runs == []
    described = {c.name: c.description for c in tripletex_sandbox.client.customers.search(fields="name,description")}
    assert described == {"Old AS": None, "New 1": "welcomed New 1", "New 2": "welcomed New 2",
                         "New 3": "welcomed New 3"}


def test_watch_from_all_takes_existing_objects_on_the_first_run(
    tripletex_sandbox: SandboxCompany, scenario: Callable[[str], Scenario]
) -> None:
    names(tripletex_sandbox, "A AS", "B AS")
    sc = scenario(WATCH.format(start="all"))
    assert run_scenario(sc, tripletex_sandbox.client).output == ["A AS", "B AS"]
    assert run_scenario(sc, tripletex_sandbox.client).output == []


def test_a_failed_item_is_retried_on_the_next_run(
    tripletex_sandbox: SandboxCompany, scenario: Callable[[str], Scenario]
) -> None:
    sc = scenario("""
        name: strict
        trigger: {type: watch, module: customer.search, from: all}
        steps:
          - id: check
            module: customer.get
            params: {id: "{{ trigger.id if trigger.name != 'Bad AS' else 999999 }}"}
        output: "{{ steps.check.name }}"
        """)
    names(tripletex_sandbox, "Good AS", "Bad AS", "Later AS")
    result = run_scenario(sc, tripletex_sandbox.client)
    assert [run.status for run in result.runs] == ["ok", "failed"]
    assert "404" in (result.runs[1].error or "")
    again = run_scenario(sc, tripletex_sandbox.client)
    assert [run.trigger_item["name"] for run in again.runs] == ["Bad AS"]


def test_a_dry_run_does_not_move_the_watch_position(
    tripletex_sandbox: SandboxCompany, scenario: Callable[[str], Scenario]
) -> None:
    sc = scenario(WATCH.format(start="all"))
    names(tripletex_sandbox, "A AS")
    assert len(run_scenario(sc, tripletex_sandbox.client, dry_run=True).runs) == 1
    assert run_scenario(sc, tripletex_sandbox.client).output == ["A AS"]


def test_watch_positions_are_kept_per_scenario_file(
    tripletex_sandbox: SandboxCompany, scenario: Callable[[str], Scenario], data_dir: Path
) -> None:
    one, two = scenario(WATCH.format(start="all")), scenario(WATCH.format(start="all"))
    names(tripletex_sandbox, "A AS")
    assert run_scenario(one, tripletex_sandbox.client).output == ["A AS"]
    assert run_scenario(two, tripletex_sandbox.client).output == ["A AS"]
    assert len(list((data_dir / "scenario-watch.json").read_text().split("last_id"))) == 3


class FakeClock:
    """A clock that moves only when the scheduler sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_the_schedule_loop_runs_every_interval_until_max_runs() -> None:
    clock = FakeClock()
    started: list[float] = []

    def once() -> None:
        started.append(clock.now)
        clock.now += 2  # each run takes two seconds

    assert run_loop(once, 60, max_runs=3, clock=clock, sleep=clock.sleep) == 3
    assert started == [1000, 1060, 1120]
    assert clock.sleeps == [58, 58]


def test_a_slow_run_skips_missed_ticks_instead_of_bunching() -> None:
    clock = FakeClock()
    started: list[float] = []

    def once() -> None:
        started.append(clock.now)
        clock.now += 130 if len(started) == 1 else 1

    run_loop(once, 60, max_runs=2, clock=clock, sleep=clock.sleep)
    assert started == [1000, 1180]


def test_ctrl_c_stops_the_loop_cleanly() -> None:
    clock = FakeClock()
    runs: list[int] = []

    def interrupted(seconds: float) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_loop(lambda: runs.append(1), 60, clock=clock, sleep=interrupted)
    assert runs == [1]


def test_a_scheduled_scenario_runs_once_per_tick(
    tripletex_sandbox: SandboxCompany, scenario: Callable[[str], Scenario]
) -> None:
    sc = scenario("""
        name: tick
        trigger: {type: schedule, every: 15m}
        steps:
          - id: make
            module: customer.create
            body: {name: Tick}
        """)
    clock = FakeClock()
    assert sc.trigger.every == 900
    run_loop(lambda: run_scenario(sc, tripletex_sandbox.client), sc.trigger.every, max_runs=3, clock=clock,
             sleep=clock.sleep)
    assert len(tripletex_sandbox.client.customers.search().to_list()) == 3
    assert clock.sleeps == [900, 900]


@pytest.mark.parametrize(("text", "seconds"), [("15m", 900), ("every 1h", 3600), ("30s", 30), ("2d", 172800),
                                               (45, 45), ("1.5h", 5400)])
def test_intervals(text: object, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["0s", "soon", "", True, "15 parsecs"])
def test_bad_intervals(text: object) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


def test_watch_positions_are_kept_per_company_of_one_connection(
    tripletex_sandbox: SandboxCompany, scenario: Callable[[str], Scenario], data_dir: Path
) -> None:
    assert tripletex_sandbox.client_company_id is not None
    # one profile, two companies: the profile's name alone must not be the key
    main = Tripletex(settings=replace(tripletex_sandbox.client.settings, profile="work"))
    client = main.with_company(tripletex_sandbox.client_company_id)
    sc = scenario(WATCH.format(start="now"))
    names(tripletex_sandbox, "Main 1")
    client.customers.create({"name": "Client 1"})
    assert "watching from now on" in (run_scenario(sc, main).note or "")
    assert "watching from now on" in (run_scenario(sc, client).note or "")  # its own position, not main's
    client.customers.create({"name": "Client 2"})
    assert run_scenario(sc, client).output == ["Client 2"]
    assert run_scenario(sc, main).runs == []
    state = (data_dir / "scenario-watch.json").read_text()
    assert "company=0" in state and f"company={tripletex_sandbox.client_company_id}" in state
    assert tripletex_sandbox.employee_token not in state and tripletex_sandbox.consumer_token not in state


def test_a_position_kept_before_per_company_keys_is_still_found_for_the_own_company(
    tripletex_sandbox: SandboxCompany, scenario: Callable[[str], Scenario], data_dir: Path
) -> None:
    from tripletex_connect.scenario.state import FileState
    from tripletex_connect.scenario.triggers import watch_key

    assert tripletex_sandbox.client_company_id is not None
    main = Tripletex(settings=replace(tripletex_sandbox.client.settings, profile="work"))
    sc = scenario(WATCH.format(start="now"))
    names(tripletex_sandbox, "Seen AS")
    seen = max(c.id for c in main.customers.search())
    FileState(data_dir).save_position(watch_key(sc.source, "work"), {"last_id": seen})  # the old key
    names(tripletex_sandbox, "New AS")
    assert run_scenario(sc, main).output == ["New AS"]
    client = main.with_company(tripletex_sandbox.client_company_id)
    assert "watching from now on" in (run_scenario(sc, client).note or "")  # not the profile's old position


def test_a_trigger_param_over_the_limits_is_a_scenario_error_with_its_line(
    tripletex_sandbox: SandboxCompany, scenario: Callable[[str], Scenario]
) -> None:
    from tripletex_connect.scenario import ScenarioError

    sc = scenario("""
        name: greedy watch
        trigger:
          type: watch
          module: customer.search
          params: {customer_name: "{{ replace('x' * 10000, '', 'y' * 20000) }}"}
        steps:
          - id: a
            module: customer.search
        """)
    with pytest.raises(ScenarioError, match=r":5: trigger params: .*limit of a value"):
        run_scenario(sc, tripletex_sandbox.client)
