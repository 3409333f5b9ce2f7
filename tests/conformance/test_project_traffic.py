"""The traffic of every project and timesheet module, the status commands, time clocks and their failures,
validated request by request and response by response against the official spec."""

from __future__ import annotations

import pytest

from tests.sandbox.test_project_modules import CASES, PROJECT_WORK, make_refs, run_periods_sync
from tests.sandbox.test_sales_modules import Case, run_sync
from tripletex_connect import APIError, Tripletex

from .openapi import RecordingTransport, assert_all_valid


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.resource)
def test_every_project_and_timesheet_module_follows_the_spec(
    recorded: tuple[Tripletex, RecordingTransport], case: Case
) -> None:
    tx, recorder = recorded
    run_sync(tx, case, make_refs(tx))  # type: ignore[arg-type]
    assert_all_valid(recorder)


def test_timesheet_commands_clocks_and_settings_follow_the_spec(recorded: tuple[Tripletex, RecordingTransport]) -> None:
    tx, recorder = recorded
    refs = make_refs(tx)
    run_periods_sync(tx, refs)
    tx.timesheet_settings.get()
    clock = tx.time_clocks.start(activity_id=PROJECT_WORK, project_id=refs.project, date="2026-10-20")
    tx.time_clocks.stop(clock.id)
    tx.project_activities.get(tx.project_activities.create({"project": {"id": refs.project},
                                                            "activity": {"id": 6}}).id)
    assert_all_valid(recorder)


def test_project_and_timesheet_failures_follow_the_spec(recorded: tuple[Tripletex, RecordingTransport]) -> None:
    tx, recorder = recorded
    refs = make_refs(tx)
    hours = {"employee": {"id": refs.employee}, "project": {"id": refs.project}, "activity": {"id": 6},
             "date": "2026-11-20", "hours": 25.0}
    for attempt in (
        lambda: tx.projects.create({"name": "Uten leder"}),
        lambda: tx.timesheet_entries.create(hours),
        lambda: tx.monthly_timesheets.approve(month_year="2026-11"),
    ):
        with pytest.raises(APIError):
            attempt()
    assert [r.status_code for _, r in recorder.exchanges[-3:]] == [422, 422, 422]
    assert_all_valid(recorder)
