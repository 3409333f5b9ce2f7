"""Rules of hours: timesheet entries (activities, 24 hours a day, locked periods), time clocks, the status
commands of monthly and weekly timesheets, company holidays and salary type specifications."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ...catalog import Operation
from ..context import Ctx
from ..errors import SandboxError, invalid, not_found, stale
from ..query import id_list
from ..store import Row, Tx
from . import Rules
from .projects import NOT_LINKED, _ref_id, is_linked

if TYPE_CHECKING:
    from ..backend import Backend
    from ..ports import Searcher
    from ..render import Tree

MAX_HOURS_A_DAY = 24.0
LOCKED = "Timene er låst: perioden er fullført eller godkjent. Gjenåpne perioden før timene endres."


def iso_week(date: str) -> tuple[int, int]:
    """(ISO year, ISO week) of a YYYY-MM-DD date."""
    year, week, _ = dt.date.fromisoformat(date[:10]).isocalendar()
    return year, week


def _period_locked(tx: Tx, ctx: Ctx, employee: int, date: str) -> bool:
    closed = ("completed", "approved")
    for month in tx.find(ctx.company_id, "MonthlyStatus", "employee.id", employee):
        if month.data.get("monthYear") == date[:7] and any(month.data.get(k) for k in closed):
            return True
    year, week = iso_week(date)
    return any(w.data.get("year") == year and w.data.get("week") == week and any(w.data.get(k) for k in closed)
               for w in tx.find(ctx.company_id, "Week", "employee.id", employee))


def check_open(tx: Tx, ctx: Ctx, entry: dict[str, Any]) -> None:
    """409/10000 when the entry's month or week is completed or approved for its employee."""
    employee, date = _ref_id(entry.get("employee")), entry.get("date")
    if employee is not None and isinstance(date, str) and date and _period_locked(tx, ctx, employee, date):
        raise SandboxError(409, 10000, LOCKED, [("date", LOCKED)])


def check_activity(tx: Tx, ctx: Ctx, data: dict[str, Any]) -> Row:
    """The entry's activity; a non-general one needs a project it is linked to."""
    activity = tx.get(ctx.company_id, "Activity", _ref_id(data.get("activity")) or 0)
    if activity is None:
        raise invalid([("activity.id", "Aktiviteten finnes ikke.")])
    project = _ref_id(data.get("project"))
    if activity.data.get("isGeneral"):
        return activity
    if project is None:
        raise invalid([("project.id", "Prosjekt må fylles ut for en prosjektaktivitet.")])
    if not is_linked(tx, ctx, project, activity.id):
        raise invalid([("activity.id", NOT_LINKED)])
    return activity


def check_project_dates(tx: Tx, ctx: Ctx, data: dict[str, Any]) -> None:
    """Hours fall within their project's start and end dates."""
    project = tx.get(ctx.company_id, "Project", _ref_id(data.get("project")) or 0)
    date = str(data.get("date") or "")[:10]
    if project is None or not date:
        return
    name = " ".join(str(project.data.get(k) or "") for k in ("number", "name")).strip()
    start, end = project.data.get("startDate"), project.data.get("endDate")
    if start and date < start:
        raise invalid([("date", f"Startdato for prosjektet {name} er {start}. Det kan ikke registreres timer før "
                                f"denne datoen.")])
    if end and date > end:
        raise invalid([("date", f"Sluttdato for prosjektet {name} er {end}. Det kan ikke registreres timer etter "
                                f"denne datoen.")])


def check_unique(tx: Tx, ctx: Ctx, data: dict[str, Any], own: int | None) -> None:
    """Only one entry per employee, date, activity and project (the spec of POST /timesheet/entry)."""
    keys = ("employee", "activity", "project")
    for other in tx.find(ctx.company_id, "TimesheetEntry", "date", data["date"]):
        if other.id != own and all(_ref_id(other.data.get(k)) == _ref_id(data.get(k)) for k in keys):
            raise invalid([("date", f"Det finnes allerede en timeføring (id {other.id}) for denne ansatte, "
                                    f"aktiviteten og prosjektet {data['date']}: bare én føring per ansatt, dato, "
                                    "aktivitet og prosjekt. Endre den i stedet.")])


