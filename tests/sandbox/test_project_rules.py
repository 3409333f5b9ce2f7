"""The sandbox refuses projects and hours as the real Tripletex does, field by field."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import httpx
import pytest

from tests.sandbox.conftest import Clock
from tests.sandbox.test_project_modules import GENERAL, PROJECT_WORK, Refs, make_refs
from tripletex_connect import APIError, ConflictError, Tripletex, ValidationError
from tripletex_connect.sandbox import Backend, Store
from tripletex_connect.sandbox.defaults import CONSUMER_TOKEN
from tripletex_connect.sandbox.transport import BackendTransport


def fields(error: APIError) -> dict[str | None, str]:
    return {m.field: m.message for m in error.validation_messages}


def entry(refs: Refs, **changes: object) -> dict[str, object]:
    return {"employee": {"id": refs.employee}, "project": {"id": refs.project}, "activity": {"id": PROJECT_WORK},
            "date": "2026-11-20", "hours": 7.5, **changes}


def test_a_project_needs_name_project_manager_and_start_date(tx: Tripletex) -> None:
    with pytest.raises(ValidationError) as caught:
        tx.projects.create({"description": "uten navn"})
    assert {"name", "projectManager", "startDate"} <= set(fields(caught.value))


def test_a_project_gets_the_next_free_number_and_a_taken_number_is_refused(tx: Tripletex) -> None:
    refs = make_refs(tx)
    first = tx.projects.create({"name": "A", "projectManager": {"id": refs.employee}, "startDate": "2026-11-01"})
    second = tx.projects.create({"name": "B", "projectManager": {"id": refs.employee}, "startDate": "2026-11-01"})
    assert int(second.number) == int(first.number) + 1  # type: ignore[arg-type]
    with pytest.raises(ValidationError) as caught:
        tx.projects.create({"name": "C", "number": first.number, "projectManager": {"id": refs.employee},
                            "startDate": "2026-11-01"})
    assert "i bruk" in fields(caught.value)["number"]


def test_a_project_refuses_an_end_before_its_start_a_missing_manager_and_an_unknown_field(tx: Tripletex) -> None:
    base = {"name": "X", "projectManager": {"id": make_refs(tx).employee}, "startDate": "2026-11-01"}
    with pytest.raises(ValidationError) as caught:
        tx.projects.create({**base, "endDate": "2026-10-01"})
    assert "endDate" in fields(caught.value)
    with pytest.raises(ValidationError) as caught:
        tx.projects.create({**base, "projectManager": {"id": 999999}})
    assert "projectManager.id" in fields(caught.value)
    with pytest.raises(APIError) as raw:
        tx.request("POST", "/project", json={**base, "fixedPrice": 1000})
    assert "eksisterer ikke" in fields(raw.value)["fixedPrice"]
    fixed = tx.projects.create({**base, "isFixedPrice": True, "fixedprice": 50000.0})
    assert fixed.is_fixed_price and fixed.fixedprice == 50000.0
    with pytest.raises(ValidationError) as caught:
        tx.projects.create({**base, "fixedprice": 1.0})
    assert "fixedprice" in fields(caught.value)


def test_a_project_activity_must_be_linked_to_the_entrys_project(tx: Tripletex) -> None:
    refs = make_refs(tx)
    with pytest.raises(ValidationError) as caught:
        tx.timesheet_entries.create(entry(refs, activity={"id": 6}))  # "Møter": a project activity, not linked
    assert "aktiviteten kan ikke benyttes" in fields(caught.value)["activity.id"].lower()
    with pytest.raises(ValidationError) as caught:
        tx.timesheet_entries.create(entry(refs, project=None))
    assert "project.id" in fields(caught.value)
    tx.project_activities.create({"project": {"id": refs.project}, "activity": {"id": 6}})
    assert tx.timesheet_entries.create(entry(refs, activity={"id": 6})).hours == 7.5
    general = tx.timesheet_entries.create(entry(refs, project=None, activity={"id": GENERAL}, hours=1.0))
    assert general.chargeable is False


def test_an_entry_needs_employee_activity_date_and_hours(tx: Tripletex) -> None:
    with pytest.raises(ValidationError) as caught:
        tx.timesheet_entries.create({"comment": "tom"})
    assert {"employee", "activity", "date", "hours"} <= set(fields(caught.value))


def test_more_than_24_hours_on_one_day_is_refused(tx: Tripletex) -> None:
    refs = make_refs(tx)
    first = tx.timesheet_entries.create(entry(refs, hours=20.0))
    with pytest.raises(ValidationError) as caught:
        tx.timesheet_entries.create(entry(refs, activity={"id": GENERAL}, project=None, hours=4.5))
    assert "24 timer" in fields(caught.value)["hours"]
    with pytest.raises(ValidationError):
        tx.timesheet_entries.update(first.id, {"hours": 24.5})


def test_entries_of_a_completed_or_approved_month_are_locked_until_it_is_reopened(tx: Tripletex) -> None:
    refs = make_refs(tx)
    hours = tx.timesheet_entries.create(entry(refs))
    month = tx.monthly_timesheets.complete(employee_ids=[refs.employee], month_year="2026-11")[0]
    tx.monthly_timesheets.approve(id=month.id)
    assert tx.timesheet_entries.get(hours.id).locked
    for attempt in (lambda: tx.timesheet_entries.update(hours.id, {"hours": 5.0}),
                    lambda: tx.timesheet_entries.delete(hours.id),
                    lambda: tx.timesheet_entries.create(entry(refs, date="2026-11-02"))):
        with pytest.raises(ConflictError) as caught:
            attempt()
        assert (caught.value.status, caught.value.code) == (409, 10000)
    with pytest.raises(ValidationError):
        tx.monthly_timesheets.reopen(id=month.id)  # unapprove first
    tx.monthly_timesheets.unapprove(id=month.id)
    tx.monthly_timesheets.reopen(id=month.id)
    assert tx.timesheet_entries.update(hours.id, {"hours": 5.0}).hours == 5.0


def test_month_status_follows_complete_approve_unapprove_reopen(tx: Tripletex) -> None:
    refs = make_refs(tx)
    with pytest.raises(ValidationError):
        tx.monthly_timesheets.approve(employee_ids=[refs.employee], month_year="2026-11")  # not completed
    month = tx.monthly_timesheets.update(command="complete", month_year="2026-11")[0]  # token's owner
    with pytest.raises(ValidationError):
        tx.monthly_timesheets.complete(id=month.id)
    approved = tx.monthly_timesheets.approve(id=month.id)[0]
    assert approved.approved_until_date == "2026-11-30" and approved.approved_by.id == refs.employee  # type: ignore
    with pytest.raises(ValidationError) as caught:
        tx.monthly_timesheets.complete(employee_ids=[refs.employee], month_year="2026-13")
    assert "monthYear" in fields(caught.value)


def test_a_week_locks_its_entries_and_unapprove_alone_keeps_them_locked(tx: Tripletex) -> None:
    refs = make_refs(tx)
    hours = tx.timesheet_entries.create(entry(refs, date="2026-11-18"))  # ISO week 47
    week = tx.weekly_timesheets.complete(employee_id=refs.employee, week_year="2026-W47")
    with pytest.raises(ConflictError):
        tx.timesheet_entries.update(hours.id, {"hours": 1.0})
    tx.weekly_timesheets.approve(id=week.id)
    tx.weekly_timesheets.unapprove(id=week.id)
    with pytest.raises(ConflictError):
        tx.timesheet_entries.delete(hours.id)
    tx.weekly_timesheets.update(command="reopen", id=week.id)
    tx.timesheet_entries.delete(hours.id)


def test_the_entry_search_is_from_inclusive_to_exclusive_and_sums_the_hours(tx: Tripletex) -> None:
    refs = make_refs(tx)
    for day, hours in (("2026-11-19", 1.0), ("2026-11-20", 2.0), ("2026-11-21", 4.0)):
        tx.timesheet_entries.create(entry(refs, date=day, hours=hours))
    found = [e.date for e in tx.timesheet_entries.search(date_from="2026-11-20", date_to="2026-11-21")]
    assert found == ["2026-11-20"]
    answer = tx.request("GET", "/timesheet/entry", params={"dateFrom": "2026-11-19", "dateTo": "2026-11-22"})
    assert answer["sumAllHours"] == 7.0


def test_a_project_with_hours_cannot_be_deleted(tx: Tripletex) -> None:
    refs = make_refs(tx)
    tx.timesheet_entries.create(entry(refs))
    with pytest.raises(ValidationError):
        tx.projects.delete(refs.project)


def test_holidays_are_unique_per_date_and_salary_specifications_need_their_fields(tx: Tripletex) -> None:
    tx.company_holidays.create({"date": "2026-12-31"})
    with pytest.raises(ValidationError) as caught:
        tx.company_holidays.create({"date": "2026-12-31"})
    assert "date" in fields(caught.value)
    assert [h.date for h in tx.company_holidays.search(years=[2027])] == []
    with pytest.raises(ValidationError) as caught:
        tx.salary_type_specifications.create({"description": "uten alt"})
    assert {"employee", "salaryType", "date", "count"} <= set(fields(caught.value))


@pytest.fixture
def clocked() -> Iterator[tuple[Tripletex, Clock]]:
    """A client on an in-process sandbox whose clock the test moves."""
    clock = Clock()
    backend = Backend(Store(), base_url="http://127.0.0.1/v2", clock=clock)
    company = backend.new_company(employee_token="clock-token")
    with httpx.Client(transport=BackendTransport(backend), base_url="http://127.0.0.1") as http:
        yield Tripletex(CONSUMER_TOKEN, company.employee_token, base_url="http://127.0.0.1/v2",
                        http_client=http), clock


def test_stopping_a_clock_adds_its_hours_to_the_days_entry(clocked: tuple[Tripletex, Clock]) -> None:
    tx, clock = clocked
    refs = make_refs(tx)
    tx.timesheet_entries.create(entry(refs, date="2026-11-25", hours=1.0))
    started = tx.time_clocks.start(activity_id=PROJECT_WORK, project_id=refs.project)
    assert started.date == "2026-11-25" and started.hours_start == 1.0
    with pytest.raises(ValidationError) as caught:
        tx.time_clocks.start(activity_id=GENERAL)
    assert "employeeId" in fields(caught.value)
    clock.now += dt.timedelta(hours=2, minutes=30)
    tx.time_clocks.stop(started.id)
    stopped = tx.time_clocks.get(started.id)
    assert stopped.time_stop and stopped.timesheet_entry is not None
    assert tx.timesheet_entries.get(stopped.timesheet_entry.id).hours == 3.5
    with pytest.raises(ValidationError):
        tx.time_clocks.stop(started.id)


def test_a_clock_on_an_unlinked_activity_is_refused(clocked: tuple[Tripletex, Clock]) -> None:
    tx, _ = clocked
    refs = make_refs(tx)
    with pytest.raises(ValidationError) as caught:
        tx.time_clocks.start(activity_id=6, project_id=refs.project)
    assert "aktiviteten kan ikke benyttes" in fields(caught.value)["activity.id"].lower()


def test_the_demo_seed_registers_its_hours_through_the_rules() -> None:
    backend = Backend(Store(), clock=Clock())
    info = backend.new_company(seed="demo")
    with backend.store.transaction() as store:
        links = store.find(info.company_id, "ProjectActivity", "project.id", 1)
        entries = store.find(info.company_id, "TimesheetEntry", "project.id", 1)
    assert {link.data["activity"]["id"] for link in links} == {2, 6}
    assert entries and all(e.data["chargeableHours"] == e.data["hours"] for e in entries)
