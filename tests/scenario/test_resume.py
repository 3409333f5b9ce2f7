"""Incomplete runs: a checkpoint when a step breaks, and resume_run continuing without repeating writes."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from tripletex_connect.sandbox import SandboxCompany
from tripletex_connect.scenario import Scenario, ScenarioError, resume_run, run_scenario

from .conftest import FIXED_NOW
from .fakes import Flaky

CREATE = """
    name: make customers
    vars: {{stamp: "{{{{ now() }}}}"}}
    steps:
      - id: create
        foreach: "{{{{ ['A AS', 'B AS', 'C AS'] }}}}"
        on_error: {handler}
        module: customer.create
        body: {{name: "{{{{ item }}}}", description: "{{{{ vars.stamp }}}}"}}
        {check}
      - id: count
        module: customer.search
    output: "{{{{ pluck(steps.create.values, 'name') }}}}"
"""
CHECK = """check: {module: customer.search, params: {customer_name: "{{ item }}"}, found: "{{ result.first }}"}"""


def names(company: SandboxCompany) -> list[str]:
    return sorted(c.name for c in company.client.customers.search())


def test_a_broken_run_resumes_from_the_failing_item_without_repeating_writes(
    tripletex_sandbox: SandboxCompany, scenario: Callable[[str], Scenario]
) -> None:
    sc = scenario(CREATE.format(handler="break", check=""))
    flaky = Flaky(tripletex_sandbox.client, "customer.create", skip=1)
    first = run_scenario(sc, flaky, now=lambda: FIXED_NOW)  # type: ignore[arg-type]
    assert first.last.status == "incomplete" and names(tripletex_sandbox) == ["A AS"]
    checkpoint = json.loads(json.dumps(first.last.checkpoint))  # as a store would keep it
    flaky.fix()
    flaky.calls.clear()
    resumed = resume_run(sc, flaky, checkpoint)  # type: ignore[arg-type]
    assert resumed.last.status == "ok"
    assert resumed.output == ["A AS", "B AS", "C AS"]
    assert names(tripletex_sandbox) == ["A AS", "B AS", "C AS"]
    assert flaky.calls == ["customer.create", "customer.create", "customer.search"]
    assert resumed.last.resumed_from


def test_a_resumed_run_sees_the_clock_and_vars_of_the_original_run(
    tripletex_sandbox: SandboxCompany, scenario: Callable[[str], Scenario]
) -> None:
    sc = scenario(CREATE.format(handler="break", check=""))
    flaky = Flaky(tripletex_sandbox.client, "customer.create", skip=2)
    first = run_scenario(sc, flaky, now=lambda: FIXED_NOW)  # type: ignore[arg-type]
    flaky.fix()
    assert first.last.checkpoint is not None
    resume_run(sc, flaky, first.last.checkpoint)  # type: ignore[arg-type]
    stamps = {c.description for c in tripletex_sandbox.client.customers.search()}
    assert stamps == {"2026-11-25T10:30:00+01:00"}


def test_a_lost_write_breaks_the_run_and_resume_checks_before_sending_it_again(
    tripletex_sandbox: SandboxCompany, scenario: Callable[[str], Scenario]
) -> None:
    sc = scenario(CREATE.format(handler="stop", check=CHECK))
    flaky = Flaky(tripletex_sandbox.client, "customer.create", kind="lost", skip=1)
    first = run_scenario(sc, flaky)  # type: ignore[arg-type]
    run = first.last
    assert run.status == "incomplete"
    assert run.checkpoint is not None and run.checkpoint["failed"]["outcome"] == "unknown"
    assert names(tripletex_sandbox) == ["A AS", "B AS"]  # B was written; its answer was lost
    resumed = resume_run(sc, flaky, run.checkpoint)  # type: ignore[arg-type]
    assert resumed.last.status == "ok"
    assert names(tripletex_sandbox) == ["A AS", "B AS", "C AS"]  # B found by the check, not sent again
    assert resumed.output == ["A AS", "B AS", "C AS"]


def test_a_lost_write_without_a_check_is_not_sent_again_unless_told(
    tripletex_sandbox: SandboxCompany, scenario: Callable[[str], Scenario]
) -> None:
    sc = scenario(CREATE.format(handler="stop", check=""))
    flaky = Flaky(tripletex_sandbox.client, "customer.create", kind="lost", skip=1)
    checkpoint = run_scenario(sc, flaky).last.checkpoint  # type: ignore[arg-type]
    assert checkpoint is not None
    again = resume_run(sc, flaky, checkpoint)  # type: ignore[arg-type]
    assert again.last.status == "incomplete" and "no `check:`" in (again.last.error or "")
    assert names(tripletex_sandbox) == ["A AS", "B AS"]
    skipped = resume_run(sc, flaky, checkpoint, unknown="skip")  # type: ignore[arg-type]
    assert skipped.last.status == "ok" and names(tripletex_sandbox) == ["A AS", "B AS", "C AS"]


def test_resend_sends_a_lost_write_again_when_the_user_checked_it_was_not_made(
    tripletex_sandbox: SandboxCompany, scenario: Callable[[str], Scenario]
) -> None:
    sc = scenario(CREATE.format(handler="stop", check=""))
    flaky = Flaky(tripletex_sandbox.client, "customer.create", kind="lost", skip=1)
    checkpoint = run_scenario(sc, flaky).last.checkpoint  # type: ignore[arg-type]
    assert checkpoint is not None
    tripletex_sandbox.client.customers.delete(next(c.id for c in tripletex_sandbox.client.customers.search()
                                                   if c.name == "B AS"))
    resumed = resume_run(sc, flaky, checkpoint, unknown="resend")  # type: ignore[arg-type]
    assert resumed.last.status == "ok" and names(tripletex_sandbox) == ["A AS", "B AS", "C AS"]


def test_retry_on_a_lost_write_checks_first_and_takes_what_it_finds(
    tripletex_sandbox: SandboxCompany, scenario: Callable[[str], Scenario]
) -> None:
    sc = scenario(CREATE.format(handler="{retry: {times: 2}}", check=CHECK))
    flaky = Flaky(tripletex_sandbox.client, "customer.create", kind="lost", skip=1)
    result = run_scenario(sc, flaky, sleep=lambda _: None)  # type: ignore[arg-type]
    assert result.last.status == "warning"
    assert result.last.failures[0]["handled"] == "found by check"
    assert names(tripletex_sandbox) == ["A AS", "B AS", "C AS"]


def test_a_checkpoint_of_another_scenario_is_refused(
    tripletex_sandbox: SandboxCompany, scenario: Callable[[str], Scenario]
) -> None:
    sc = scenario(CREATE.format(handler="break", check=""))
    with pytest.raises(ScenarioError, match="not one of this scenario"):
        resume_run(sc, tripletex_sandbox.client, {"format": 1, "scenario": "other"})


def test_a_write_whose_answer_the_server_lost_is_found_by_its_check_on_resume(
    tripletex_sandbox: SandboxCompany, scenario: Callable[[str], Scenario]
) -> None:
    # The creates go through /customer/list in one batch: it is written, its answer lost (every item unknown).
    tripletex_sandbox.inject("503,method=POST,path=/customer*,when=after,times=1")
    sc = scenario(CREATE.format(handler="stop", check=CHECK))
    first = run_scenario(sc, tripletex_sandbox.client)
    assert first.last.status == "incomplete", first.last.error
    assert first.last.failures[0]["outcome"] == "unknown" and first.last.failures[0]["item"] == {"index": 0}
    assert first.last.checkpoint is not None
    resumed = resume_run(sc, tripletex_sandbox.client, first.last.checkpoint)
    assert resumed.last.status == "ok"
    assert names(tripletex_sandbox) == ["A AS", "B AS", "C AS"]


def test_a_checkpoint_holds_the_completed_steps_results_the_failing_step_and_item_and_the_error(
    tripletex_sandbox: SandboxCompany, scenario: Callable[[str], Scenario]
) -> None:
    sc = scenario("""
        name: two steps
        steps:
          - id: first
            module: customer.create
            body: {name: Først AS}
          - id: second
            foreach: "{{ ['Ok AS', ''] }}"
            on_error: break
            module: customer.create
            body: {name: "{{ item }}"}
        """)
    checkpoint = run_scenario(sc, tripletex_sandbox.client).last.checkpoint
    assert checkpoint is not None
    assert checkpoint["completed"]["first"]["name"] == "Først AS"
    assert checkpoint["failed"]["step"] == "second" and checkpoint["failed"]["item"] == {"index": 1}
    assert checkpoint["failed"]["status"] == 422 and "422" in checkpoint["error"]


def test_foreach_items_with_ids_are_resumed_by_id_even_in_another_order(
    tripletex_sandbox: SandboxCompany, scenario: Callable[[str], Scenario]
) -> None:
    tx = tripletex_sandbox.client
    for name in ("A AS", "B AS", "C AS"):
        tx.customers.create({"name": name})
    text = """
        name: describe
        vars: {order: "{sorting}"}
        steps:
          - id: all
            module: customer.search
            params: {sorting: "{{ vars.order }}"}
          - id: describe
            foreach: "{{ steps.all.values }}"
            on_error: break
            module: customer.update
            params: {id: "{{ item.id }}"}
            body: {description: "seen"}
        """
    flaky = Flaky(tx, "customer.update", skip=1)
    first = run_scenario(scenario(text.replace("{sorting}", "id")), flaky)  # type: ignore[arg-type]
    checkpoint = first.last.checkpoint
    assert checkpoint is not None and checkpoint["failed"]["position"].startswith("describe[#")
    journal = [key for key in checkpoint["journal"] if key.startswith("describe")]
    assert len(journal) == 1
    checkpoint["journal"].pop("all")  # the search runs again on resume, now newest first
    checkpoint["vars"] = {"order": "-id"}
    flaky.fix()
    flaky.calls.clear()
    resume_run(scenario(text.replace("{sorting}", "-id")), flaky, checkpoint)  # type: ignore[arg-type]
    assert flaky.calls.count("customer.update") == 2  # the one done before is not sent again


def test_a_lost_write_settled_by_its_handler_is_not_sent_again_on_resume(
    tripletex_sandbox: SandboxCompany, scenario: Callable[[str], Scenario]
) -> None:
    sc = scenario("""
        name: settle then break
        steps:
          - id: create
            foreach: "{{ ['A AS', 'B AS'] }}"
            on_error: ignore
            module: customer.create
            body: {name: "{{ item }}"}
          - id: later
            on_error: break
            module: customer.get
            params: {id: 424242}
        """)
    flaky = Flaky(tripletex_sandbox.client, "customer.create", kind="lost")  # A written, its answer lost
    first = run_scenario(sc, flaky)  # type: ignore[arg-type]
    assert first.last.status == "incomplete" and first.last.checkpoint is not None
    flaky.calls.clear()
    resume_run(sc, flaky, first.last.checkpoint)  # type: ignore[arg-type]
    assert "customer.create" not in flaky.calls
    assert names(tripletex_sandbox) == ["A AS", "B AS"]
