"""Monthly and weekly timesheets: the status commands (complete, approve, unapprove, reopen) that open and
lock an employee's hours, and the lookups that answer a status for any employee and period."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...catalog import Operation
from ..context import Ctx
from ..errors import invalid, not_found
from ..query import id_list
from ..store import Row, Tx
from . import Rules
from .projects import _ref_id
from .timesheet import iso_week

if TYPE_CHECKING:
    from ..backend import Backend
    from ..ports import Searcher
    from ..render import Tree

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_WEEK = re.compile(r"^(\d{4})-W?(\d{1,2})$")


@dataclass(frozen=True)
class Period:
    """How one kind of period is stored and which of an employee's entries fall in it."""

    model: str
    noun: str
    key: Callable[[str], dict[str, Any]]  # the stored fields that name the period of a date

    def holds(self, status: Row, date: str) -> bool:
        """Whether a date falls in the status's period."""
        return all(status.data.get(k) == v for k, v in self.key(date).items())


MONTHLY = Period("MonthlyStatus", "Måneden", lambda date: {"monthYear": date[:7]})
WEEKLY = Period("Week", "Uken", lambda date: dict(zip(("year", "week"), iso_week(date), strict=True)))


def month_key(text: str, field: str) -> dict[str, Any]:
    """The stored fields of a `YYYY-MM` month; 422 on `field` otherwise."""
    found = _MONTH.match(text.strip())
    if not found or not 1 <= int(found.group(2)) <= 12:
        raise invalid([(field, f"Ugyldig måned: {text!r}. Bruk ÅÅÅÅ-MM.")])
    return {"monthYear": text.strip()}


def week_key(text: str, field: str) -> dict[str, Any]:
    """The stored fields of an ISO week `YYYY-WW` (or `YYYY-Www`); 422 on `field` otherwise."""
    found = _WEEK.match(text.strip())
    if found:
        year, week = int(found.group(1)), int(found.group(2))
        if 1 <= week <= dt.date(year, 12, 28).isocalendar()[1]:
            return {"year": year, "week": week}
    raise invalid([(field, f"Ugyldig uke: {text!r}. Bruk ISO-8601 uke og år, f.eks. 2026-48.")])


def status_row(tx: Tx, ctx: Ctx, period: Period, employee: int, key: dict[str, Any]) -> Row:
    """The stored status of an employee's period, made (open) the first time it is asked for."""
    for row in tx.find(ctx.company_id, period.model, "employee.id", employee):
        if all(row.data.get(k) == v for k, v in key.items()):
            return row
    if tx.get(ctx.company_id, "Employee", employee) is None:
        raise invalid([("employeeId", f"Den ansatte med id {employee} finnes ikke.")])
    fresh = {"employee": {"id": employee}, **key, "completed": False, "approved": False}
    if period is MONTHLY:
        fresh.update(hoursPayout=0.0, vacationPayout=0.0)
    return tx.insert(ctx.company_id, period.model, fresh, ctx.now)


def _entries(tx: Tx, ctx: Ctx, period: Period, status: Row) -> list[Row]:
    employee = _ref_id(status.data.get("employee"))
    return [e for e in tx.find(ctx.company_id, "TimesheetEntry", "employee.id", employee)
            if period.holds(status, str(e.data.get("date") or "0000-00-00"))]


def _transition(period: Period, command: str, status: dict[str, Any]) -> str | None:
    """Why the command cannot run in this state (None when it can)."""
    done, approved = bool(status.get("completed")), bool(status.get("approved"))
    reasons = {
        "complete": f"{period.noun} er allerede fullført." if done else None,
        "approve": None if done and not approved else
        (f"{period.noun} er allerede godkjent." if approved else f"{period.noun} må fullføres før den godkjennes."),
        "unapprove": None if approved else f"{period.noun} er ikke godkjent.",
        "reopen": (f"Godkjenningen må trekkes tilbake (unapprove) før {period.noun.lower()} gjenåpnes."
                   if approved else None if done else f"{period.noun} er ikke fullført."),
    }
    return reasons[command]


def apply(tx: Tx, ctx: Ctx, period: Period, command: str, status: Row, until: str | None = None) -> Row:
    """Run one status command on one period: the new state, and the lock flag on the period's entries."""
    reason = _transition(period, command, status.data)
    if reason:
        raise invalid([(None, reason)])
    data = dict(status.data)
    if command == "complete":
        data["completed"] = True
    elif command == "approve":
        data.update(approved=True, approvedDate=ctx.today, approvedBy={"id": ctx.employee_id})
        if period is MONTHLY:
            data["approvedUntilDate"] = until or _month_end(str(data["monthYear"]))
    elif command == "unapprove":
        data.update(approved=False, approvedDate=None, approvedBy=None, approvedUntilDate=None)
    else:
        data.update(completed=False)
    entries = _entries(tx, ctx, period, status)
    locked = bool(data.get("completed") or data.get("approved"))
    for entry in entries:
        tx.replace(ctx.company_id, "TimesheetEntry", entry, {**entry.data, "locked": locked}, ctx.now)
    data["timesheetEntries"] = [{"id": e.id} for e in entries]
    return tx.replace(ctx.company_id, period.model, status, {k: v for k, v in data.items() if v is not None}, ctx.now)


