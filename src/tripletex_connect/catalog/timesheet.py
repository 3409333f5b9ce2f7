"""Catalog entries of hours: timesheet entries and settings, time clocks, monthly and weekly timesheets (status
commands), company holidays, salary type specifications and the salary types they use."""

from __future__ import annotations

from dataclasses import replace

from .build import (
    ALL_KINDS,
    COUNT,
    FIELDS,
    FROM,
    PAGED,
    SORTING,
    action,
    batch,
    boolean,
    choice,
    crud,
    date,
    date_range,
    equals_id,
    ids,
    integer,
    path_id,
    singleton,
    text,
)
from .types import Kind, Operation, Param

K = Kind
COMMANDS = ("complete", "approve", "unapprove", "reopen")
COMMAND_HELP = {
    "complete": "Mark as completed by the employee",
    "approve": "Approve (locks the hours)",
    "unapprove": "Take back an approval (the hours stay completed)",
    "reopen": "Reopen for changes",
}

SETTINGS = singleton(
    key="timesheet_settings", resource="timesheet_settings", group="Timesheet Settings",
    path="/timesheet/settings", model="TimesheetSettings", noun="Timesheet Settings",
)[:1]

ENTRIES = crud(
    key="timesheet_entry", resource="timesheet_entries", group="Timesheet Entries", path="/timesheet/entry",
    model="TimesheetEntry", noun="Timesheet Entry", plural="Timesheet Entries", kinds=ALL_KINDS,
    search_params=(
        ids("id"), ids("employeeId"), ids("projectId"), ids("activityId"),
        *date_range("date", required=True),
        text("comment", "Containing", match="contains"),
    ),
    extra_params={K.DELETE: (integer("version", "Number of the version the deletion is based on"),)},
    summaries={K.CREATE: "Register hours: employee, activity, date and hours (and the project of a project "
                         "activity)."},
)

TIME_CLOCKS = [
    *crud(
        key="time_clock", resource="time_clocks", group="Timesheet Time Clocks", path="/timesheet/timeClock",
        model="TimeClock", noun="Timesheet Time Clock", plural="Timesheet Time Clocks",
        kinds=(K.UPDATE, K.GET, K.SEARCH),
        search_params=(
            ids("id"), ids("employeeId"), ids("projectId"), ids("activityId"),
            *date_range("date"),
            ids("hourId", field="timesheetEntry.id"),
            Param("isRunning", "boolean", help="Equals", field="isRunning", match="rule"),
        ),
    ),
    action(
        key="time_clock.start", resource="time_clocks", name="start", group="Timesheet Time Clocks",
        title="Start a Time Clock", method="PUT", path="/timesheet/timeClock/:start",
        summary="Start a time clock for an employee on an activity (and project); one running clock per employee.",
        params=(
            integer("employeeId", "Employee ID; defaults to the token's owner"),
            Param("projectId", "integer", help="Project ID", default=0),
            integer("activityId", "Activity ID", required=True),
            date("date", "Defaults to today"),
            Param("lunchBreakDuration", "number", help="Lunch break, in hours"),
        ),
        response="TimeClock",
    ),
    action(
        key="time_clock.present", resource="time_clocks", name="present", group="Timesheet Time Clocks",
        title="Get the Present Time Clock", kind=K.GET, method="GET", path="/timesheet/timeClock/present",
        summary="The employee's running time clock (404 when none is running).",
        params=(integer("employeeId", "Employee ID; defaults to the token's owner"), FIELDS),
        response="TimeClock",
    ),
    action(
        key="time_clock.stop", resource="time_clocks", name="stop", group="Timesheet Time Clocks",
        title="Stop a Time Clock", method="PUT", path="/timesheet/timeClock/{id}/:stop",
        summary="Stop a running time clock; its hours are added to the day's timesheet entry.",
        params=(path_id("id", "Time clock ID"), integer("version", "Version of the time clock")),
        envelope="none",
    ),
]


def _month_params(command: str) -> tuple[Param, ...]:
    until = (date("approvedUntilDate", "Approve up to this date (default: the end of the month)"),)
    return (
        integer("id", "Monthly status ID; when given, the other arguments are ignored"),
        ids("employeeIds", "Employee IDs; defaults to the token's owner"),
        text("monthYear", "The month as YYYY-MM, e.g. 2026-11"),
        *(until if command == "approve" else ()),
    )


def _week_params() -> tuple[Param, ...]:
    return (
        integer("id", "Week status ID; when given, the other arguments are ignored"),
        integer("employeeId", "Employee ID"),
        text("weekYear", "ISO-8601 week and year, e.g. 2026-48"),
    )


def _commands(key: str, resource: str, group: str, what: str, path: str, params: dict[str, tuple[Param, ...]],
              response: str, envelope: str) -> list[Operation]:
    """The four status commands of a timesheet period, each an operation of its own."""
    return [
        action(
            key=f"{key}.{command}", resource=resource, name=command, group=group,
            title=f"{command.capitalize()} {what}", method="PUT", path=f"{path}/:{command}",
            summary=f"{COMMAND_HELP[command]}: {what.lower()}, by id or by employee and period.",
            params=params[command], response=response, envelope=envelope,
        )
        for command in COMMANDS
    ]


def _update(key: str, resource: str, group: str, title: str, path: str, params: tuple[Param, ...],
            response: str, envelope: str) -> Operation:
    """The one Make module over the four commands: `command` picks the operation sent."""
    selector = choice("command", COMMANDS, "What to do: " + "; ".join(f"{c}: {h}" for c, h in COMMAND_HELP.items()),
                      required=True)
    op = action(
        key=f"{key}.update", resource=resource, name="update", group=group, title=title, method="PUT",
        path=f"{path}/:approve", make_module=True,
        summary=f"{title}: complete, approve, unapprove or reopen it (the `command` choice picks the call).",
        params=(selector, *params), response=response, envelope=envelope,
    )
    return _with_dispatch(op, key)


