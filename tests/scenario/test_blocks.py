"""Routers, aggregators and data stores, and a ScenarioState of the caller's own."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tripletex_connect.sandbox import SandboxCompany
from tripletex_connect.scenario import Scenario, ScenarioError, load_scenario, run_scenario
from tripletex_connect.scenario.state import MemoryDataStore

ROUTED = """
    name: routed
    vars: {amount: 5000}
    steps:
      - id: route
        router:
          - name: big
            filter: "{{ vars.amount > 1000 }}"
            steps:
              - id: big_one
                module: customer.create
                body: {name: Big AS}
          - name: also
            filter: "{{ vars.amount > 10 }}"
            steps:
              - id: also_one
                module: customer.create
                body: {name: Also AS}
          - name: small
            fallback: true
            steps:
              - id: small_one
                module: customer.create
                body: {name: Small AS}
      - id: after
        module: customer.get
        params: {id: "{{ steps.big_one.id if steps.big_one else steps.small_one.id }}"}
    output: "{{ [steps.route.routes, steps.after.name] }}"
"""


def test_a_router_runs_every_route_whose_filter_holds_and_later_steps_see_their_results(
    tripletex_sandbox: SandboxCompany, scenario: Callable[[str], Scenario]
) -> None:
    result = run_scenario(scenario(ROUTED), tripletex_sandbox.client)
    assert result.output == [["big", "also"], "Big AS"]
    assert result.step("small_one").status == "not-run"


def test_the_fallback_route_runs_when_no_filter_holds(
    tripletex_sandbox: SandboxCompany, scenario: Callable[[str], Scenario]
) -> None:
    result = run_scenario(scenario(ROUTED), tripletex_sandbox.client, vars={"amount": 1})
    assert result.last.error is None
    assert result.output == [["small"], "Small AS"]


def test_router_mistakes_are_reported_with_lines(scenario_file: Callable[[str], Path]) -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(scenario_file("""
            name: bad router
            steps:
              - id: route
                router:
                  - name: a
                    filter: "{{ steps.nope }}"
                    steps: [{id: x, module: customer.serch}]
                  - fallback: true
                    filter: "{{ true }}"
                    steps: []
            """))
    text = str(caught.value)
    assert ":6: step 'route': {{ steps.nope }}: unknown step 'nope'" in text
    assert ":7: step 'x': unknown module 'customer.serch'" in text
    assert ":9: a fallback route runs when no other did" in text


AGGREGATED = """
    name: totals
    steps:
      - id: loop
        foreach: "{{ [100, 250.5, 49.5] }}"
        steps:
          - id: made
            module: customer.create
            body: {name: "Kunde {{ index }}", description: "{{ str(item) }}"}
      - id: total
        aggregate: {from: "{{ steps.loop.values }}", value: "{{ float(item.made.description) }}", into: sum}
      - id: names
        aggregate: {from: "{{ steps.loop.values }}", value: "{{ item.made.name }}", into: text, separator: " + "}
      - id: ids
        aggregate: {from: "{{ steps.loop.values }}", value: "{{ item.made.id }}"}
      - id: biggest
        aggregate: {from: "{{ steps.loop.values }}", value: "{{ float(item.made.description) }}", into: max}
    output: {total: "{{ steps.total }}", names: "{{ steps.names }}", ids: "{{ count(steps.ids) }}",
             biggest: "{{ steps.biggest }}"}
