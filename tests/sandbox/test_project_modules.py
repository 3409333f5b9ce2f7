"""Every project and timesheet module through the SDK, sync and async, against the sandbox fixture: one table
(the runners of the sales table), plus the status commands and time clocks that do not fit it."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import pytest

from tests.sandbox.test_sales_modules import Case, run_async, run_sync
from tripletex_connect import AsyncTripletex, Tripletex
from tripletex_connect.sandbox import SandboxCompany

PROJECT_WORK, GENERAL = 2, 1  # seeded activities: "Prosjektarbeid" (project activity), "Administrasjon"


@dataclass
class Refs:
    """What the project and timesheet modules refer to."""

    employee: int
    project: int


def make_refs(tx: Tripletex) -> Refs:
    """The token's employee and a project with the project-work activity linked."""
    employee = tx.employees.search(first_name="Ola").first()
    assert employee is not None
    project = tx.projects.create({"name": "Referanseprosjekt", "projectManager": {"id": employee.id},
                                  "startDate": "2026-01-01", "projectActivities": [{"activity": {"id": PROJECT_WORK}}]})
    return Refs(employee.id, project.id)


def _entry(r: Refs) -> dict[str, object]:
    return {"employee": {"id": r.employee}, "project": {"id": r.project}, "activity": {"id": PROJECT_WORK},
            "date": "2026-11-20", "hours": 7.5}


CASES = [
    Case("projects", lambda r: {"name": "Nytt lager", "projectManager": {"id": r.employee}, "startDate": "2026-11-01"},
         {"description": "Lager i Drammen"}, lambda r: {"name": "lager", "project_manager_id": [r.employee]},
         delete=True),
    Case("employees", search=lambda r: {"email": "ola.nordmann"}),
    Case("timesheet_entries", _entry, {"comment": "Tegninger"},
         lambda r: {"date_from": "2026-11-20", "date_to": "2026-11-21", "project_id": [r.project]}, delete=True),
    Case("company_holidays", lambda r: {"date": "2026-12-24"}, {"percentage": 50.0},
         lambda r: {"years": [2026]}, delete=True),
    Case("salary_type_specifications", lambda r: {"employee": {"id": r.employee}, "salaryType": {"id": 3},
                                                  "date": "2026-11-20", "count": 2.0},
         {"description": "Overtid fredag"},
         lambda r: {"date_from": "2026-11-01", "date_to": "2026-12-01", "employee_id": r.employee}, delete=True),
    Case("salary_types", search=lambda r: {"name": "overtid"}),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.resource)
def test_every_project_and_timesheet_module_through_the_sync_sdk(
    tripletex_sandbox: SandboxCompany, case: Case
) -> None:
    tx = tripletex_sandbox.client
    run_sync(tx, case, make_refs(tx))  # type: ignore[arg-type]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.resource)
async def test_every_project_and_timesheet_module_through_the_async_sdk(
    tripletex_sandbox: SandboxCompany, case: Case
) -> None:
    refs = make_refs(tripletex_sandbox.client)
    async with tripletex_sandbox.async_client() as atx:
        await run_async(atx, case, refs)  # type: ignore[arg-type]


def run_periods_sync(tx: Tripletex, refs: Refs) -> None:
    """The monthly and weekly modules: the one Update module with its choice, the Gets and the lookup."""
    tx.timesheet_entries.create(_entry(refs))
    done = tx.monthly_timesheets.update(command="complete", employee_ids=[refs.employee], month_year="2026-11")
    assert [m.completed for m in done] == [True]
    approved = tx.monthly_timesheets.update(command="approve", id=done[0].id, approved_until_date="2026-11-30")
    assert approved[0].approved and approved[0].approved_until_date == "2026-11-30"
    assert tx.monthly_timesheets.get(done[0].id).approved
    found = list(tx.monthly_timesheets.by_months(employee_ids=[refs.employee], month_year_list="2026-10,2026-11"))
    assert sorted((m.month_year, bool(m.approved)) for m in found) == [("2026-10", False), ("2026-11", True)]
    tx.monthly_timesheets.unapprove(id=done[0].id)
    tx.monthly_timesheets.reopen(id=done[0].id)
    week = tx.weekly_timesheets.update(command="complete", employee_id=refs.employee, week_year="2026-47")
    assert (week.year, week.week, week.completed) == (2026, 47, True)
    assert tx.weekly_timesheets.update(command="approve", id=week.id).approved
    got = tx.weekly_timesheets.get(employee_ids=[refs.employee], week_year="2026-47")
    assert got is not None and got.id == week.id and got.approved
    assert tx.weekly_timesheets.get(ids=[week.id]) is not None


def test_monthly_and_weekly_timesheet_modules_through_the_sync_sdk(tripletex_sandbox: SandboxCompany) -> None:
    tx = tripletex_sandbox.client
    run_periods_sync(tx, make_refs(tx))


async def test_monthly_and_weekly_timesheet_modules_through_the_async_sdk(tripletex_sandbox: SandboxCompany) -> None:
    refs = make_refs(tripletex_sandbox.client)
    async with tripletex_sandbox.async_client() as atx:
        await atx.timesheet_entries.create(_entry(refs))
        done = await atx.monthly_timesheets.update(command="complete", employee_ids=[refs.employee],
                                                   month_year="2026-11")
        assert (await atx.monthly_timesheets.approve(id=done[0].id))[0].approved
        assert (await atx.monthly_timesheets.get(done[0].id)).approved
        assert [m.id async for m in atx.monthly_timesheets.by_months(employee_ids=[refs.employee],
                                                                     month_year_list="2026-11")] == [done[0].id]
        week = await atx.weekly_timesheets.update(command="complete", employee_id=refs.employee, week_year="2026-47")
        assert (await atx.weekly_timesheets.get(ids=[week.id])).completed  # type: ignore[union-attr]


def test_time_clock_modules_through_the_sync_and_async_sdk(tripletex_sandbox: SandboxCompany) -> None:
    tx = tripletex_sandbox.client
    refs = make_refs(tx)
    clock = tx.time_clocks.start(activity_id=PROJECT_WORK, project_id=refs.project, date="2026-11-20")
    assert tx.time_clocks.get(clock.id).id == clock.id
    assert [c.id for c in tx.time_clocks.search(is_running=True, employee_id=[refs.employee])] == [clock.id]
    assert tx.time_clocks.update(clock.id, {"lunchBreakDuration": 0.0}).lunch_break_duration == 0.0
    tx.time_clocks.stop(clock.id)
    assert list(tx.time_clocks.search(is_running=True)) == []

    async def run(atx: AsyncTripletex) -> None:
        again = await atx.time_clocks.start(activity_id=GENERAL, date="2026-11-21")
        assert (await atx.time_clocks.get(again.id)).id == again.id
        await atx.time_clocks.stop(again.id)
        assert [c.id async for c in atx.time_clocks.search(hour_id=[(await atx.time_clocks.get(again.id))
                                                                     .timesheet_entry.id])] == [again.id]

    async def main() -> None:
        async with tripletex_sandbox.async_client() as atx:
            await run(atx)

    asyncio.run(main())


async def test_timesheet_settings_through_the_sync_and_async_sdk(tripletex_sandbox: SandboxCompany) -> None:
    settings = tripletex_sandbox.client.timesheet_settings.get()
    assert settings.time_clock and settings.default_project_activity.id == PROJECT_WORK  # type: ignore[union-attr]
    async with tripletex_sandbox.async_client() as atx:
        assert (await atx.timesheet_settings.get()).id == settings.id
