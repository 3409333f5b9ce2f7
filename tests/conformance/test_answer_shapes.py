"""Answers shaped like the real API's beyond what the spec's types say (see `shape_problems`): the routes
the other traffic tests leave out, and the checker itself on answers it must refuse."""

from __future__ import annotations

import httpx

from tests.sandbox.test_project_modules import PROJECT_WORK, make_refs
from tripletex_connect import Tripletex

from .openapi import RecordingTransport, assert_all_valid, openapi, shape_problems


def test_time_clocks_project_activities_and_weekly_commands_follow_the_spec(
    recorded: tuple[Tripletex, RecordingTransport],
) -> None:
    tx, recorder = recorded
    refs = make_refs(tx)
    clock = tx.time_clocks.start(activity_id=PROJECT_WORK, project_id=refs.project, date="2026-10-20")
    tx.time_clocks.get(clock.id)
    list(tx.time_clocks.search(employee_id=[refs.employee], date_from="2026-10-01", date_to="2026-11-01"))
    tx.time_clocks.update(clock.id, {"version": tx.time_clocks.get(clock.id).version, "lunchBreakDuration": 0.5})
    link = tx.project_activities.create({"project": {"id": refs.project}, "activity": {"id": 6}})
    tx.project_activities.delete(link.id)
    week = tx.weekly_timesheets.update(command="complete", employee_id=refs.employee, week_year="2026-47")
    tx.weekly_timesheets.approve(id=week.id)
    tx.weekly_timesheets.unapprove(id=week.id)
    tx.weekly_timesheets.reopen(id=week.id)
    assert_all_valid(recorder)


def _answer(method: str, path: str, body: object, params: dict[str, str] | None = None) -> list[str]:
    openapi()
    request = httpx.Request(method, "http://127.0.0.1/v2" + path, params=params)
    return shape_problems(request, httpx.Response(200, json=body))


def test_the_shape_check_refuses_an_unexpanded_reference_with_more_than_id_and_url() -> None:
    body = {"value": {"id": 1, "url": "http://127.0.0.1/v2/product/1", "vatType": {"id": 3, "name": "Utgående"}}}
    assert any("unexpanded reference" in p for p in _answer("GET", "/product/1", body))
    assert not _answer("GET", "/product/1", body, {"fields": "id,vatType(name)"})


def test_the_shape_check_refuses_an_object_without_url_a_bad_date_and_an_unknown_field() -> None:
    body = {"value": {"id": 1, "date": "25.11.2026", "fixedPrice": 5}}
    problems = _answer("GET", "/project/1", body)
    assert any("without its url" in p for p in problems)
    assert any("not a field of the model" in p for p in problems)
    body = {"value": {"id": 1, "url": "http://127.0.0.1/v2/ledger/voucher/1", "date": "25.11.2026"}}
    assert any("not a date" in p for p in _answer("GET", "/ledger/voucher/1", body))


def test_the_shape_check_refuses_an_amount_sent_as_text() -> None:
    body = {"value": {"id": 1, "url": "http://127.0.0.1/v2/product/1", "priceExcludingVatCurrency": "100.00"}}
    assert any("where the spec says number" in p for p in _answer("GET", "/product/1", body))