class TimesheetEntryRules(Rules):
    """Employee, activity, date and hours required; at most 24 hours a day; locked periods stay as they are."""

    required = ("employee", "activity", "date", "hours")

    def on_create(self, tx: Tx, ctx: Ctx, data: dict[str, Any]) -> None:
        """Check the activity, the day's total and the period; derive the chargeable hours."""
        super().on_create(tx, ctx, data)
        self._settle(tx, ctx, data, None)

    def on_update(self, tx: Tx, ctx: Ctx, old: Row, data: dict[str, Any]) -> None:
        """An entry moves neither out of nor into a locked period."""
        super().on_update(tx, ctx, old, data)
        check_open(tx, ctx, old.data)
        self._settle(tx, ctx, data, old.id)

    def on_delete(self, tx: Tx, ctx: Ctx, row: Row) -> None:
        """The entries of a locked period cannot be deleted."""
        check_open(tx, ctx, row.data)

    @staticmethod
    def _settle(tx: Tx, ctx: Ctx, data: dict[str, Any], own: int | None) -> None:
        check_open(tx, ctx, data)
        activity = check_activity(tx, ctx, data)
        check_project_dates(tx, ctx, data)
        check_unique(tx, ctx, data, own)
        hours = float(data["hours"])
        if hours < 0:
            raise invalid([("hours", "Antall timer kan ikke være negativt.")])
        employee = _ref_id(data.get("employee"))
        same_day = tx.find(ctx.company_id, "TimesheetEntry", "date", data["date"])
        day = sum(float(e.data.get("hours") or 0) for e in same_day
                  if e.id != own and _ref_id(e.data.get("employee")) == employee)
        if day + hours > MAX_HOURS_A_DAY:
            raise invalid([("hours", f"Det kan ikke registreres mer enn 24 timer på én dag ({day:g} timer er "
                                     f"allerede registrert {data['date']}).")])
        chargeable = bool(activity.data.get("isChargeable"))
        data.update(chargeable=chargeable, chargeableHours=hours if chargeable else 0.0, locked=False)
        data.setdefault("comment", "")


def sum_hours(engine: Searcher, tx: Tx, ctx: Ctx, op: Operation, params: Mapping[str, str],
              lists: Mapping[str, list[str]], tree: Tree) -> dict[str, Any]:
    """The timesheet entry search: the list envelope plus the sum of the hours of every match."""
    envelope = engine.stored_search(tx, ctx, op, params, lists, tree)
    everything = engine.stored_search(tx, ctx, op, {**params, "from": "0", "count": str(2**31),
                                                    "fields": "hours"}, lists, {"hours": None})
    envelope["sumAllHours"] = round(sum(float(v.get("hours") or 0) for v in everything["values"]), 2)
    return envelope


class TimeClockRules(Rules):
    """`isRunning` finds the clocks not stopped yet."""

    def filters(self, params: Mapping[str, str]) -> list[tuple[str, list[Any]]]:
        """Running clocks have no stop time."""
        value = params.get("isRunning", "").strip().lower()
        if value not in ("", "true", "false"):
            raise invalid([("isRunning", f"Ugyldig verdi: {params['isRunning']!r}.")], code=21000)
        if not value:
            return []
        return [(f"json_extract(data, '$.timeStop') IS {'' if value == 'true' else 'NOT '}NULL", [])]


def _int_param(params: Mapping[str, str], name: str) -> int | None:
    raw = params.get(name, "").strip()
    return int(raw) if raw else None


