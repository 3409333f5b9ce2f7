"""A foreach of creates goes through the batch `/list` endpoint in chunks, keeping per-item results and handlers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tripletex_connect.client import Tripletex
from tripletex_connect.scenario import Scenario, resume_run, run_scenario
from tripletex_connect.testing import FixtureCompany

CREATE = """
    name: make customers
    steps:
      - id: create
        foreach: "{{{{ {names} }}}}"
        on_error: {handler}
        module: customer.create
        body: {{name: "{{{{ item }}}}"}}
        {check}
    output: "{{{{ steps.create.values }}}}"
"""
CHECK = """check: {module: customer.search, params: {customer_name: "{{ item }}"}, found: "{{ result.first }}"}"""
FIVE = ["A AS", "B AS", "C AS", "D AS", "E AS"]


def make(scenario: Callable[[str], Scenario], names: list[str], handler: str = "stop", check: str = "") -> Scenario:
    return scenario(CREATE.format(names=names, handler=handler, check=check))


@pytest.fixture
def recorded(tripletex_sandbox: FixtureCompany) -> Iterator[tuple[Tripletex, list[str]]]:
    """A client on the test's company and each request it sends, as `METHOD /path`."""
    sent: list[str] = []
    hook = lambda r: sent.append(f"{r.method} {r.url.path.removeprefix('/v2')}")  # noqa: E731
    http = httpx.Client(event_hooks={"request": [hook]})
    with Tripletex(tripletex_sandbox.consumer_token, tripletex_sandbox.employee_token,
                   base_url=tripletex_sandbox.base_url, http_client=http) as tx:
        tx.whoami()
        sent.clear()
        yield tx, sent


def posts(sent: list[str]) -> list[str]:
    return [s for s in sent if s.startswith("POST /customer")]


def books(tx: Tripletex) -> list[str]:
    return sorted(c.name for c in tx.customers.search(fields="name"))


def test_a_foreach_of_creates_is_one_batch_request_with_a_result_and_a_write_per_item(
        recorded: tuple[Tripletex, list[str]], scenario: Callable[[str], Scenario], tmp_path: Path) -> None:
    tx, sent = recorded
    result = run_scenario(make(scenario, FIVE), tx, data_dir=tmp_path)
    assert result.last.status == "ok"
    assert posts(sent) == ["POST /customer/list"]
    assert [c["name"] for c in result.output] == FIVE and all(c["id"] for c in result.output)
    assert [w["item"]["index"] for w in result.last.writes] == [0, 1, 2, 3, 4]
    assert result.step("create").runs == 5
    assert books(tx) == FIVE


def test_items_are_sent_in_chunks_of_the_clients_batch_size(
        recorded: tuple[Tripletex, list[str]], scenario: Callable[[str], Scenario], tmp_path: Path) -> None:
    tx, sent = recorded
    tx.batch_size = 2
    run_scenario(make(scenario, FIVE), tx, data_dir=tmp_path)
    assert posts(sent) == ["POST /customer/list", "POST /customer/list", "POST /customer"]
    assert books(tx) == FIVE


def test_batch_size_one_sends_each_item_alone(
        recorded: tuple[Tripletex, list[str]], scenario: Callable[[str], Scenario], tmp_path: Path) -> None:
    tx, sent = recorded
    tx.batch_size = 1
    run_scenario(make(scenario, FIVE[:3]), tx, data_dir=tmp_path)
    assert posts(sent) == ["POST /customer"] * 3


def test_a_refused_batch_falls_back_to_one_by_one_and_ignore_skips_only_the_bad_item(
        recorded: tuple[Tripletex, list[str]], scenario: Callable[[str], Scenario], tmp_path: Path) -> None:
    tx, sent = recorded
    result = run_scenario(make(scenario, ["A AS", "", "C AS"], handler="ignore"), tx, data_dir=tmp_path)
    assert posts(sent) == ["POST /customer/list", *["POST /customer"] * 3]
    [failure] = result.last.failures
    assert failure["item"] == {"index": 1} and failure["status"] == 422 and failure["handled"] == "ignored"
    assert books(tx) == ["A AS", "C AS"]


def test_stop_still_stops_before_the_items_after_a_bad_one(
        recorded: tuple[Tripletex, list[str]], scenario: Callable[[str], Scenario], tmp_path: Path) -> None:
    tx, sent = recorded
    tx.batch_size = 2
    result = run_scenario(make(scenario, ["A AS", "B AS", "C AS", "", "E AS"]), tx, data_dir=tmp_path)
    assert result.last.status == "failed"
    assert posts(sent) == ["POST /customer/list", "POST /customer/list", "POST /customer", "POST /customer"]
    assert books(tx) == ["A AS", "B AS", "C AS"]


def test_a_batch_whose_answer_was_lost_is_checked_item_by_item_on_resume_and_never_sent_again(
        recorded: tuple[Tripletex, list[str]], tripletex_sandbox: FixtureCompany,
        scenario: Callable[[str], Scenario], tmp_path: Path) -> None:
    tx, sent = recorded
    tripletex_sandbox.inject("503,method=POST,path=/customer/list,when=after,times=1")  # written, answer lost
    sc = make(scenario, FIVE[:3], handler="break", check=CHECK)
    first = run_scenario(sc, tx, data_dir=tmp_path)
    assert first.last.status == "incomplete"
    assert first.last.failures[0]["outcome"] == "unknown"
    assert books(tx) == FIVE[:3]
    sent.clear()
    resumed = resume_run(sc, tx, first.last.checkpoint, data_dir=tmp_path)
    assert resumed.last.status == "ok"
    assert posts(sent) == []  # each item was found by its check
    assert [c["name"] for c in resumed.output] == FIVE[:3]
    assert books(tx) == FIVE[:3]


def test_a_lost_batch_without_a_check_is_not_sent_again_unless_told(
        recorded: tuple[Tripletex, list[str]], tripletex_sandbox: FixtureCompany,
        scenario: Callable[[str], Scenario], tmp_path: Path) -> None:
    tx, sent = recorded
    tripletex_sandbox.inject("503,method=POST,path=/customer/list,when=before,times=1")  # refused, not written
    sc = make(scenario, FIVE[:3], handler="break")
    first = run_scenario(sc, tx, data_dir=tmp_path)
    assert first.last.status == "incomplete"
    again = resume_run(sc, tx, first.last.checkpoint, data_dir=tmp_path)
    assert again.last.status == "incomplete" and "no `check:`" in (again.last.error or "")
    assert books(tx) == []
    sent.clear()
    resent = resume_run(sc, tx, again.last.checkpoint, unknown="resend", data_dir=tmp_path)
    assert resent.last.status == "ok"
    assert books(tx) == FIVE[:3]
    assert "POST /customer/list" not in sent  # items of an unknown batch go one by one, never as a batch again