def _month_end(month: str) -> str:
    year, number = int(month[:4]), int(month[5:7])
    return f"{month}-{calendar.monthrange(year, number)[1]:02d}"


def _ids(params: Mapping[str, str], name: str) -> list[int]:
    raw = params.get(name, "").strip()
    try:
        return id_list(raw) if raw else []
    except ValueError:
        raise invalid([(name, f"Ugyldig id: {raw!r}.")], code=21000) from None


def _by_id(tx: Tx, ctx: Ctx, period: Period, params: Mapping[str, str]) -> Row | None:
    raw = params.get("id", "").strip()
    if not raw:
        return None
    row = tx.get(ctx.company_id, period.model, int(raw))
    if row is None:
        raise not_found()
    return row


def _month_command(command: str) -> Any:
    def run(backend: Backend, tx: Tx, ctx: Ctx, op: Operation, values: dict[str, str], params: dict[str, str],
            body: Any) -> list[dict[str, Any]]:
        """The command on the month of an id, or of each employee (default: the token's owner) for `monthYear`."""
        rows = [_by_id(tx, ctx, MONTHLY, params)]
        if rows[0] is None:
            if not params.get("monthYear"):
                raise invalid([("monthYear", "Kan ikke være null når id ikke er oppgitt.")])
            key = month_key(params["monthYear"], "monthYear")
            rows = [status_row(tx, ctx, MONTHLY, e, key) for e in _ids(params, "employeeIds") or [ctx.employee_id]]
        render = backend.engine.renderer(tx, ctx).render
        return [render("MonthlyStatus", apply(tx, ctx, MONTHLY, command, row, params.get("approvedUntilDate"))
                       .full(), None) for row in rows if row is not None]

    return run


def _week_command(command: str) -> Any:
    def run(backend: Backend, tx: Tx, ctx: Ctx, op: Operation, values: dict[str, str], params: dict[str, str],
            body: Any) -> dict[str, Any]:
        """The command on the week of an id, or of an employee (default: the token's owner) for `weekYear`."""
        row = _by_id(tx, ctx, WEEKLY, params)
        if row is None:
            if not params.get("weekYear"):
                raise invalid([("weekYear", "Kan ikke være null når id ikke er oppgitt.")])
            employee = int(params.get("employeeId") or ctx.employee_id)
            row = status_row(tx, ctx, WEEKLY, employee, week_key(params["weekYear"], "weekYear"))
        return backend.engine.renderer(tx, ctx).render("Week", apply(tx, ctx, WEEKLY, command, row).full(), None)

    return run


def months_of(engine: Searcher, tx: Tx, ctx: Ctx, op: Operation, params: Mapping[str, str],
              lists: Mapping[str, list[str]], tree: Tree) -> dict[str, Any]:
    """`byMonthNumberList`: the status of every employee and month asked for (open when never changed)."""
    months = [month_key(m, "monthYearList") for m in params.get("monthYearList", "").split(",") if m.strip()]
    for employee in _ids(params, "employeeIds") or [ctx.employee_id]:
        for key in months:
            status_row(tx, ctx, MONTHLY, employee, key)
    return engine.stored_search(tx, ctx, op, params, lists, tree)


def weeks_of(engine: Searcher, tx: Tx, ctx: Ctx, op: Operation, params: Mapping[str, str],
             lists: Mapping[str, list[str]], tree: Tree) -> dict[str, Any]:
    """`GET /timesheet/week`: with employees and a week, their statuses (open when never changed)."""
    if params.get("weekYear") and params.get("employeeIds"):
        key = week_key(params["weekYear"], "weekYear")
        for employee in _ids(params, "employeeIds"):
            status_row(tx, ctx, WEEKLY, employee, key)
    return engine.stored_search(tx, ctx, op, params, lists, tree)


class WeekRules(Rules):
    """`weekYear` finds the week of that ISO week and year."""

    def filters(self, params: Mapping[str, str]) -> list[tuple[str, list[Any]]]:
        """The week as conditions on its stored year and week."""
        if not params.get("weekYear"):
            return []
        key = week_key(params["weekYear"], "weekYear")
        return [("json_extract(data, '$.year') = ? AND json_extract(data, '$.week') = ?", [key["year"], key["week"]])]


COMMANDS = ("complete", "approve", "unapprove", "reopen")
RULES: dict[str, Rules] = {"Week": WeekRules()}
ACTIONS = {
    **{f"monthly_timesheet.{c}": _month_command(c) for c in COMMANDS},
    **{f"weekly_timesheet.{c}": _week_command(c) for c in COMMANDS},
}
AGGREGATES = {"monthly_timesheet.by_months": months_of, "weekly_timesheet.get": weeks_of}
