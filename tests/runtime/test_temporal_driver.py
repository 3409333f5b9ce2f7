"""The workflow side of the Temporal engine without Temporal: the runner driven one call at a time from a book of
answers, each call performed as an activity would (`perform`), with attempts counted as Temporal counts them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from tripletex_connect.client import Tripletex
from tripletex_connect.runtime.execute import Outcome
from tripletex_connect.runtime.temporal_calls import CallFailed, perform
from tripletex_connect.runtime.temporal_driver import Answers, NeedCall, NeedSleep, drive, scenario_of
from tripletex_connect.sandbox import SandboxCompany
from tripletex_connect.scenario import load_scenario
from tripletex_connect.scenario.errors import ScenarioError

NOW = dt.datetime(2026, 11, 25, 10, 30, tzinfo=dt.UTC)
CREATE = """
name: create customers
vars: {names: ["A AS", "B AS"]}
steps:
  - id: create
    foreach: "{{ vars.names }}"
    module: customer.create
    body: {name: "{{ item }}"}
    %s
  - id: count
    module: customer.search
    params: {fields: "id,name"}
output: "{{ steps.count.count }}"
"""
ONE_BY_ONE = """
name: create customers
vars: {names: ["A AS", "B AS"]}
steps:
  - id: create
    foreach: "{{ vars.names }}"
    steps:
      - id: one
        module: customer.create
        body: {name: "{{ item }}"}
        %s
"""
CHECK = 'check: {module: customer.search, params: {customer_name: "{{ item }}"}}'


def run_locally(text: str, client: Tripletex, attempts: Callable[[dict[str, Any]], int] = lambda call: 1) -> tuple[
        Outcome, list[str]]:
    """Drive a scenario to its end as the workflow does; the sites of the calls sent, in order."""
    scenario = load_scenario("test.yaml", text=text)
    answers: Answers = {}
    sent: list[str] = []
    while True:
        try:
            return drive(scenario, connection="test", company_id=0, values=dict(scenario.vars), answers=answers,
                         started=NOW, now=lambda: NOW), sent
        except NeedCall as need:
            call = need.spec.payload()
            sent.append(need.spec.site)
            try:
                answers[need.spec.site] = {"value": perform(client, call, attempts(call))}
            except CallFailed as failed:
                answers[need.spec.site] = {"error": failed.data}
        except NeedSleep as sleep:
            answers[sleep.site] = {"value": sleep.seconds}


def customers(company: SandboxCompany) -> list[str]:
    return sorted(c.name for c in company.client.customers.search())


def test_a_run_driven_call_by_call_books_each_write_once_and_gives_the_scenario_output(
    tripletex_sandbox: SandboxCompany,
) -> None:
    outcome, sent = run_locally(CREATE % "", tripletex_sandbox.client)
    assert outcome.status == "ok" and outcome.output == 2
    assert customers(tripletex_sandbox) == ["A AS", "B AS"]
    assert sent == ["run:api#0", "count:customer.search#0"]  # the creates in one call of the batch endpoint


def test_a_write_tried_again_after_its_worker_died_is_found_by_its_check_and_not_sent_twice(
    tripletex_sandbox: SandboxCompany,
) -> None:
    client = tripletex_sandbox.client
    client.customers.create({"name": "A AS"})  # the first attempt reached Tripletex before its worker died
    first_of_a = {"done": False}

    def attempts(call: dict[str, Any]) -> int:
        if call["operation"] == "customer.create" and call["body"]["name"] == "A AS" and not first_of_a["done"]:
            first_of_a["done"] = True
            return 2
        return 1

    outcome, sent = run_locally(ONE_BY_ONE % CHECK, client, attempts)
    assert outcome.status == "ok"
    assert customers(tripletex_sandbox) == ["A AS", "B AS"]
    assert sent[:2] == ["create[0]/one:customer.create#0", "create[0]/one:customer.search#0"]


def test_a_retried_write_the_check_does_not_find_is_sent_once_more(tripletex_sandbox: SandboxCompany) -> None:
    seen: set[str] = set()

    def attempts(call: dict[str, Any]) -> int:
        name = (call.get("body") or {}).get("name")
        if call["operation"] == "customer.create" and name not in seen:
            seen.add(name)
            return 2
        return 1

    outcome, _ = run_locally(ONE_BY_ONE % CHECK, tripletex_sandbox.client, attempts)
    assert outcome.status == "ok" and customers(tripletex_sandbox) == ["A AS", "B AS"]


def test_a_retried_write_without_a_check_is_never_resent_the_run_is_kept_incomplete(
    tripletex_sandbox: SandboxCompany,
) -> None:
    outcome, _ = run_locally(ONE_BY_ONE % "on_error: break", tripletex_sandbox.client,
                             lambda call: 2 if call["operation"] == "customer.create" else 1)
    assert outcome.status == "incomplete" and outcome.checkpoint is not None
    assert outcome.checkpoint["failed"]["outcome"] == "unknown"
    assert customers(tripletex_sandbox) == []


def test_a_validation_error_goes_to_the_steps_error_handler(tripletex_sandbox: SandboxCompany) -> None:
    text = CREATE.replace('{name: "{{ item }}"}', '{name: "{{ item }}", email: "not an address"}') % (
        "on_error: {resume: {value: {id: 0}}}")
    outcome, _ = run_locally(text, tripletex_sandbox.client)
    assert outcome.status == "warning"
    assert [f["handled"] for f in outcome.record["failures"]] == ["resumed", "resumed"]
    assert {f["status"] for f in outcome.record["failures"]} == {422}


def test_a_retry_handler_waits_through_the_workflow_between_attempts(tripletex_sandbox: SandboxCompany) -> None:
    text = CREATE.replace('{name: "{{ item }}"}', '{name: "{{ item }}", email: "bad"}') % (
        "on_error: {retry: {times: 2, backoff: 5s, then: ignore}}")
    outcome, sent = run_locally(text, tripletex_sandbox.client)
    assert outcome.status == "warning"
    assert sent.count("create[0]/create:customer.create#2") == 1
    assert "create[0]/create:customer.create#3" not in sent


def test_a_batch_of_creates_tried_again_after_its_worker_died_is_checked_item_by_item_not_resent(
    tripletex_sandbox: SandboxCompany,
) -> None:
    client = tripletex_sandbox.client
    client.customers.create({"name": "A AS"})  # the batch's first attempt wrote both before its worker died
    client.customers.create({"name": "B AS"})
    text = CREATE.replace("    %s\n", "    " + CHECK + "\n")
    outcome, sent = run_locally(text, client, lambda call: 2 if call["operation"] == "api" else 1)
    assert outcome.status == "ok", outcome.record
    assert customers(tripletex_sandbox) == ["A AS", "B AS"]
    assert "create[0]/create:customer.create#0" not in sent and "create[0]/create:customer.search#0" in sent


def test_a_worker_parses_a_scenario_text_once_and_still_refuses_a_broken_one_every_time() -> None:
    text = CREATE % ""
    first = scenario_of("create.yaml", text, {"names": ["A AS"]})
    assert scenario_of("create.yaml", text, {"names": ["B AS"]}) is first  # same text and var names
    assert scenario_of("other.yaml", text, {}) is not first
    for _ in range(2):
        with pytest.raises(ScenarioError):
            scenario_of("broken.yaml", "name: broken\nsteps: [{id: a, module: no.such}]\n", {})
