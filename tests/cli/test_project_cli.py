"""`ttx` runs every project and timesheet group against the sandbox, the one-choice timesheet modules included."""

from __future__ import annotations

import shlex
from string import Template
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.cli.sandbox_cli import first_id, ttx_json
from tests.sandbox.test_project_modules import make_refs
from tripletex_connect.cli.main import app
from tripletex_connect.sandbox import SandboxCompany

ENTRY = ('{"employee": {"id": $employee}, "project": {"id": $project}, "activity": {"id": 2}, '
         '"date": "2026-11-20", "hours": 7.5}')
# Per group, the commands to run in order; `$id` is the object the first command made (or found).
GROUPS: dict[str, list[str]] = {
    "Projects": ["projects create --set name=Lager --set projectManager.id=$employee --set startDate=2026-11-01",
                 "projects update $id --set description=Drammen", "projects get $id",
                 "projects search --name lager --no-is-closed", "projects delete $id"],
    "Timesheet Entries": [f"timesheet-entries create --data '{ENTRY}'", "timesheet-entries update $id --set hours=6",
                          "timesheet-entries get $id",
                          "timesheet-entries search --date-from 2026-11-20 --date-to 2026-11-21",
                          "timesheet-entries delete $id"],
    "Timesheet Settings": ["timesheet-settings get"],
    "Timesheet Time Clocks": ["time-clocks start --activity-id 1 --date 2026-11-20", "time-clocks get $id",
                              "time-clocks update $id --set lunchBreakDuration=0.5",
                              "time-clocks search --is-running", "time-clocks stop $id"],
    "Monthly Timesheets": ["monthly-timesheets update --command complete --month-year 2026-11",
                           "monthly-timesheets update --command approve --id $id --approved-until-date 2026-11-30",
                           "monthly-timesheets get $id",
                           "monthly-timesheets by-months --employee-ids $employee --month-year-list 2026-11"],
    "Weekly Timesheets": ["weekly-timesheets update --command complete --employee-id $employee --week-year 2026-47",
                          "weekly-timesheets get --ids $id", "weekly-timesheets update --command reopen --id $id"],
    "Timesheet Company Holidays": ["company-holidays create --set date=2026-12-24", "company-holidays get $id",
                                   "company-holidays update $id --set percentage=50",
                                   "company-holidays search --years 2026", "company-holidays delete $id"],
    "Salary Types Specifications": [
        "salary-type-specifications create --set employee.id=$employee --set salaryType.id=3 "
        "--set date=2026-11-20 --set count=2", "salary-type-specifications get $id",
        "salary-type-specifications update $id --set count=3",
        "salary-type-specifications search --employee-id $employee", "salary-type-specifications delete $id"],
}


@pytest.mark.parametrize("group", GROUPS)
def test_every_project_and_timesheet_group_runs_in_the_cli(tripletex_sandbox: SandboxCompany, group: str) -> None:
    refs = make_refs(tripletex_sandbox.client)
    names: dict[str, Any] = {**vars(refs), "id": None}
    for command in GROUPS[group]:
        args = shlex.split(Template(command).substitute(names))
        result = ttx_json(tripletex_sandbox, args)
        assert result.exit_code == 0, f"ttx {' '.join(args)}: {result.stderr}"
        if names["id"] is None:
            names["id"] = first_id(result.stdout)


def test_a_choice_outside_the_commands_is_refused_before_any_request() -> None:
    result = CliRunner().invoke(app, ["monthly-timesheets", "update", "--command", "sign", "--month-year", "2026-11"])
    assert result.exit_code == 2 and "sign" in result.stderr


def test_the_cli_covers_every_project_and_timesheet_make_group() -> None:
    from tripletex_connect import catalog

    groups = {op.group for m in (catalog.projects, catalog.timesheet) for op in m.OPERATIONS if op.make_module}
    assert set(GROUPS) == groups
