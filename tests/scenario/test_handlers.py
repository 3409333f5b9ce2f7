"""Error handlers per step (ignore/continue, resume, retry, break, stop), failures shown and recorded."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tripletex_connect.sandbox import SandboxCompany
from tripletex_connect.scenario import Scenario, run_scenario
from tripletex_connect.scenario.model import OnError

from .conftest import FIXED_NOW, ttx_on
from .fakes import Flaky

CREATE_EACH = """
    name: create each
    steps:
      - id: create
        foreach: "{{{{ ['A AS', '', 'C AS'] }}}}"
        on_error: {handler}
        module: customer.create
        body: {{name: "{{{{ item }}}}"}}
      - id: after
        module: customer.search
    output: "{{{{ steps.create.values }}}}"
"""


def history(data_dir: Path) -> list[dict[str, object]]:
    lines = (data_dir / "scenario-history.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines]


def test_ignore_and_its_alias_continue_load_as_the_same_handler(scenario: Callable[[str], Scenario]) -> None:
    for word in ("ignore", "continue"):
        loaded = scenario(CREATE_EACH.format(handler=word))
        assert loaded.steps[0].on_error == OnError("ignore")


def test_ignore_records_each_failed_item_with_status_code_messages_and_request_id(
    tripletex_sandbox: SandboxCompany, scenario: Callable[[str], Scenario], data_dir: Path
) -> None:
    result = run_scenario(scenario(CREATE_EACH.format(handler="ignore")), tripletex_sandbox.client)
    run = result.last
    assert run.status == "warning"
    [failure] = run.failures
    assert failure["step"] == "create" and failure["item"] == {"index": 1}
    assert failure["status"] == 422 and failure["code"] == 18000
    assert failure["validation"] and "name" in failure["validation"][0]
    assert failure["request_id"] and failure["handled"] == "ignored"
    [record] = history(data_dir)
    assert record["failures"] == run.failures
    assert [w["step"] for w in record["writes"]] == ["create", "create"]  # type: ignore[index]


def test_ignore_prints_every_failed_item_and_a_summary_line_to_stderr(
    tripletex_sandbox: SandboxCompany, scenario_file: Callable[[str], Path]
) -> None:
    result = ttx_on(tripletex_sandbox, "run", str(scenario_file(CREATE_EACH.format(handler="continue"))))
    assert result.exit_code == 0
    lines = result.stderr.splitlines()
    assert any(line.startswith("step 'create' item 1: 422 code 18000: ") and "request id" in line
               and line.endswith("[ignored]") for line in lines), lines
    assert lines[-1].startswith("create each: 1 error(s) in step(s) create; run warning, 2 write(s) made")


def test_an_outcome_unknown_write_under_ignore_is_recorded_as_outcome_unknown(
    tripletex_sandbox: SandboxCompany, scenario: Callable[[str], Scenario], data_dir: Path
) -> None:
    flaky = Flaky(tripletex_sandbox.client, "customer.create", kind="lost", skip=1)
    sc = scenario(CREATE_EACH.format(handler="ignore").replace("'', ", "'B AS', "))
    result = run_scenario(sc, flaky)  # type: ignore[arg-type]
    [failure] = result.last.failures
    assert failure["outcome"] == "unknown" and failure["item"] == {"index": 1}
    assert failure["request_id"] == "req-lost"
    assert history(data_dir)[0]["failures"][0]["outcome"] == "unknown"  # type: ignore[index]


def test_resume_substitutes_a_value_for_the_failed_item(
    tripletex_sandbox: SandboxCompany, scenario: Callable[[str], Scenario]
) -> None:
    text = CREATE_EACH.format(handler="{resume: {value: {id: 0, name: '{{ item }} (skipped)'}}}")
    text = text.replace("'', ", "'Tom', ")
    text = text.replace('name: "{{ item }}"', "name: \"{{ '' if item == 'Tom' else item }}\"")
    sc = scenario(text)
    result = run_scenario(sc, tripletex_sandbox.client)
    assert result.last.status == "warning"
    assert [v["name"] for v in result.output] == ["A AS", "Tom (skipped)", "C AS"]
    assert result.last.failures[0]["handled"] == "resumed"


def test_retry_waits_with_backoff_through_the_injected_sleep_and_then_succeeds(
    tripletex_sandbox: SandboxCompany, scenario: Callable[[str], Scenario]
) -> None:
    waits: list[float] = []
    flaky = Flaky(tripletex_sandbox.client, "customer.create", times=2)
    sc = scenario(CREATE_EACH.format(handler="{retry: {times: 3, backoff: 2s}}").replace("'', ", "'B AS', "))
    result = run_scenario(sc, flaky, sleep=waits.append)  # type: ignore[arg-type]
    assert result.ok and result.last.status == "warning"
    assert waits == [2.0, 4.0]
    assert result.last.failures[0]["handled"] == "retried" and result.last.failures[0]["attempts"] == 3
    assert [v["name"] for v in result.output] == ["A AS", "B AS", "C AS"]
    assert sorted(c.name for c in tripletex_sandbox.client.customers.search()) == ["A AS", "B AS", "C AS"]


def test_retry_that_runs_out_goes_on_as_its_then_says(
    tripletex_sandbox: SandboxCompany, scenario: Callable[[str], Scenario]
) -> None:
    waits: list[float] = []
    flaky = Flaky(tripletex_sandbox.client, "customer.create", times=5)
    sc = scenario(CREATE_EACH.format(handler="{retry: {times: 2, backoff: 1s, then: ignore}}"))
    result = run_scenario(sc, flaky, sleep=waits.append)  # type: ignore[arg-type]
    assert waits == [1.0, 2.0] * 2  # item 0: three 503s; item 1: two 503s and its own 422; item 2 goes through
    assert result.last.failures[0]["attempts"] == 3 and result.last.failures[0]["handled"] == "ignored"


def test_stop_ends_the_run_and_break_keeps_it_incomplete_with_a_checkpoint(
    tripletex_sandbox: SandboxCompany, scenario: Callable[[str], Scenario], data_dir: Path
) -> None:
    stopped = run_scenario(scenario(CREATE_EACH.format(handler="stop")), tripletex_sandbox.client)
    assert stopped.last.status == "failed" and stopped.last.checkpoint is None
    broken = run_scenario(scenario(CREATE_EACH.format(handler="break")), tripletex_sandbox.client)
    run = broken.last
    assert run.status == "incomplete" and not run.ok
    checkpoint = run.checkpoint
    assert checkpoint is not None
    assert json.loads(json.dumps(checkpoint)) == checkpoint  # plain JSON data
    assert checkpoint["failed"]["step"] == "create" and checkpoint["failed"]["item"] == {"index": 1}
    assert checkpoint["failed"]["position"] == "create[1]/create"
    assert set(checkpoint["journal"]) == {"create[0]/create"}
    assert history(data_dir)[-1]["status"] == "incomplete"


def test_a_nested_step_that_stops_fails_its_item_and_the_foreach_handler_decides(
    tripletex_sandbox: SandboxCompany, scenario: Callable[[str], Scenario]
) -> None:
    result = run_scenario(scenario("""
        name: nested
        steps:
          - id: loop
            foreach: "{{ ['A AS', '', 'C AS'] }}"
            on_error: ignore
            steps:
              - id: make
                module: customer.create
                body: {name: "{{ item }}"}
        """), tripletex_sandbox.client)
    [failure] = result.last.failures
    assert failure["step"] == "make" and failure["item"] == {"index": 1} and failure["handled"] == "ignored"
    assert len(result.step("loop").output["values"]) == 3


def test_every_handler_is_accepted_by_validation(scenario: Callable[[str], Scenario]) -> None:
    for handler in ("stop", "break", "ignore", "{resume: {value: 1}}", "{retry: {times: 2}}",
                    "{retry: {times: 2, backoff: 30s, then: break}}"):
        load = scenario(CREATE_EACH.format(handler=handler))
        assert load.steps[0].on_error.action in ("stop", "break", "ignore", "resume", "retry")


def test_unexpected_exceptions_still_leave_a_history_record_with_the_writes_made(
    tripletex_sandbox: SandboxCompany, scenario: Callable[[str], Scenario], data_dir: Path
) -> None:
    flaky = Flaky(tripletex_sandbox.client, "customer.search", kind="crash")
    result = run_scenario(scenario(CREATE_EACH.format(handler="ignore")), flaky,  # type: ignore[arg-type]
                          now=lambda: FIXED_NOW)
    assert result.last.status == "failed"
    assert result.last.error == "unexpected error in step 'after': RuntimeError: boom"
    [record] = history(data_dir)
    assert record["status"] == "failed" and len(record["writes"]) == 2  # type: ignore[arg-type]


def test_a_run_that_fails_in_output_after_writing_leaves_a_record_of_its_writes(
    tripletex_sandbox: SandboxCompany, scenario: Callable[[str], Scenario], data_dir: Path
) -> None:
    result = run_scenario(scenario("""
        name: bad output
        steps:
          - id: made
            module: customer.create
            body: {name: Made AS}
        output: "{{ steps.made.nothing }}"
        """), tripletex_sandbox.client)
    assert result.last.status == "failed"
    [record] = history(data_dir)
    [made] = list(tripletex_sandbox.client.customers.search())
    assert record["writes"] == [{"step": "made", "module": "customer.create", "method": "POST", "item": None,
                                 "id": made.id}]


def test_an_interrupted_run_is_recorded_before_the_interrupt_goes_on(
    tripletex_sandbox: SandboxCompany, scenario: Callable[[str], Scenario], data_dir: Path
) -> None:
    import pytest

    class Interrupting(Flaky):
        def invoke(self, key: str, *args: object, **kwargs: object) -> object:
            if key == "customer.search":
                raise KeyboardInterrupt
            return super().invoke(key, *args, **kwargs)

    with pytest.raises(KeyboardInterrupt):
        run_scenario(scenario(CREATE_EACH.format(handler="ignore")),
                     Interrupting(tripletex_sandbox.client, "none"))  # type: ignore[arg-type]
    [record] = history(data_dir)
    assert record["status"] == "interrupted" and len(record["writes"]) == 2  # type: ignore[arg-type]


def test_a_resume_value_may_use_the_error(
    tripletex_sandbox: SandboxCompany, scenario: Callable[[str], Scenario]
) -> None:
    sc = scenario(CREATE_EACH.format(handler="{resume: {value: {name: 'failed {{ error.status }}'}}}"))
    result = run_scenario(sc, tripletex_sandbox.client)
    assert [v["name"] for v in result.output] == ["A AS", "failed 422", "C AS"]
