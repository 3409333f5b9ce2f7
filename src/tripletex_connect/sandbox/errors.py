"""Errors the sandbox answers with, rendered as Tripletex's error envelope."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

REQUIRED = "Feltet må fylles ut."
NOT_A_FIELD = "Feltet eksisterer ikke i objektet."
WRONG_TYPE = "Verdien er ikke av korrekt type for dette feltet."
BAD_DATE = "Ugyldig dato. Bruk formatet ÅÅÅÅ-MM-DD."
BAD_EMAIL = "Ugyldig e-postadresse."
BAD_CHOICE = "Ugyldig verdi."
IN_USE = "Nummeret er i bruk."
NOT_NULL = "Kan ikke være null."


class SandboxError(Exception):
    """An error answer: HTTP status, Tripletex code, message and per-field validation messages."""

    def __init__(
        self, status: int, code: int, message: str, messages: Iterable[tuple[str | None, str]] = (),
        developer_message: str | None = None, headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.messages = list(messages)
        self.developer_message = developer_message
        self.headers = headers or {}

    def envelope(self, request_id: str) -> dict[str, Any]:
        """The JSON body Tripletex sends for this error."""
        return {
            "status": self.status,
            "code": self.code,
            "message": self.message,
            "link": "https://tripletex.no/v2-docs/",
            "developerMessage": self.developer_message,
            "validationMessages": [{"field": f, "message": m} for f, m in self.messages] or None,
            "requestId": request_id,
        }


def invalid(messages: Iterable[tuple[str | None, str]], code: int = 15000) -> SandboxError:
    """422: the values were refused; one message per bad field."""
    return SandboxError(422, code, "Validering feilet.", messages)


def not_found(what: str = "Objektet") -> SandboxError:
    """404/6000."""
    return SandboxError(404, 6000, f"{what} finnes ikke.")


def unauthorized(detail: str) -> SandboxError:
    """401/3000."""
    return SandboxError(401, 3000, "Autentisering feilet.", developer_message=detail)


def forbidden(detail: str) -> SandboxError:
    """403/9000."""
    return SandboxError(403, 9000, "Du har ikke tilgang til denne ressursen.", developer_message=detail)


def stale(version: int, current: int) -> SandboxError:
    """409/8000: the object was changed since the caller read it."""
    return SandboxError(
        409, 8000, "Objektet har blitt endret av en annen bruker. Hent objektet på nytt og prøv igjen.",
        developer_message=f"version {version} sent, current version is {current}",
    )