"""


def test_aggregators_collect_a_foreachs_results_into_a_sum_a_text_or_a_list(
    tripletex_sandbox: SandboxCompany, scenario: Callable[[str], Scenario]
) -> None:
    result = run_scenario(scenario(AGGREGATED), tripletex_sandbox.client)
    assert result.last.error is None
    assert result.output == {"total": 400.0, "names": "Kunde 0 + Kunde 1 + Kunde 2", "ids": 3, "biggest": 250.5}


def test_an_aggregate_needs_from_and_a_known_into(scenario_file: Callable[[str], Path]) -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(scenario_file("""
            name: bad
            steps:
              - id: total
                aggregate: {into: summ}
            """))
    assert "needs `from`" in str(caught.value) and "(did you mean 'sum'?)" in str(caught.value)


STORE = """
    name: remember
    steps:
      - id: seen
        module: datastore.get
        params: {key: "customer:{{ vars.id }}"}
      - id: remember
        when: "{{ steps.seen == null }}"
        module: datastore.set
        params: {key: "customer:{{ vars.id }}", value: {first_seen: "{{ today() }}"}}
      - id: all
        module: datastore.search
        params: {prefix: "customer:"}
    vars: {id: 1}
    output: {seen: "{{ steps.seen }}", count: "{{ steps.all.count }}"}
"""


def test_datastore_steps_keep_values_between_runs(
    tripletex_sandbox: SandboxCompany, scenario: Callable[[str], Scenario], data_dir: Path
) -> None:
    sc = scenario(STORE)
    first = run_scenario(sc, tripletex_sandbox.client)
    assert first.output == {"seen": None, "count": 1}
    second = run_scenario(sc, tripletex_sandbox.client)
    assert second.output["seen"]["first_seen"]
    third = run_scenario(sc, tripletex_sandbox.client, vars={"id": 2})
    assert third.output == {"seen": None, "count": 2}
    assert (data_dir / "scenario-datastore.json").exists()


def test_datastore_delete_and_a_dry_run_that_writes_nothing(
    tripletex_sandbox: SandboxCompany, scenario: Callable[[str], Scenario]
) -> None:
    run_scenario(scenario(STORE), tripletex_sandbox.client)
    dry = run_scenario(scenario(STORE), tripletex_sandbox.client, vars={"id": 3}, dry_run=True)
    assert dry.last.calls[0]["module"] == "datastore.set" and dry.last.calls[0]["sent"] is False
    gone = run_scenario(scenario("""
        name: remember
        steps:
          - id: drop
            module: datastore.delete
            params: {key: "customer:1"}
          - id: all
            module: datastore.search
        """), tripletex_sandbox.client)
    assert gone.step("drop").output == {"key": "customer:1", "deleted": True}
    assert gone.output == []


def test_datastore_params_are_validated(scenario_file: Callable[[str], Path]) -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(scenario_file("""
            name: bad
            steps:
              - id: put
                module: datastore.set
                params: {kye: x}
              - id: find
                module: datastore.serch
            """))
    text = str(caught.value)
    assert "datastore.set has no parameter 'kye' (did you mean 'key'?)" in text
    assert "datastore.set needs parameter 'key'" in text and "needs parameter 'value'" in text
    assert "unknown module 'datastore.serch' (did you mean 'datastore.search'?)" in text


class MemoryState:
    """A ScenarioState in memory, as a service would pass its own store."""

    def __init__(self) -> None:
        self.positions: dict[str, dict[str, Any]] = {}
        self.runs: list[dict[str, Any]] = []
        self.stores: dict[str, dict[str, Any]] = {}

    def load_position(self, key: str) -> dict[str, Any] | None:
        return self.positions.get(key)

    def save_position(self, key: str, position: dict[str, Any]) -> None:
        self.positions[key] = position

    def append_run(self, record: dict[str, Any]) -> None:
        self.runs.append(record)

    def datastore(self, namespace: str) -> Any:
        return MemoryDataStore(self.stores.setdefault(namespace, {}))


def test_a_caller_passes_its_own_state_and_no_file_is_written(
    tripletex_sandbox: SandboxCompany, scenario: Callable[[str], Scenario], data_dir: Path
) -> None:
    state = MemoryState()
    run_scenario(scenario(STORE), tripletex_sandbox.client, state=state)
    assert [r["scenario"] for r in state.runs] == ["remember"]
    [namespace] = state.stores
    assert namespace.startswith("remember|http://127.0.0.1") and "company=" in namespace
    assert tripletex_sandbox.consumer_token not in namespace
    assert tripletex_sandbox.employee_token not in str(state.runs)
    assert not data_dir.exists() or not any(data_dir.iterdir())
