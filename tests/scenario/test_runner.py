"""Running scenarios on the sandbox: chaining, foreach, when, on_error, API errors, dry-run and history."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

from tripletex_connect.sandbox import SandboxCompany
from tripletex_connect.scenario import Scenario, ScenarioResult, run_scenario

from .conftest import FIXED_NOW

ORDER_BODY = """
      customer: {id: "{{ steps.customer.id }}"}
      orderDate: 2026-11-25
      deliveryDate: 2026-11-25
      orderLines: [{description: Timer, unitPriceExcludingVatCurrency: 1000, count: "{{ item }}"}]
"""


def run(scenario: Scenario, company: SandboxCompany, **options: object) -> ScenarioResult:
    return run_scenario(scenario, company.client, now=lambda: FIXED_NOW, **options)


def test_later_steps_use_the_results_of_earlier_steps(
    tripletex_sandbox: SandboxCompany, scenario: Callable[[str], Scenario]
) -> None:
    result = run(scenario("""
        name: chain
        vars: {name: Fjord AS}
        steps:
          - id: created
            module: customer.create
            body: {name: "{{ vars.name }}", email: post@fjord.no}
          - id: find
            module: customer.search
            params: {customer_name: "{{ steps.created.name }}"}
          - id: again
            module: customer.get
            params: {id: "{{ steps.find.first.id }}"}
        output: {id: "{{ steps.again.id }}", email: "{{ steps.again.email }}", found: "{{ steps.find.count }}"}
        """), tripletex_sandbox)
    created = result.step("created").output
    assert result.ok
    assert result.output == {"id": created["id"], "email": "post@fjord.no", "found": 1}


def test_var_defaults_are_evaluated_in_order_and_a_given_var_is_taken_as_it_is(
    tripletex_sandbox: SandboxCompany, scenario: Callable[[str], Scenario]
) -> None:
    defaults = scenario("""
        name: dated
        vars:
          date: "{{ today() }}"
          due: "{{ add_days(vars.date, 14) }}"
          label: "Due {{ vars.due }}"
        steps:
          - id: who
            module: customer.search
            limit: 1
        output: {date: "{{ vars.date }}", due: "{{ vars.due }}", label: "{{ vars.label }}"}
        """)
    assert run(defaults, tripletex_sandbox).output == {"date": "2026-11-25", "due": "2026-12-09",
                                                       "label": "Due 2026-12-09"}
    given = run(defaults, tripletex_sandbox, vars={"date": "2026-01-01", "label": "{{ not evaluated }}"})
    assert given.output == {"date": "2026-01-01", "due": "2026-01-15", "label": "{{ not evaluated }}"}


def test_foreach_runs_the_module_once_per_item(
    tripletex_sandbox: SandboxCompany, scenario: Callable[[str], Scenario]
) -> None:
    result = run(scenario("""
        name: many
        steps:
          - id: made
            foreach: "{{ ['Alfa AS', 'Beta AS', 'Gamma AS'] }}"
            as: name
            module: customer.create
            body: {name: "{{ name }}"}
        """), tripletex_sandbox)
    assert [c["name"] for c in result.output] == ["Alfa AS", "Beta AS", "Gamma AS"]
    assert result.step("made").runs == 3
    assert {c.name for c in tripletex_sandbox.client.customers.search()} == {"Alfa AS", "Beta AS", "Gamma AS"}


def test_foreach_with_nested_steps_chains_inside_each_item(
    tripletex_sandbox: SandboxCompany, scenario: Callable[[str], Scenario]
) -> None:
    result = run(scenario(f"""
        name: orders
        steps:
          - id: customer
            module: customer.create
            body: {{name: Kunde AS}}
          - id: each
            foreach: "{{{{ [2, 5] }}}}"
            steps:
              - id: order
                module: order.create
                body:
{ORDER_BODY.replace(chr(10) + '      ', chr(10) + '                  ')}
              - id: line
                module: order_line.get
                params: {{id: "{{{{ steps.order.orderLines[0].id }}}}"}}
        output: "{{{{ pluck(steps.each.values, 'line.count') }}}}"
        """), tripletex_sandbox)
    assert result.ok, result.last.error
    assert result.output == [2, 5]
    assert result.step("order").runs == 2


def test_when_skips_a_step_and_filters_foreach_items(
    tripletex_sandbox: SandboxCompany, scenario: Callable[[str], Scenario]
) -> None:
    result = run(scenario("""
        name: when
        vars: {create: false}
        steps:
          - id: never
            module: customer.create
            when: "{{ vars.create }}"
            body: {name: Skipped AS}
          - id: some
            foreach: "{{ [1, 2, 3, 4] }}"
            when: "{{ item % 2 == 0 }}"
            module: customer.create
            body: {name: "Even {{ item }}"}
        """), tripletex_sandbox)
    assert result.step("never").status == "skipped"
    assert result.step("some").runs == 2 and result.step("some").skipped == 2
    assert sorted(c.name for c in tripletex_sandbox.client.customers.search()) == ["Even 2", "Even 4"]


FAILING = """
    name: errors
    steps:
      - id: get
        foreach: "{{{{ [999999, 'ok'] }}}}"
        on_error: {on_error}
        module: customer.create
        body: {{name: "{{{{ 'Found' if item == 'ok' else '' }}}}"}}
      - id: after
        module: customer.create
        body: {{name: After AS}}
