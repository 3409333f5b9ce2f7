"""A run asked to stop (RunOptions.stop) ends before its next step, `interrupted`, with a checkpoint that
resume_run continues without repeating the writes made."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tripletex_connect.sandbox import SandboxCompany
from tripletex_connect.scenario import Scenario, resume_run, run_scenario
from tripletex_connect.scenario.errors import StepInterrupted
from tripletex_connect.scenario.runner import Runner, RunOptions

THREE = """
    name: three
    steps:
      - {id: one, module: customer.create, body: {name: "One AS"}}
      - {id: two, module: customer.create, body: {name: "Two AS"}}
      - {id: three, module: customer.create, body: {name: "Three AS"}}
"""


def names(company: SandboxCompany) -> list[str]:
    return sorted(c.name for c in company.client.customers.search(fields="name"))


def test_a_run_stopped_after_a_step_is_interrupted_and_resumes_without_repeating_writes(
    tripletex_sandbox: SandboxCompany, scenario: Callable[[str], Scenario]
) -> None:
    sc = scenario(THREE)
    done: list[str] = []

    def progress(kind: str, step: Any, _result: Any) -> None:
        if kind == "done":
            done.append(step.id)

    first = run_scenario(sc, tripletex_sandbox.client, on_event=progress, stop=lambda: done == ["one"])
    run = first.last
    assert run.status == "interrupted" and run.checkpoint is not None
    assert run.checkpoint["failed"]["step"] == "two"
    assert names(tripletex_sandbox) == ["One AS"]
    resumed = resume_run(sc, tripletex_sandbox.client, run.checkpoint)
    assert resumed.last.status == "ok"
    assert names(tripletex_sandbox) == ["One AS", "Three AS", "Two AS"]


def test_a_stop_while_waiting_to_retry_a_write_of_unknown_outcome_keeps_it_checked_on_resume(
    tripletex_sandbox: SandboxCompany, scenario: Callable[[str], Scenario]
) -> None:
    sc = scenario(THREE)
    runner = Runner(sc, tripletex_sandbox.client, {}, RunOptions(record=False, stop=lambda: True))
    with pytest.raises(StepInterrupted) as stopped:
        runner.check_stop(sc.steps[1], {"outcome": "unknown", "position": "two"})
    assert stopped.value.record == {"step": "two", "item": None, "handled": "interrupted", "outcome": "unknown",
                                    "position": "two"}
