"""Fan-out over an accountant's client companies: selectors, resolving them, and the in-process executor."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest

from tripletex_connect.client import Tripletex
from tripletex_connect.runtime.executor import Executor
from tripletex_connect.runtime.fanout import CompanyOutcome, FanoutSummary, InProcessExecutor
from tripletex_connect.scenario import FileState, Scenario, load_scenario
from tripletex_connect.scenario.companies import (
    CompanyRef,
    CompanySelectionError,
    CompanySelector,
    resolve_companies,
)
from tripletex_connect.testing import FixtureCompany

NOW = dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.UTC)

CREATE_CUSTOMER = """
name: Onboard
vars: {customer: Fanout Kunde AS}
steps:
  - id: customer
    module: customer.create
    body: {name: "{{ vars.customer }}"}
"""


@pytest.fixture
def accountant(tripletex_sandbox: FixtureCompany, client_companies: list[int]) -> tuple[Tripletex, list[int]]:
    """The login of an accountant company with three client companies, and the clients' ids."""
    return tripletex_sandbox.client, client_companies


def scenario_of(tmp_path: Path, text: str) -> Scenario:
    path = tmp_path / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    return load_scenario(path)


def customers(client: Tripletex, company_id: int, name: str) -> int:
    with client.with_company(company_id) as tx:
        return sum(1 for _ in tx.customers.search(customer_name=name))


@pytest.mark.parametrize(("data", "expected"), [
    ("all", CompanySelector("all")),
    ([1001, 1002, 1001], CompanySelector("ids", (1001, 1002))),
    ({"name": "Acme*"}, CompanySelector("name", name="Acme*")),
])
def test_a_selector_is_read_from_scenario_data(data: Any, expected: CompanySelector) -> None:
    assert CompanySelector.parse(data) == expected
    assert CompanySelector.parse(expected.to_data()) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("all", CompanySelector("all")),
    ("1001, 1002", CompanySelector("ids", (1001, 1002))),
    ("name=Acme*", CompanySelector("name", name="Acme*")),
])
def test_a_selector_is_read_from_the_command_line(text: str, expected: CompanySelector) -> None:
    assert CompanySelector.from_cli(text) == expected


@pytest.mark.parametrize("data", ["some", [], ["x"], [0], {"id": 3}, {"name": ""}, True])
def test_a_malformed_selector_is_a_clear_error(data: Any) -> None:
    with pytest.raises(CompanySelectionError, match="compan"):
        CompanySelector.parse(data)


@pytest.mark.parametrize("text", ["", "1,a", "name=", "everyone"])
def test_a_malformed_command_line_selector_names_the_syntax(text: str) -> None:
    with pytest.raises(CompanySelectionError, match="--companies"):
        CompanySelector.from_cli(text)


def test_all_resolves_to_every_client_company_of_the_login(accountant: tuple[Tripletex, list[int]]) -> None:
    client, ids = accountant
    found = resolve_companies(client, CompanySelector("all"))
    assert [c.id for c in found] == sorted(ids)
    assert {c.name for c in found} >= {"Acme Bakeri AS", "Acme Bygg AS"}


def test_a_name_pattern_picks_the_matching_companies_in_any_case(accountant: tuple[Tripletex, list[int]]) -> None:
    client, _ = accountant
    found = resolve_companies(client, CompanySelector.from_cli("name=acme b*"))
    assert [c.name for c in found] == ["Acme Bakeri AS", "Acme Bygg AS"]


def test_ids_the_login_cannot_act_for_are_refused_by_id(accountant: tuple[Tripletex, list[int]]) -> None:
    client, ids = accountant
    with pytest.raises(CompanySelectionError, match=r"cannot act for company 999999; it can act for .*Acme"):
        resolve_companies(client, CompanySelector("ids", (ids[0], 999999)))


def test_resolving_costs_one_request(accountant: tuple[Tripletex, list[int]],
                                     tripletex_sandbox: FixtureCompany) -> None:
    _, ids = accountant
    seen: list[str] = []
    hooks = {"request": [lambda request: seen.append(f"{request.method} {request.url.path}")]}
    with Tripletex(tripletex_sandbox.consumer_token, tripletex_sandbox.employee_token,
                   base_url=tripletex_sandbox.base_url, http_client=httpx.Client(event_hooks=hooks)) as client:
        client.whoami()
        seen.clear()
        resolve_companies(client, CompanySelector("ids", tuple(ids)))
    assert seen == ["GET /v2/company/%3EwithLoginAccess"] or seen == ["GET /v2/company/>withLoginAccess"]


