"""Validation before anything is sent: every mistake with its file:line, all of them at once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tripletex_connect.scenario import ScenarioError, load_scenario


def problems(write: Callable[[str], Path], text: str, **kwargs: object) -> list[str]:
    """The rendered problems of a scenario text (`file:line: message`), with the file name cut off."""
    path = write(text)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path, **kwargs)  # type: ignore[arg-type]
    return [line.removeprefix(f"{path}:") for line in str(caught.value).splitlines()]


def only(write: Callable[[str], Path], text: str) -> str:
    found = problems(write, text)
    assert len(found) == 1, found
    return found[0]


def test_yaml_syntax_errors_have_a_line(scenario_file: Callable[[str], Path]) -> None:
    assert only(scenario_file, "name: x\nsteps:\n  - id: a\n    module: [customer.search\n").startswith(
        "5: YAML syntax error")


def test_unknown_module_suggests_the_right_key(scenario_file: Callable[[str], Path]) -> None:
    found = only(scenario_file, """
        name: x
        steps:
          - id: find
            module: customer.serch
        """)
    assert found.startswith("4: step 'find': unknown module 'customer.serch' (did you mean 'customer.search'?)")


def test_unknown_parameter_suggests_the_right_name(scenario_file: Callable[[str], Path]) -> None:
    found = only(scenario_file, """
        name: x
        steps:
          - id: find
            module: customer.search
            params:
              customer_nam: Acme
        """)
    assert found.startswith("6: step 'find': customer.search has no parameter 'customer_nam' "
                            "(did you mean 'customer_name'?)")


def test_parameters_are_taken_by_api_or_python_name(scenario_file: Callable[[str], Path]) -> None:
    load_scenario(scenario_file("""
        name: x
        steps:
          - id: a
            module: customer.search
            params: {customerName: A, is_inactive: false}
        """))


def test_missing_required_parameters_are_named(scenario_file: Callable[[str], Path]) -> None:
    found = problems(scenario_file, """
        name: x
        steps:
          - id: orders
            module: order.search
            params: {orderDateFrom: 2026-01-01}
        """)
    assert found == ["5: step 'orders': order.search needs parameter 'order_date_to' (orderDateTo)"]


def test_literal_values_are_type_checked(scenario_file: Callable[[str], Path]) -> None:
    found = only(scenario_file, """
        name: x
        steps:
          - id: get
            module: customer.get
            params: {id: abc}
        """)
    assert found.startswith("5: step 'get': customer.get: parameter 'id' (id) must be a whole number")


def test_references_to_unknown_and_later_steps(scenario_file: Callable[[str], Path]) -> None:
    found = problems(scenario_file, """
        name: x
        steps:
          - id: first
            module: customer.get
            params: {id: "{{ steps.second.id }}"}
          - id: second
            module: customer.get
            params: {id: "{{ steps.frist.id }}"}
        """)
    assert found == [
        "5: step 'first': {{ steps.second.id }}: step 'second' has not run yet at this point "
        "(a step can use only the steps before it)",
        "8: step 'second': {{ steps.frist.id }}: unknown step 'frist' (did you mean 'first'?)",
    ]


def test_a_step_cannot_refer_to_itself(scenario_file: Callable[[str], Path]) -> None:
    assert "has not run yet" in only(scenario_file, """
        name: x
        steps:
          - id: me
            module: customer.get
            params: {id: "{{ steps.me.id }}"}
        """)


def test_nested_steps_are_reached_through_their_foreach(scenario_file: Callable[[str], Path]) -> None:
    found = only(scenario_file, """
        name: x
        steps:
          - id: each
            foreach: "{{ [1, 2] }}"
            steps:
              - id: get
                module: customer.get
                params: {id: "{{ item }}"}
        output: "{{ steps.get.name }}"
        """)
    assert found == ("9: output: {{ steps.get.name }}: step 'get' runs inside foreach 'each'; "
                     "use steps.each.values instead")


def test_duplicate_step_ids(scenario_file: Callable[[str], Path]) -> None:
    assert only(scenario_file, """
        name: x
        steps:
          - id: a
            module: customer.search
          - id: a
            module: product.search
        """) == "5: duplicate step id 'a'; step ids must be unique"


def test_unknown_variables_and_item_outside_foreach(scenario_file: Callable[[str], Path]) -> None:
    found = problems(scenario_file, """
        name: x
        vars: {customer: Acme}
        steps:
          - id: a
            module: customer.search
            params: {customer_name: "{{ vars.custmer }}", email: "{{ item.email }}"}
        """)
    assert found == [
        "6: step 'a': {{ vars.custmer }}: unknown variable 'custmer' (did you mean 'customer'?); "
        "declare it under `vars` (null if it must be given with --var)",
        "6: step 'a': {{ item.email }}: 'item' is only defined inside a foreach",
    ]


def test_bad_trigger_config(scenario_file: Callable[[str], Path]) -> None:
    found = problems(scenario_file, """
        name: x
        trigger:
          type: watch
          module: customer.create
          from: yesterday
          evry: 15m
        steps:
          - id: a
            module: customer.get
            params: {id: "{{ trigger.id }}"}
        """)
    assert found == [
        "4: trigger: a watch needs a search module (such as customer.search); customer.create is create",
        "5: trigger `from` must be now, all or an id, got 'yesterday'",
        "6: unknown key 'evry' in the trigger (did you mean 'every'?)",
    ]


def test_schedule_needs_a_valid_interval(scenario_file: Callable[[str], Path]) -> None:
    found = problems(scenario_file, """
        name: x
        trigger: {type: schedule, every: soon}
        steps:
          - id: a
            module: customer.search
        """)
    assert found == ["2: trigger `every`: expected an interval such as 30s, 15m, 1h or 1d, got 'soon'"]


def test_trigger_is_only_known_to_watch_scenarios(scenario_file: Callable[[str], Path]) -> None:
    assert "only set by a watch trigger" in only(scenario_file, """
        name: x
        steps:
          - id: a
            module: customer.get
            params: {id: "{{ trigger.id }}"}
        """)


def test_unsafe_expressions_are_refused_before_running(scenario_file: Callable[[str], Path]) -> None:
    found = problems(scenario_file, """
        name: x
        steps:
          - id: a
            module: customer.search
            params: {customer_name: "{{ ''.__class__ }}", email: "{{ __import__('os') }}"}
        """)
    assert found == [
        "5: step 'a': {{ ''.__class__ }}: names starting with '_' are not allowed (__class__)",
        "5: step 'a': {{ __import__('os') }}: unknown function '__import__'",
    ]


def test_structure_mistakes_are_reported_with_the_rest(scenario_file: Callable[[str], Path]) -> None:
    found = problems(scenario_file, """
        name: x
        stepz: []
        steps:
          - id: 1bad
            module: customer.search
            on_error: ignor
          - module: customer.search
            body: {name: x}
            limit: -1
        """)
    assert found == [
        "2: unknown key 'stepz' in the scenario (did you mean 'steps'?)",
        "4: a step needs an `id` of letters, digits and _ (starting with a letter), got '1bad'",
        "6: `on_error` must be stop, ignore (or continue), break, {resume: {value: ...}} or "
        "{retry: {times: 3, backoff: 10s}}, got 'ignor' (did you mean 'ignore'?)",
        "7: a step needs an `id` of letters, digits and _ (starting with a letter), got None",
        "8: step '#1': customer.search takes no body",
        "9: step '#1': `limit` must be a count, not -1",
    ]


def test_a_valid_file_has_no_problems_and_vars_can_come_from_the_command_line(
    scenario_file: Callable[[str], Path],
) -> None:
    path = scenario_file("""
        name: x
        steps:
          - id: a
            module: customer.search
            params: {customer_name: "{{ vars.who }}"}
        """)
    with pytest.raises(ScenarioError):
        load_scenario(path)
    assert load_scenario(path, vars={"who": "Acme"}).steps[0].id == "a"


def test_literal_body_fields_are_checked_before_anything_is_sent(scenario_file: Callable[[str], Path]) -> None:
    found = problems(scenario_file, """
        name: x
        steps:
          - id: find
            module: customer.search
          - id: make
            module: customer.create
            body: {name: "{{ steps.find.first.name }} 2", emial: a@b.no}
          - id: touch
            module: customer.update
            params: {id: 1}
            body: {version: many, email: "{{ steps.find.first.email }}"}
          - id: fine
            module: order.create
            body: {customer: {id: "{{ steps.find.first.id }}"}, orderDate: 2026-11-25,
                   orderLines: [{count: "{{ steps.find.count }}", description: Timer}]}
        """)
    assert len(found) == 2, found
    assert found[0].startswith("7: step 'make': customer.create: Customer has no field 'emial' (did you mean 'email'?)")
    assert found[1].startswith("11: step 'touch': customer.update: invalid Customer: version:")


def test_an_unclosed_template_is_a_problem_not_literal_text(scenario_file: Callable[[str], Path]) -> None:
    found = only(scenario_file, """
        name: x
        vars: {go: false}
        steps:
          - id: find
            module: customer.search
            when: "{{ vars.go }"
        """)
    assert found == "6: step 'find': unclosed {{ in '{{ vars.go }': every {{ needs its }}"


def test_a_var_given_on_the_command_line_that_the_scenario_never_uses_is_refused(
    scenario_file: Callable[[str], Path],
) -> None:
    path = scenario_file("""
        name: x
        vars: {date: "{{ today() }}"}
        steps:
          - id: a
            module: customer.search
            params: {changed_since: "{{ vars.date }}", customer_name: "{{ vars.who }}"}
        """)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path, vars={"dat": "2026-01-01", "who": "Acme"})
    assert str(caught.value) == (f"{path}: --var dat: the scenario has no variable 'dat' (did you mean 'date'?); "
                                 "its variables: date, who")
    assert load_scenario(path, vars={"date": "2026-01-01", "who": "Acme"}).steps[0].id == "a"


def test_var_defaults_are_checked_like_any_expression(scenario_file: Callable[[str], Path]) -> None:
    found = only(scenario_file, """
        name: x
        vars:
          date: "{{ today() }}"
          due: "{{ add_days(vars.dat, 14) }}"
        steps:
          - id: a
            module: customer.search
        """)
    assert found.startswith("4: vars: {{ add_days(vars.dat, 14) }}: unknown variable 'dat' (did you mean 'date'?)")


@pytest.mark.parametrize(("expression", "message"), [
    ("vars.x | uper", "unknown filter 'uper' (did you mean 'upper'?)"),
    ("uper(vars.x)", "unknown function 'uper' (did you mean 'upper'?)"),
    ("add_days(vars.x)", "add_days() takes 2 arguments, got 1"),
    ("vars.x | replace('a')", "| replace takes 3 arguments (the value before | counts as the first), got 2"),
    ("join(vars.x, ',', 3)", "join() takes 1 to 2 arguments, got 3"),
    ("today(1)", "today() takes 0 arguments, got 1"),
])
def test_function_and_filter_names_and_argument_counts_are_checked_before_running(
    scenario_file: Callable[[str], Path], expression: str, message: str
) -> None:
    found = only(scenario_file, f"""
        name: x
        vars: {{x: abc}}
        steps:
          - id: a
            module: customer.search
            params: {{customer_name: "{{{{ {expression} }}}}"}}
        """)
    assert found.startswith("6: step 'a': ") and message in found, found


def test_scenario_validate_reports_a_misspelt_filter_with_exit_2(scenario_file: Callable[[str], Path]) -> None:
    from typer.testing import CliRunner

    from tripletex_connect.cli.main import app

    path = scenario_file("""
        name: x
        steps:
          - id: a
            module: customer.search
            params: {customer_name: "{{ 'acme' | uper }}"}
        """)
    result = CliRunner().invoke(app, ["scenario", "validate", str(path)])
    assert result.exit_code == 2 and "did you mean 'upper'?" in result.stderr


def test_a_module_may_be_given_by_its_make_title(scenario_file: Callable[[str], Path]) -> None:
    loaded = load_scenario(scenario_file("""
        name: x
        trigger: {type: watch, module: Search Customers}
        steps:
          - id: a
            module: Search Customers
          - id: b
            module: "get a customer"
            params: {id: 1}
          - id: c
            module: Make an API Call
            method: GET
            path: /customer
        """))
    assert [s.module for s in loaded.steps] == ["customer.search", "customer.get", "api"]
    assert loaded.trigger.module == "customer.search"


def test_an_unknown_time_zone_is_a_problem(scenario_file: Callable[[str], Path]) -> None:
    found = only(scenario_file, """
        name: x
        timezone: Europe/Olso
        steps:
          - id: a
            module: customer.search
        """)
    assert found.startswith("2: unknown time zone 'Europe/Olso'")
