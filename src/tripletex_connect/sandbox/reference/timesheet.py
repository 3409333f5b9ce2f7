"""The timesheet reference data of a new company: its timesheet settings and salary types."""

from __future__ import annotations

from typing import Any

from .accounts import account_id

# number, name, shown in the timesheet
SALARY_TYPES = (
    ("2000", "Fastlønn", False), ("2002", "Timelønn", True), ("2005", "Overtidstillegg 50 %", True),
    ("2006", "Overtidstillegg 100 %", True), ("2020", "Kveldstillegg", True), ("2030", "Helligdagstillegg", True),
)


def timesheet_settings() -> list[dict[str, Any]]:
    """The company's timesheet settings (one object): time clocks on, months completed by the employee."""
    return [{"id": 1, "timeClock": True, "timesheetCompleted": True, "flexBalance": True, "vacationBalance": True,
             "showDetailedTimeSheet": False, "defaultProjectActivity": {"id": 2}}]


def salary_types() -> list[dict[str, Any]]:
    """Salary types (lønnsarter) hours can be specified on, debited to salaries (5000)."""
    return [
        {"id": i, "number": number, "name": name, "description": name, "showInTimesheet": shown,
         "isSickPayable": True, "isVacationPayable": True, "isTaxable": True,
         "isPayrollTaxable": True, "accountNumberDebit": {"id": account_id(5000)},
         "accountNumberCredit": {"id": account_id(2930)}}
        for i, (number, name, shown) in enumerate(SALARY_TYPES, start=1)
    ]