def start_clock(backend: Backend, tx: Tx, ctx: Ctx, op: Operation, values: dict[str, str],
                params: dict[str, str], body: Any) -> dict[str, Any]:
    """`PUT /timesheet/timeClock/:start`: one running clock per employee, on a usable activity."""
    employee = _int_param(params, "employeeId") or ctx.employee_id
    if tx.get(ctx.company_id, "Employee", employee) is None:
        raise invalid([("employeeId", "Den ansatte finnes ikke.")])
    running = [c for c in tx.find(ctx.company_id, "TimeClock", "employee.id", employee) if not c.data.get("timeStop")]
    if running:
        raise invalid([("employeeId", f"Den ansatte har allerede en stoppeklokke som går (id {running[0].id}).")])
    data: dict[str, Any] = {"employee": {"id": employee}, "activity": {"id": _int_param(params, "activityId")},
                            "date": params.get("date") or ctx.today, "timeStart": ctx.now, "hoursStart": 0.0}
    project = _int_param(params, "projectId")
    if project:
        data["project"] = {"id": project}
    check_activity(tx, ctx, data)
    check_project_dates(tx, ctx, data)
    check_open(tx, ctx, data)
    if params.get("lunchBreakDuration"):
        data["lunchBreakDuration"] = float(params["lunchBreakDuration"])
    entry = _entry_of(tx, ctx, data)
    if entry is not None:
        data["hoursStart"] = float(entry.data.get("hours") or 0)
    row = tx.insert(ctx.company_id, "TimeClock", data, ctx.now)
    return backend.engine.renderer(tx, ctx).render("TimeClock", row.full(), None)


def present_clock(backend: Backend, tx: Tx, ctx: Ctx, op: Operation, values: dict[str, str],
                  params: dict[str, str], body: Any) -> dict[str, Any]:
    """`GET /timesheet/timeClock/present`: the employee's running clock, or 404 when none runs."""
    employee = _int_param(params, "employeeId") or ctx.employee_id
    running = [c for c in tx.find(ctx.company_id, "TimeClock", "employee.id", employee) if not c.data.get("timeStop")]
    if not running:
        raise not_found("En stoppeklokke som går for den ansatte")
    return running[0].full()


def _entry_of(tx: Tx, ctx: Ctx, clock: dict[str, Any]) -> Row | None:
    """The day's entry of the clock's employee, activity and project."""
    keys = ("employee", "activity", "project")
    return next((e for e in tx.find(ctx.company_id, "TimesheetEntry", "date", clock["date"])
                 if all(_ref_id(e.data.get(k)) == _ref_id(clock.get(k)) for k in keys)), None)


def _elapsed(clock: dict[str, Any], now: str) -> float:
    seconds = (dt.datetime.fromisoformat(now) - dt.datetime.fromisoformat(clock["timeStart"])).total_seconds()
    return max(0.0, round(seconds / 3600 - float(clock.get("lunchBreakDuration") or 0), 2))


def stop_clock(backend: Backend, tx: Tx, ctx: Ctx, op: Operation, values: dict[str, str],
               params: dict[str, str], body: Any) -> None:
    """`PUT /timesheet/timeClock/{id}/:stop`: the clock's hours go onto the day's entry (made if there is none)."""
    clock = tx.get(ctx.company_id, "TimeClock", int(values["id"]))
    if clock is None:
        raise not_found()
    version = _int_param(params, "version")
    if version is not None and version != clock.version:
        raise stale(version, clock.version)
    if clock.data.get("timeStop"):
        raise invalid([(None, "Stoppeklokken er allerede stoppet.")])
    hours, rules = _elapsed(clock.data, ctx.now), TimesheetEntryRules()
    entry = _entry_of(tx, ctx, clock.data)
    if entry is None:
        data: dict[str, Any] = {k: clock.data[k] for k in ("employee", "activity", "project", "date")
                                if k in clock.data}
        data = {**data, "hours": hours, "timeClocks": [{"id": clock.id}]}
        rules.on_create(tx, ctx, data)
        entry = tx.insert(ctx.company_id, "TimesheetEntry", data, ctx.now)
    else:
        data = {**entry.data, "hours": float(entry.data.get("hours") or 0) + hours,
                "timeClocks": [*(entry.data.get("timeClocks") or []), {"id": clock.id}]}
        rules.on_update(tx, ctx, entry, data)
        entry = tx.replace(ctx.company_id, "TimesheetEntry", entry, data, ctx.now)
    stopped = {**clock.data, "timeStop": ctx.now, "timesheetEntry": {"id": entry.id}}
    tx.replace(ctx.company_id, "TimeClock", clock, stopped, ctx.now)


