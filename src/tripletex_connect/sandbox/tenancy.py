"""Companies, their employees' tokens, and sessions: who may act for which company."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from .context import Ctx
from .errors import SandboxError, forbidden, invalid, unauthorized
from .store import Tx

OSLO = ZoneInfo("Europe/Oslo")
FIRST_COMPANY_ID = 100001
Clock = Callable[[], dt.datetime]


@dataclass(frozen=True)
class CompanyInfo:
    """A sandbox company: its id, the employee whose token opens it, and its client company."""

    company_id: int
    employee_id: int
    employee_token: str
    client_company_id: int | None


def _expiration(raw: str | None) -> dt.date:
    text = (raw or "").strip()
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        raise invalid([("arg:expirationDate", "Ugyldig dato. Bruk formatet ÅÅÅÅ-MM-DD.")]) from None


class Tenancy:
    """Creates companies and sessions, and turns an Authorization header into a request context."""

    def __init__(self, consumer_token: str, clock: Clock) -> None:
        self.consumer_token = consumer_token
        self.clock = clock

    def context_time(self) -> tuple[str, str]:
        """(now as UTC ISO, today in Oslo)."""
        now = self.clock()
        return now.astimezone(dt.UTC).isoformat(timespec="milliseconds"), now.astimezone(OSLO).date().isoformat()

    def register(self, tx: Tx, company_id: int, employee_id: int, token: str | None, owner: int | None) -> None:
        """Record a company, the employee that opens it and (for a client company) its accountant company."""
        tx.conn.execute(
            "INSERT INTO companies (id, owner_id, employee_id, employee_token) VALUES (?, ?, ?, ?)",
            (company_id, owner, employee_id, token),
        )

    def create_session(
        self, tx: Tx, consumer: str | None, employee: str | None, expiration: str | None
    ) -> dict[str, Any]:
        """`PUT /token/session/:create`: refused as Tripletex refuses a token of another environment."""
        problems = []
        if not consumer or consumer != self.consumer_token:
            problems.append(("arg:consumerToken", "Ugyldig token for dette miljøet."))
        row = tx.conn.execute(
            "SELECT id, employee_id FROM companies WHERE employee_token = ?", (employee or "",)
        ).fetchone()
        if row is None:
            problems.append(("arg:employeeToken", "Ugyldig token for dette miljøet."))
        if problems:
            raise SandboxError(422, 18000, "Validering feilet.", problems)
        date = _expiration(expiration)
        ends = dt.datetime.combine(date, dt.time(0), OSLO)
        if ends <= self.clock():
            raise invalid([("arg:expirationDate", "Utløpsdatoen må være etter dagens dato.")])
        token = secrets.token_urlsafe(24)
        session_id = tx.next_value(0, "session")
        tx.conn.execute(
            "INSERT INTO sessions (token, id, company_id, employee_id, employee_token, expires_at, expiration_date) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (token, session_id, row[0], row[1], employee, ends.isoformat(), date.isoformat()),
        )
        return {"id": session_id, "version": 0, "token": token, "expirationDate": date.isoformat(),
                "consumerToken": {"id": 1}, "employeeToken": {"id": row[1]}}

    def authenticate(self, tx: Tx, authorization: str | None) -> Ctx:
        """The context of a request with Basic `<companyId>:<sessionToken>`; 401/3000 or 403/9000 otherwise."""
        if not authorization or not authorization.lower().startswith("basic "):
            raise unauthorized("Basic authentication with <companyId>:<sessionToken> is required")
        try:
            user, _, token = base64.b64decode(authorization[6:].strip()).decode().partition(":")
            asked = int(user or "0")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise unauthorized("malformed Basic credentials") from None
        row = tx.conn.execute(
            "SELECT company_id, employee_id, expires_at FROM sessions WHERE token = ?", (token,)
        ).fetchone()
        if row is None:
            raise unauthorized("unknown or deleted session token")
        if dt.datetime.fromisoformat(row[2]) <= self.clock():
            raise unauthorized("the session token has expired")
        own, employee = row[0], row[1]
        now, today = self.context_time()
        if asked in (0, own):
            return Ctx(own, employee, own, token, now, today)
        if asked in self.client_ids(tx, own):
            return Ctx(asked, employee, own, token, now, today)
        raise forbidden(f"no login access to company {asked}")

    def client_ids(self, tx: Tx, company_id: int) -> list[int]:
        """The client companies an accountant company can act for."""
        rows = tx.conn.execute("SELECT id FROM companies WHERE owner_id = ? ORDER BY id", (company_id,)).fetchall()
        return [r[0] for r in rows]

    def delete_session(self, tx: Tx, ctx: Ctx, token: str) -> None:
        """`DELETE /token/session/{token}`: only the caller's own sessions."""
        cursor = tx.conn.execute(
            "DELETE FROM sessions WHERE token = ? AND company_id = ?", (token, ctx.own_company_id)
        )
        if cursor.rowcount == 0:
            raise SandboxError(404, 6000, "Sesjonen finnes ikke.")
