"""Keep secrets out of logs, messages and reprs: a scrubber that knows a connection's secret values."""

from __future__ import annotations

import logging
import re
import threading
import weakref
from collections.abc import Mapping
from typing import Any

MASK = "***"
# Names of query parameters and fields that carry secrets whatever their value.
SECRET_NAMES = frozenset({"consumertoken", "employeetoken", "token", "sessiontoken", "password", "authorization"})
_SECRET_QUERY = re.compile(r"(?i)\b(consumerToken|employeeToken|token|sessionToken)=([^&\s\"']+)")
# The same names as keys of JSON or of a Python dict's repr: `"employeeToken": "abc"`.
_SECRET_KEY = re.compile(
    r"(?i)([\"'](?:consumerToken|employeeToken|token|sessionToken|password)[\"']\s*:\s*)([\"'])(?:(?!\2).)*\2"
)
_AUTH_HEADER = re.compile(r"(?i)(authorization['\"]?\s*[:=]\s*['\"]?)(basic|bearer)\s+[A-Za-z0-9+/=._-]+")
# Shorter values are masked only where a pattern shows they are secret (`employeeToken=e`): replacing every
# "e" of a log line would garble it and show what the token is.
_MIN_SECRET = 4


class Redactor:
    """Replace every known secret (and secret-looking query values) in a text with `***`."""

    def __init__(self) -> None:
        self._secrets: set[str] = set()
        self._lock = threading.Lock()

    def add(self, *secrets: str | None) -> None:
        """Remember secret values to hide (tokens, session tokens, their Basic-auth forms)."""
        with self._lock:
            self._secrets.update(s for s in secrets if s and len(s) >= _MIN_SECRET)

    def secrets(self) -> set[str]:
        """A copy of the secret values this redactor hides."""
        with self._lock:
            return set(self._secrets)

    def scrub(self, text: str) -> str:
        """The text with every secret replaced by `***`."""
        return _masked(text, self._secrets)


def _masked(text: str, secrets: set[str]) -> str:
    """`text` with the given secrets (longest first, so one containing another goes whole) and the secret-looking
    patterns masked."""
    for secret in sorted(secrets, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, MASK)
    text = _SECRET_QUERY.sub(lambda m: f"{m.group(1)}={MASK}", text)
    text = _SECRET_KEY.sub(lambda m: f"{m.group(1)}{m.group(2)}{MASK}{m.group(2)}", text)
    return _AUTH_HEADER.sub(lambda m: f"{m.group(1)}{m.group(2)} {MASK}", text)


class RedactingFilter(logging.Filter):
    """A logging filter that scrubs every record with all live Redactors (installed on httpx's loggers)."""

    def __init__(self) -> None:
        super().__init__("tripletex_connect.redact")
        self._redactors: weakref.WeakSet[Redactor] = weakref.WeakSet()

    def register(self, redactor: Redactor) -> None:
        """Scrub with this redactor too, as long as it lives."""
        self._redactors.add(redactor)

    def scrub(self, text: str) -> str:
        """The text scrubbed of every registered redactor's secrets (and the generic patterns).

        One pass over the union: clients of one credential (a worker's client per company) share their secrets, and
        a pass per redactor made every scrub cost as many passes as there were clients.
        """
        return _masked(text, set().union(*(r.secrets() for r in list(self._redactors))))

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message with secrets hidden; never drops a record."""
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is the logger's problem, not ours
            return True
        record.msg, record.args = self.scrub(message), None
        return True


_FILTER = RedactingFilter()
# httpx logs request URLs (with the session :create query) at INFO/DEBUG; httpcore logs at DEBUG.
_GUARDED = ("httpx", "httpcore", "tripletex_connect")
_installed = False
_install_lock = threading.Lock()


def guard(redactor: Redactor) -> None:
    """Make every log record of httpx, httpcore and tripletex_connect pass through `redactor`."""
    global _installed
    _FILTER.register(redactor)
    with _install_lock:
        if _installed:
            return
        for name in _GUARDED:
            logger = logging.getLogger(name)
            logger.addFilter(_FILTER)
            for child in ("", ".http", "._client", ".connection", ".http11", ".http2"):
                logging.getLogger(name + child).addFilter(_FILTER)
        _installed = True


def scrub(text: str) -> str:
    """Scrub a text with every live redactor (for messages built far from a connection)."""
    return _FILTER.scrub(text)


def redact_data(value: Any) -> Any:
    """A copy of JSON-like data with the values of secret-named keys masked and every text scrubbed."""
    if isinstance(value, Mapping):
        return {k: MASK if str(k).lower() in SECRET_NAMES and v not in (None, "") else redact_data(v)
                for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact_data(v) for v in value]
    if isinstance(value, str):
        return scrub(value)
    return value
