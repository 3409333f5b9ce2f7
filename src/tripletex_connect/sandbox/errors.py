"""Errors the sandbox answers with, rendered as Tripletex's error envelope."""

from __future__ import annotations

import re
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
BAD_TEXT = "Teksten inneholder ugyldige tegn."
OUT_OF_RANGE = "Verdien er utenfor gyldig område."
# Field validation: what every published real 422 of a refused field says (see tripletex-behaviour.md).
VALIDATION = 18000
VALIDATION_ERROR = "VALIDATION_ERROR"
_INDEX = re.compile(r"\[\d+\]")


def validation_message(where: str | None, message: str) -> dict[str, Any]:
    """One validation message as the real API writes it: `field` without list indexes, `path` with them."""
    field = _INDEX.sub("", where).lstrip(".") if where else where
    path = where if where and where != field else None
    return {"field": field, "message": message, "path": path, "rootId": None}


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
            "validationMessages": [validation_message(f, m) for f, m in self.messages] or None,
            "requestId": request_id,
        }


def invalid(messages: Iterable[tuple[str | None, str]], code: int = VALIDATION) -> SandboxError:
    """422: the values were refused; one message per bad field (18000 VALIDATION_ERROR unless told otherwise)."""
    developer = VALIDATION_ERROR if code == VALIDATION else None
    return SandboxError(422, code, "Validering feilet.", messages, developer_message=developer)


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
