"""Mapping expressions: types kept, functions and filters, clear undefined errors, and no way to run code."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tripletex_connect.scenario.errors import ExpressionError
from tripletex_connect.scenario.expressions import Context, Undefined, render
from tripletex_connect.scenario.limits import LimitError, Limits

STEPS = {
    "find": {"values": [{"id": 4, "amount": 100.125, "name": "Acme"}, {"id": 9, "amount": 0.5, "name": "Bolt"}],
             "first": {"id": 4, "customerNumber": 10004, "name": "Acme"}, "count": 2},
    "order": {"id": 77, "orderLines": [{"id": 1}]},
}


def ctx(**names: Any) -> Context:
    base = {"vars": {"n": 3, "name": "acme", "date": "2026-11-25", "empty": None}, "steps": STEPS}
    return Context({**base, **names}, lambda: dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.UTC))


@pytest.mark.parametrize(("template", "expected"), [
    ("{{ vars.n }}", 3),
    ("{{ steps.find.values }}", STEPS["find"]["values"]),
    ("{{ steps.order }}", STEPS["order"]),
    ("{{ steps.find.first.id }}", 4),
    ("{{ steps.find.count > 1 }}", True),
    ("{{ steps.order.orderLines[0].id }}", 1),
    ("{{ [vars.n, vars.name] }}", [3, "acme"]),
    ("{{ {'id': steps.order.id} }}", {"id": 77}),
])
def test_a_value_that_is_exactly_one_expression_keeps_its_type(template: str, expected: Any) -> None:
    assert render(template, ctx()) == expected


def test_text_around_expressions_is_joined_as_text() -> None:
    assert render("Order {{ steps.order.id }} for {{ vars.name | upper }} ({{ vars.n > 2 }})", ctx()) == \
        "Order 77 for ACME (true)"


def test_templates_render_inside_nested_bodies() -> None:
    body = {"customer": {"id": "{{ steps.find.first.id }}"}, "lines": [{"count": "{{ vars.n }}"}], "x": 1}
    assert render(body, ctx()) == {"customer": {"id": 4}, "lines": [{"count": 3}], "x": 1}


def test_an_expression_may_span_lines_as_yaml_blocks_give_it() -> None:
    assert render("{{ vars.n > 2\n     and steps.order.id == 77 }}", ctx()) is True


def test_snake_case_names_reach_camel_case_fields() -> None:
    assert render("{{ steps.find.first.customer_number }}", ctx()) == 10004


@pytest.mark.parametrize(("template", "expected"), [
    ("{{ today() }}", "2026-11-25"),
    ("{{ today }}", "2026-11-25"),
    ("{{ now() }}", "2026-11-25T10:30:00+01:00"),
    ("{{ add_days(vars.date, 7) }}", "2026-12-02"),
    ("{{ add_days('2026-03-01', -1) }}", "2026-02-28"),
    ("{{ add_months('2026-01-31', 1) }}", "2026-02-28"),
    ("{{ add_months('2024-01-31', 1) }}", "2024-02-29"),
    ("{{ add_months('2026-11-15', 2) }}", "2027-01-15"),
    ("{{ add_months('2026-03-31', -1) }}", "2026-02-28"),
    ("{{ month_start('2026-10') }}", "2026-10-01"),
    ("{{ pluck(where([{'id': 1, 'ok': true}, {'id': 2, 'ok': false}], 'ok'), 'id') }}", [1]),
    ("{{ where([{'s': 'A'}, {'s': 'B'}], 's', 'B') }}", [{"s": "B"}]),
    ("{{ month_start('2026-10-17') }}", "2026-10-01"),
    ("{{ format_date(vars.date, '%d.%m.%Y') }}", "25.11.2026"),
    ("{{ vars.empty | default('none') }}", "none"),
    ("{{ vars.missing | default(5) }}", 5),
    ("{{ default(steps.nothing.id, 0) }}", 0),
    ("{{ vars.name | upper }}", "ACME"),
    ("{{ lower('ABC') }}", "abc"),
    ("{{ sum(steps.find.values, 'amount') }}", 100.625),
    ("{{ steps.find.values | sum('amount') | money }}", 100.63),
    ("{{ money(2.675) }}", 2.68),
    ("{{ count(steps.find.values) }}", 2),
    ("{{ steps.find | count }}", 2),
    ("{{ pluck(steps.find.values, 'name') | join(' & ') }}", "Acme & Bolt"),
    ("{{ round(2.5) }}", 2),
    ("{{ int('12') + 1 }}", 13),
    ("{{ 'yes' if vars.n == 3 else 'no' }}", "yes"),
])
def test_functions_and_filters(template: str, expected: Any) -> None:
    assert render(template, ctx()) == expected


def test_an_undefined_reference_names_what_is_missing_and_suggests() -> None:
    with pytest.raises(Undefined, match=r"steps.find.first has no 'idd' \(did you mean 'id'\?\)"):
        render("{{ steps.find.first.idd }}", ctx())


def test_a_property_of_null_says_the_value_is_null() -> None:
    with pytest.raises(Undefined, match=r"vars\.empty is null"):
        render("{{ vars.empty.id }}", ctx())


@pytest.mark.parametrize("template", [
    "{{ ''.__class__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ __import__('os').system('echo hacked') }}",
    "{{ eval('1') }}",
    "{{ open('/etc/passwd') }}",
    "{{ steps.find.values.pop() }}",
    "{{ (lambda: 1)() }}",
    "{{ [x for x in steps.find.values] }}",
    "{{ vars.name.upper() }}",
    "{{ 'a' * 100000000 }}",
    "{{ f'{vars}' }}",
    "{{ 2 ** 100000 }}",
])
def test_no_code_can_be_executed(template: str) -> None:
    with pytest.raises(ExpressionError):
        render(template, ctx())


def test_attribute_lookup_never_reaches_python_objects() -> None:
    # `.values` on a dict is its key, not the dict method; a missing key is an error, not a bound method.
    assert render("{{ steps.find.values }}", ctx()) == STEPS["find"]["values"]
    with pytest.raises(Undefined):
        render("{{ steps.order.items }}", ctx())


@pytest.mark.parametrize("template", [
    "{{ 200000000 * [0] }}",
    "{{ [0] * 200000000 }}",
    "{{ 'ab' * 600000 }}",
    "{{ 600000 * 'ab' }}",
    "{{ [[0] * 1000] * 2000 }}",
    "{{ replace('x' * 10000, '', 'y' * 20000) }}",
    "{{ join(['y' * 900000, 'z' * 900000], '') }}",
    "{{ ('a' * 900000) + ('b' * 900000) }}",
    "{{ format_date('2026-01-01', '%Y' * 1000) }}",
])
def test_an_expression_cannot_build_a_value_beyond_the_size_limit(template: str) -> None:
    with pytest.raises(LimitError, match="limit"):
        render(template, ctx())


def test_percent_formatting_of_text_is_refused_but_modulo_of_numbers_works() -> None:
    with pytest.raises(LimitError, match="% formatting"):
        render("{{ '%.999999999f' % 1.0 }}", ctx())
    assert render("{{ 7 % 3 }}", ctx()) == 1


def test_a_deeply_nested_expression_is_refused_not_a_recursion_error() -> None:
    with pytest.raises(LimitError, match="nested too deeply"):
        render("{{ " + "+".join(["1"] * 999) + " }}", ctx())
    assert render("{{ " + " + ".join(["1"] * 20) + " }}", ctx()) == 20


def test_each_evaluation_has_a_step_budget() -> None:
    small = Context(ctx().names, limits=Limits(max_steps=500))
    big = {"xs": list(range(200))}
    assert render("{{ sum(xs) }}", small.child(**big)) == sum(range(200))
    with pytest.raises(LimitError, match="too much work"):
        render("{{ sum(xs) + sum(xs) + sum(xs) }}", small.child(**big))


def test_text_joined_from_many_expressions_is_bounded_too() -> None:
    small = Context(ctx().names, limits=Limits(max_size=100))
    with pytest.raises(LimitError):
        render("{{ vars.name }}" * 40, small)


@pytest.mark.parametrize(("template", "expected"), [
    ("{{ today() }}", "2026-11-26"),
    ("{{ now() }}", "2026-11-26T00:30:00+01:00"),
    ("{{ date(now()) }}", "2026-11-26"),
    ("{{ add_days('2026-11-25T23:30:00+00:00', 0) }}", "2026-11-26"),
])
def test_dates_are_oslo_dates_whatever_the_machine_zone(template: str, expected: Any) -> None:
    late_utc = Context(ctx().names, lambda: dt.datetime(2026, 11, 25, 23, 30, tzinfo=dt.UTC))
    assert render(template, late_utc) == expected


def test_a_context_may_use_another_time_zone() -> None:
    late_utc = Context(ctx().names, lambda: dt.datetime(2026, 11, 25, 23, 30, tzinfo=dt.UTC),
                       tz=ZoneInfo("America/New_York"))
    assert render("{{ today() }}", late_utc) == "2026-11-25"