def test_the_in_process_executor_runs_the_scenario_once_per_company(
        accountant: tuple[Tripletex, list[int]], tmp_path: Path) -> None:
    client, ids = accountant
    companies = resolve_companies(client, CompanySelector("all"))
    executor: Executor = InProcessExecutor()
    summary = executor.run_fanout(scenario_of(tmp_path, CREATE_CUSTOMER), client, companies, concurrency=2,
                                  data_dir=tmp_path / "data")
    assert [o.company.id for o in summary.outcomes] == sorted(ids)
    assert [o.status for o in summary.outcomes] == ["ok", "ok", "ok"]
    assert summary.totals == {"companies": 3, "ok": 3, "failed": 0, "incomplete": 0}
    assert all(o.counts["writes"] == 1 for o in summary.outcomes)
    assert [customers(client, i, "Fanout Kunde AS") for i in ids] == [1, 1, 1]
    assert customers(client, 0, "Fanout Kunde AS") == 0  # the accountant's own books are untouched


def test_each_company_run_has_its_own_history_entry_with_its_company_id(
        accountant: tuple[Tripletex, list[int]], tmp_path: Path) -> None:
    client, ids = accountant
    companies = [CompanyRef(i, "") for i in ids]
    InProcessExecutor().run_fanout(scenario_of(tmp_path, CREATE_CUSTOMER), client, companies,
                                   data_dir=tmp_path / "data")
    history = FileState(tmp_path / "data").history.read("Onboard")
    assert sorted(r["company"] for r in history) == sorted(ids)
    assert all(r["status"] == "ok" for r in history)


def test_one_company_failing_never_stops_the_others(accountant: tuple[Tripletex, list[int]], tmp_path: Path) -> None:
    client, ids = accountant
    companies = [CompanyRef(ids[0], "a"), CompanyRef(999999, "lost access"), CompanyRef(ids[1], "b")]
    summary = InProcessExecutor().run_fanout(scenario_of(tmp_path, CREATE_CUSTOMER), client, companies,
                                             concurrency=1, data_dir=tmp_path / "data")
    assert [o.status for o in summary.outcomes] == ["ok", "failed", "ok"]
    assert "9000" in (summary.outcomes[1].error or "")
    assert not summary.ok
    assert summary.to_dict()["totals"] == {"companies": 3, "ok": 2, "failed": 1, "incomplete": 0}
    assert [customers(client, i, "Fanout Kunde AS") for i in ids[:2]] == [1, 1]


def test_an_exception_of_the_company_run_becomes_its_outcome(tmp_path: Path) -> None:
    def explode(scenario: Scenario, client: Any, company: CompanyRef, options: dict[str, Any]) -> CompanyOutcome:
        if company.id == 2:
            raise RuntimeError("boom")
        return CompanyOutcome(company, "ok")

    summary = InProcessExecutor(explode).run_fanout(
        scenario_of(tmp_path, CREATE_CUSTOMER), _FakeClient(), [CompanyRef(i, "") for i in (1, 2, 3)],
        data_dir=tmp_path)
    assert [(o.company.id, o.status, o.error) for o in summary.outcomes] == [
        (1, "ok", None), (2, "failed", "boom"), (3, "ok", None)]


def test_concurrency_is_bounded_and_companies_start_in_the_order_given(tmp_path: Path) -> None:
    started: list[int] = []
    running = [0, 0]
    lock = threading.Lock()
    release = threading.Event()

    def slow(scenario: Scenario, client: Any, company: CompanyRef, options: dict[str, Any]) -> CompanyOutcome:
        with lock:
            started.append(company.id)
            running[0] += 1
            running[1] = max(running[1], running[0])
            if len(started) >= 2:
                release.set()
        release.wait(5)
        with lock:
            running[0] -= 1
        return CompanyOutcome(company, "ok")

    summary = InProcessExecutor(slow).run_fanout(
        scenario_of(tmp_path, CREATE_CUSTOMER), _FakeClient(), [CompanyRef(i, "") for i in range(1, 8)],
        concurrency=2, data_dir=tmp_path)
    assert running[1] <= 2
    assert sorted(started[:2]) == [1, 2]
    assert sorted(started) == list(range(1, 8))
    assert [o.company.id for o in summary.outcomes] == list(range(1, 8))


def test_a_summary_is_json_data() -> None:
    summary = FanoutSummary("S", [CompanyOutcome(CompanyRef(7, "Acme"), "incomplete", run_id="12",
                                                 error="broke", counts={"runs": 1})])
    assert summary.to_dict() == {
        "scenario": "S", "ok": False, "totals": {"companies": 1, "ok": 0, "failed": 0, "incomplete": 1},
        "companies": [{"company": {"id": 7, "name": "Acme"}, "status": "incomplete", "run_id": "12",
                       "summary": "", "error": "broke", "counts": {"runs": 1},
                       "output": None}]}


class _FakeClient:
    """Stands in for the accountant's client where the company run is replaced."""

    class settings:
        consumer_token = None
        employee_token = None

    def with_company(self, company_id: int) -> _FakeClient:
        return self

    def close(self) -> None:
        pass
