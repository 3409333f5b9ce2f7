"""A Tripletex client whose every request is logged (method, path, status, If-None-Match), through httpx's own
event hooks: tests count what a poll costs without patching anything."""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx

from tripletex_connect import Tripletex
from tripletex_connect.client import SandboxLike


@dataclass(frozen=True)
class Seen:
    """One request and its answer's status."""

    method: str
    path: str
    status: int
    if_none_match: str | None


@dataclass
class Traffic:
    """The requests a client made, in order."""

    seen: list[Seen] = field(default_factory=list)
    http: httpx.Client | None = None

    def record(self, response: httpx.Response) -> None:
        """httpx response hook."""
        request = response.request
        self.seen.append(Seen(request.method, request.url.path, response.status_code,
                              request.headers.get("if-none-match")))

    def close(self) -> None:
        """Close the HTTP client the logged client sends through."""
        if self.http is not None:
            self.http.close()

    def take(self) -> list[Seen]:
        """The requests since the last take."""
        out, self.seen = self.seen, []
        return out


def logged_client(company: SandboxLike) -> tuple[Tripletex, Traffic]:
    """A client of a sandbox company, and the log of its traffic."""
    traffic = Traffic()
    traffic.http = httpx.Client(event_hooks={"response": [traffic.record]})
    return Tripletex.for_sandbox(company, http_client=traffic.http), traffic
