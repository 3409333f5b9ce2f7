"""Opt-in fault injection: make the sandbox answer 429 or a 5xx on chosen requests, to test retry handling.

A fault answers `before` the request is carried out (nothing was written: what a gateway in front of
Tripletex does when it is overloaded) or `after` it (the write happened, the answer was lost: the case in
which retrying a POST would book twice).
"""

from __future__ import annotations

import fnmatch
import threading
from dataclasses import dataclass, field
from typing import Literal

from .errors import SandboxError

When = Literal["before", "after"]
STATUSES = {429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway",
            503: "Service Unavailable", 504: "Gateway Timeout"}
SESSION_PATHS = "/token/session/*"
SPEC_HELP = "STATUS[,method=M][,path=GLOB][,times=N][,when=before|after][,company=ID][,reset=S]"


class FaultSpecError(ValueError):
    """A fault description that cannot be understood; the message says what is wrong."""


@dataclass
class Fault:
    """Answer `status` to the next `times` requests matching method and path (glob, relative to /v2)."""

    status: int
    method: str = "*"
    path: str = "*"
    times: int = 1
    when: When = "before"
    company_id: int | None = None
    reset: int = 1
    hits: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise FaultSpecError(f"fault status {self.status} is not one of {', '.join(map(str, STATUSES))}")
        if self.when not in ("before", "after"):
            raise FaultSpecError(f"fault `when` is {self.when!r}; use before or after")
        if self.times < 0 or self.reset < 0:
            raise FaultSpecError("fault `times` and `reset` must not be negative (times=0: every matching request)")
        self.method = self.method.upper()

    @property
    def spent(self) -> bool:
        """True once it has answered `times` requests (never, for times=0)."""
        return self.times > 0 and self.hits >= self.times

    def matches(self, method: str, path: str, company_id: int | None, when: When) -> bool:
        """Whether this fault answers that request at that moment."""
        if self.spent or when != self.when or self.method not in ("*", method.upper()):
            return False
        if self.company_id is not None and company_id != self.company_id:
            return False
        if fnmatch.fnmatchcase(path, SESSION_PATHS) and self.path == "*":
            return False  # sessions are hit only when asked for by name, or every client would fail at login
        return fnmatch.fnmatchcase(path, self.path)

    def error(self) -> SandboxError:
        """The error answer, with the wait headers a 429 carries."""
        headers = {}
        if self.status == 429:
            headers = {"retry-after": str(self.reset), "x-rate-limit-reset": str(self.reset),
                       "x-rate-limit-remaining": "0"}
        code = 1000 if self.status == 500 else self.status
        message = f"{self.status} {STATUSES[self.status]} (injected by the sandbox, {self.when} the request)"
        return SandboxError(self.status, code, message, headers=headers)


class Faults:
    """The faults of one sandbox: thread-safe, consumed as they answer."""

    def __init__(self, faults: list[Fault] | None = None) -> None:
        self._lock = threading.Lock()
        self._faults = list(faults or [])

    def add(self, fault: Fault | str) -> Fault:
        """Add a fault (or a description such as `503,method=POST,when=after`); returns it."""
        item = parse_fault(fault) if isinstance(fault, str) else fault
        with self._lock:
            self._faults.append(item)
        return item

    def clear(self, company_id: int | None = None) -> None:
        """Remove every fault, or only those of one company."""
        with self._lock:
            self._faults = [f for f in self._faults if company_id is not None and f.company_id != company_id]

    def take(self, method: str, path: str, company_id: int | None, when: When) -> Fault | None:
        """The first fault that answers this request now, counted as used."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path, company_id, when):
                    fault.hits += 1
                    return fault
        return None

    def pending(self) -> list[Fault]:
        """The faults that have not answered all their requests yet."""
        with self._lock:
            return [f for f in self._faults if not f.spent]


def parse_fault(text: str) -> Fault:
    """A Fault from its description, e.g. `503`, `503,method=GET,times=2` or `429,path=/customer*,reset=2`."""
    status, *options = [part.strip() for part in str(text).split(",")]
    if not status.isdigit():
        raise FaultSpecError(f"fault {text!r}: start with the status, as in {SPEC_HELP}")
    values: dict[str, str] = {}
    for option in options:
        key, sep, value = option.partition("=")
        if not sep or key not in ("method", "path", "times", "when", "company", "reset"):
            raise FaultSpecError(f"fault {text!r}: {option!r} is not one of {SPEC_HELP}")
        values[key] = value
    try:
        return Fault(
            int(status), method=values.get("method", "*"), path=values.get("path", "*"),
            times=int(values.get("times", "1")), when=values.get("when", "before"),  # type: ignore[arg-type]
            company_id=int(values["company"]) if "company" in values else None, reset=int(values.get("reset", "1")),
        )
    except ValueError as error:
        if isinstance(error, FaultSpecError):
            raise
        raise FaultSpecError(f"fault {text!r}: times, company and reset are whole numbers") from None