def _with_dispatch(op: Operation, key: str) -> Operation:
    return replace(op, selector="command", dispatch=tuple((c, f"{key}.{c}") for c in COMMANDS))


MONTH = "/timesheet/month"
MONTHLY = [
    _update("monthly_timesheet", "monthly_timesheets", "Monthly Timesheets", "Update a Monthly Timesheet", MONTH,
            _month_params("approve"), "MonthlyStatus", "values"),
    *_commands("monthly_timesheet", "monthly_timesheets", "Monthly Timesheets", "a Monthly Timesheet", MONTH,
               {c: _month_params(c) for c in COMMANDS}, "MonthlyStatus", "values"),
    action(
        key="monthly_timesheet.get", resource="monthly_timesheets", name="get", group="Monthly Timesheets",
        title="Get a Monthly Timesheet", kind=K.GET, method="GET", path=f"{MONTH}/{{id}}", make_module=True,
        summary="Get a monthly timesheet status by id (see `by_months` to find it by employee and month).",
        params=(path_id(), FIELDS), response="MonthlyStatus",
    ),
    action(
        key="monthly_timesheet.by_months", resource="monthly_timesheets", name="by_months",
        group="Monthly Timesheets", title="Find Monthly Timesheets", kind=K.SEARCH, method="GET",
        path=f"{MONTH}/byMonthNumberList", envelope="list",
        summary="The monthly timesheet statuses of employees for the months given.",
        params=(
            Param("employeeIds", "ids", required=True, help="Employee IDs", field="employee.id", match="in"),
            text("monthYearList", "Months as YYYY-MM, comma separated", required=True, field="monthYear",
                 match="in"),
            *PAGED,
        ),
        response="MonthlyStatus",
    ),
]

WEEK = "/timesheet/week"
WEEKLY = [
    _update("weekly_timesheet", "weekly_timesheets", "Weekly Timesheets", "Update a Weekly Timesheet", WEEK,
            _week_params(), "Week", "value"),
    *_commands("weekly_timesheet", "weekly_timesheets", "Weekly Timesheets", "a Weekly Timesheet", WEEK,
               {c: _week_params() for c in COMMANDS}, "Week", "value"),
    action(
        key="weekly_timesheet.get", resource="weekly_timesheets", name="get", group="Weekly Timesheets",
        title="Get a Weekly Timesheet", kind=K.GET, method="GET", path=WEEK, make_module=True, envelope="first",
        summary="Get a weekly timesheet status: by ids, or by employee and week (the first match; None if none).",
        params=(
            ids("ids", field="id"), ids("employeeIds", "Employee IDs", field="employee.id"),
            Param("weekYear", "string", help="ISO-8601 week and year, e.g. 2026-48", field="weekYear", match="rule"),
            equals_id("approvedBy", "Approved by this employee", field="approvedBy.id"),
            FROM, COUNT, SORTING, FIELDS,
        ),
        response="Week",
    ),
]

COMPANY_HOLIDAYS = crud(
    key="company_holiday", resource="company_holidays", group="Timesheet Company Holidays",
    path="/timesheet/companyHoliday", model="CompanyHolidays", noun="Timesheet Company Holiday",
    plural="Timesheet Company Holidays", kinds=ALL_KINDS, beta=ALL_KINDS,
    search_params=(
        ids("ids", "ID of the elements", field="id"),
        Param("years", "ids", help="Years, e.g. 2026 or 2026,2027", field="years", match="rule"),
    ),
)

SALARY_TYPE_SPECIFICATIONS = crud(
    key="salary_type_specification", resource="salary_type_specifications", group="Salary Types Specifications",
    path="/timesheet/salaryTypeSpecification", model="TimesheetSalaryTypeSpecification",
    noun="Timesheet Salary Type Specification", plural="Timesheet Salary Type Specifications", kinds=ALL_KINDS,
    beta=ALL_KINDS,
    search_params=(
        *date_range("date"),
        equals_id("employeeId", "Employee ID"),
    ),
)

SALARY_TYPES = crud(
    key="salary_type", resource="salary_types", group="Salary Types", path="/salary/type", model="SalaryType",
    noun="Salary Type", plural="Salary Types", kinds=(K.GET, K.SEARCH), make_module=False,
    search_params=(
        ids("id"),
        text("number", "Equals", match="eq"),
        text("name", "Containing", match="contains"),
        text("description", "Containing", match="contains"),
        boolean("showInTimesheet", "Equals"),
        Param("isInactive", "boolean", help="Equals (every salary type of the local sandbox is active)",
              field="isInactive", match="rule"),
        Param("employeeIds", "ids", help="Salary types of these employees (every type, in the local sandbox)",
              field="employeeIds", match="rule"),
    ),
)

ENTRY_BATCH = batch(
    key="timesheet_entry", resource="timesheet_entries", group="Timesheet Entries", path="/timesheet/entry",
    model="TimesheetEntry", plural="Timesheet Entries", kinds=(K.CREATE, K.UPDATE),
)

OPERATIONS: list[Operation] = [
    *SETTINGS, *ENTRIES, *ENTRY_BATCH, *TIME_CLOCKS, *MONTHLY, *WEEKLY, *COMPANY_HOLIDAYS, *SALARY_TYPE_SPECIFICATIONS,
    *SALARY_TYPES,
]
