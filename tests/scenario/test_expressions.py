"""Mapping expressions: types kept, functions and filters, clear undefined errors, and no way to run code."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tripletex_connect.scenario.errors import ExpressionError
from tripletex_connect.scenario.expressions import Context, Undefined, render

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
    ("{{ now() }}", "2026-11-25T09:30:00+00:00"),
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
