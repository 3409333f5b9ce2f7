"""Accounting periods (months) and annual accounts for the previous, current and next year."""

from __future__ import annotations

import datetime as dt
from typing import Any

MONTHS = ("Januar", "Februar", "Mars", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
          "November", "Desember")


def accounting_periods(year: int) -> list[dict[str, Any]]:
    """Twelve monthly periods per year, `end` exclusive (the first day of the next month)."""
    out = []
    for offset, y in enumerate((year - 1, year, year + 1)):
        for month in range(1, 13):
            start = dt.date(y, month, 1)
            end = dt.date(y + (month == 12), month % 12 + 1, 1)
            out.append({"id": offset * 12 + month, "name": f"{MONTHS[month - 1]} {y}", "number": month,
                        "start": start.isoformat(), "end": end.isoformat(), "isClosed": y < year})
    return out


def annual_accounts(year: int) -> list[dict[str, Any]]:
    """One annual account per year."""
    return [
        {"id": i, "year": y, "start": f"{y}-01-01", "end": f"{y + 1}-01-01"}
        for i, y in enumerate((year - 1, year, year + 1), start=1)
    ]