class CompanyHolidayRules(Rules):
    """A date required, once; the percentage of the day off between 0 and 100 (default a whole day)."""

    required = ("date",)

    def on_create(self, tx: Tx, ctx: Ctx, data: dict[str, Any]) -> None:
        """Default a whole day off, then check."""
        super().on_create(tx, ctx, data)
        data.setdefault("percentage", 100.0)
        self._check(tx, ctx, data, None)

    def on_update(self, tx: Tx, ctx: Ctx, old: Row, data: dict[str, Any]) -> None:
        """Check the changed holiday."""
        super().on_update(tx, ctx, old, data)
        self._check(tx, ctx, data, old.id)

    def filters(self, params: Mapping[str, str]) -> list[tuple[str, list[Any]]]:
        """`years`: the holidays of those years."""
        raw = params.get("years", "").strip()
        if not raw:
            return []
        try:
            years = [str(y) for y in id_list(raw)]
        except ValueError:
            raise invalid([("years", f"Ugyldig år: {raw!r}.")], code=21000) from None
        return [(f"substr(json_extract(data, '$.date'), 1, 4) IN ({', '.join('?' * len(years))})", years)]

    @staticmethod
    def _check(tx: Tx, ctx: Ctx, data: dict[str, Any], own: int | None) -> None:
        if not 0 <= float(data.get("percentage") or 0) <= 100:
            raise invalid([("percentage", "Prosentandelen må være mellom 0 og 100.")])
        if any(r.id != own for r in tx.find(ctx.company_id, "CompanyHolidays", "date", data["date"])):
            raise invalid([("date", f"Det finnes allerede en firmafridag {data['date']}.")])


class SalaryTypeSpecificationRules(Rules):
    """Employee, salary type, date and count required; a count is not negative."""

    required = ("employee", "salaryType", "date", "count")

    def on_create(self, tx: Tx, ctx: Ctx, data: dict[str, Any]) -> None:
        """Check the count."""
        super().on_create(tx, ctx, data)
        self._count(data)

    def on_update(self, tx: Tx, ctx: Ctx, old: Row, data: dict[str, Any]) -> None:
        """Check the count."""
        super().on_update(tx, ctx, old, data)
        self._count(data)

    @staticmethod
    def _count(data: dict[str, Any]) -> None:
        if float(data["count"]) < 0:
            raise invalid([("count", "Antallet kan ikke være negativt.")])


class SalaryTypeRules(Rules):
    """Every salary type of the sandbox is active: `isInactive=true` finds none."""

    def filters(self, params: Mapping[str, str]) -> list[tuple[str, list[Any]]]:
        """`isInactive` as a condition on the (always active) salary types."""
        value = params.get("isInactive", "").strip().lower()
        if value not in ("", "true", "false"):
            raise invalid([("isInactive", f"Ugyldig verdi: {params['isInactive']!r}.")], code=21000)
        return [("0 = 1", [])] if value == "true" else []


RULES: dict[str, Rules] = {
    "TimesheetEntry": TimesheetEntryRules(), "TimeClock": TimeClockRules(), "CompanyHolidays": CompanyHolidayRules(),
    "TimesheetSalaryTypeSpecification": SalaryTypeSpecificationRules(), "SalaryType": SalaryTypeRules(),
}
ACTIONS = {"time_clock.start": start_clock, "time_clock.stop": stop_clock, "time_clock.present": present_clock}
AGGREGATES = {"timesheet_entry.search": sum_hours}