"""


def test_on_error_continue_records_the_error_and_goes_on(
    tripletex_sandbox: SandboxCompany, scenario: Callable[[str], Scenario]
) -> None:
    result = run(scenario(FAILING.format(on_error="continue")), tripletex_sandbox)
    step = result.step("get")
    assert result.last.status == "warning"
    assert (step.runs, step.errors) == (1, 1)
    assert "422" in (step.error or "")
    assert result.step("after").runs == 1


def test_on_error_stop_ends_the_run_with_the_api_error(
    tripletex_sandbox: SandboxCompany, scenario: Callable[[str], Scenario]
) -> None:
    result = run(scenario(FAILING.format(on_error="stop")), tripletex_sandbox)
    error = result.last.error or ""
    assert not result.ok and result.last.status == "failed"
    assert error.split(": ", 1)[1].startswith("step 'get' (customer.create): 422")
    assert "name" in error and "request id" in error.lower()
    assert result.step("after").status == "not-run"
    assert [c.name for c in tripletex_sandbox.client.customers.search()] == []


def test_an_undefined_reference_at_run_time_names_the_step_and_expression(
    tripletex_sandbox: SandboxCompany, scenario: Callable[[str], Scenario]
) -> None:
    result = run(scenario("""
        name: undefined
        steps:
          - id: find
            module: customer.search
          - id: get
            module: customer.get
            params: {id: "{{ steps.find.first.id }}"}
        """), tripletex_sandbox)
    assert result.last.error is not None
    location, message = result.last.error.split(": ", 1)
    assert location.endswith("scenario0.yaml:7")  # file and line of the expression
    assert message == (
        "step 'get' (customer.get): params: {{ steps.find.first.id }}: "
        "steps.find.first is null (a skipped step, or a missing value), so it has no 'id'"
    )


def test_dry_run_sends_no_writes_but_runs_reads(
    tripletex_sandbox: SandboxCompany, scenario: Callable[[str], Scenario]
) -> None:
    tx = tripletex_sandbox.client
    existing = tx.customers.create({"name": "Eksisterende AS"})
    result = run(scenario("""
        name: dry
        steps:
          - id: find
            module: customer.search
          - id: copy
            foreach: "{{ steps.find.values }}"
            module: customer.create
            body: {name: "{{ item.name }} 2"}
          - id: touch
            module: customer.update
            params: {id: "{{ steps.find.first.id }}"}
            body: {email: x@y.no}
        """), tripletex_sandbox, dry_run=True)
    calls = result.last.calls
    assert [(c["module"], c["sent"]) for c in calls] == [
        ("customer.search", True), ("customer.create", False), ("customer.update", False)]
    assert calls[1]["body"] == {"name": "Eksisterende AS 2"}
    assert calls[2]["path"] == f"/customer/{existing.id}"
    assert [c.name for c in tx.customers.search()] == ["Eksisterende AS"]
    assert tx.customers.get(existing.id).email in (None, "")


def test_history_records_each_run_without_secrets(
    tripletex_sandbox: SandboxCompany, scenario: Callable[[str], Scenario], data_dir: Path
) -> None:
    secret = tripletex_sandbox.employee_token
    sc = scenario("""
        name: secretive
        vars: {token: x}
        steps:
          - id: ok
            module: customer.search
          - id: bad
            module: customer.search
            params: {changed_since: "{{ add_days(vars.token, 1) }}"}
        """)
    result = run(sc, tripletex_sandbox, vars={"token": secret})
    assert secret not in (result.last.error or "")
    text = (data_dir / "scenario-history.jsonl").read_text()
    record = json.loads(text)
    assert record["scenario"] == "secretive" and record["status"] == "failed"
    assert record["steps"] == {"ok": {"module": "customer.search", "status": "ok", "runs": 1},
                               "bad": {"module": "customer.search", "status": "failed", "runs": 0, "errors": 1}}
    assert record["started"].startswith("2026-11-25T09:30")
    for token in (tripletex_sandbox.employee_token, tripletex_sandbox.consumer_token):
        assert token not in text
    assert "***" in record["error"]


def test_the_history_file_is_readable_by_its_owner_only(
    tripletex_sandbox: SandboxCompany, scenario: Callable[[str], Scenario], data_dir: Path
) -> None:
    run(scenario("""
        name: private
        steps:
          - id: who
            module: customer.search
        """), tripletex_sandbox)
    assert (data_dir / "scenario-history.jsonl").stat().st_mode & 0o777 == 0o600


def test_the_raw_api_module_calls_any_path(
    tripletex_sandbox: SandboxCompany, scenario: Callable[[str], Scenario]
) -> None:
    result = run(scenario("""
        name: raw
        steps:
          - id: make
            module: api
            method: POST
            path: /customer
            body: {name: Rå AS}
          - id: read
            module: api
            method: GET
            path: "/customer/{{ steps.make.id }}"
        output: "{{ steps.read.name }}"
        """), tripletex_sandbox)
    assert result.output == "Rå AS"


def test_a_dry_run_lists_a_call_that_needs_a_field_of_an_unsent_write_with_a_note(
    tripletex_sandbox: SandboxCompany, scenario: Callable[[str], Scenario]
) -> None:
    result = run(scenario("""
        name: dry chain
        steps:
          - id: created
            module: customer.create
            body: {name: Fjord AS}
          - id: copy
            when: "{{ steps.created.customerNumber > 0 }}"
            module: customer.create
            body: {name: "{{ steps.created.name }} 2", email: "{{ steps.created.email }}"}
          - id: each
            foreach: "{{ steps.copy.values }}"
            module: customer.get
            params: {id: "{{ item.id }}"}
        output: {number: "{{ steps.copy.customerNumber }}"}
        """), tripletex_sandbox, dry_run=True)
    assert result.ok, result.last.error
    calls = result.last.calls
    assert [(c["step"], c["sent"]) for c in calls] == [("created", False), ("copy", False)]
    assert "steps.created.email is known only when step 'created' runs" in calls[1]["note"]
    assert tripletex_sandbox.client.customers.search().to_list() == []


def test_a_foreach_whose_nested_step_stops_the_run_is_recorded_as_failed(
    tripletex_sandbox: SandboxCompany, scenario: Callable[[str], Scenario]
) -> None:
    result = run(scenario("""
        name: nested failure
        steps:
          - id: each
            foreach: [1]
            steps:
              - id: missing
                module: customer.get
                params: {id: 999999}
        """), tripletex_sandbox)
    steps = result.last.record("x.yaml", "local")["steps"]
    assert result.last.status == "failed"
    assert steps["missing"]["status"] == "failed"
    assert steps["each"]["status"] == "failed"


def test_an_expression_over_its_limits_fails_the_run_naming_file_line_step_and_expression(
    tripletex_sandbox: SandboxCompany, scenario: Callable[[str], Scenario]
) -> None:
    result = run(scenario("""
        name: greedy
        steps:
          - id: big
            module: customer.search
            params: {customer_name: "{{ 'x' * 10000 + replace('x' * 10000, '', 'y' * 20000) }}"}
        """), tripletex_sandbox)
    error = result.last.error or ""
    assert result.last.status == "failed"
    assert error.split(": ")[0].endswith("scenario0.yaml:5")
    assert "step 'big' (customer.search): params: {{ 'x' * 10000 + replace(" in error
    assert "limit of a value" in error


LATE = dt.datetime(2026, 11, 25, 23, 30, tzinfo=dt.UTC)


def test_today_is_the_oslo_date_unless_the_scenario_sets_a_timezone(
    tripletex_sandbox: SandboxCompany, scenario: Callable[[str], Scenario]
) -> None:
    text = """
        name: dates
        {zone}
        steps:
          - id: who
            module: customer.search
        output: "{{{{ [today(), add_days(now(), 0)] }}}}"
        """
    oslo = run_scenario(scenario(text.format(zone="")), tripletex_sandbox.client, now=lambda: LATE)
    assert oslo.output == ["2026-11-26", "2026-11-26"]
    utc = run_scenario(scenario(text.format(zone="timezone: UTC")), tripletex_sandbox.client, now=lambda: LATE)
    assert utc.output == ["2026-11-25", "2026-11-25"]
