"""Who a sandbox request acts as, and when."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Ctx:
    """The company and employee a request acts for, the session behind it, and the time it runs at."""

    company_id: int
    employee_id: int
    own_company_id: int
    token: str
    now: str  # ISO timestamp, UTC
    today: str  # YYYY-MM-DD in Oslo
