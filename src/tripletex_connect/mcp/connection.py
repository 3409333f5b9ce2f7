"""The server's one Tripletex connection, which also notes the request ids of every answer for the audit log."""

from __future__ import annotations

import threading
from typing import Any

import httpx

from ..client import Tripletex
from ..core.config import ConnectionSettings
from ..core.transport import client_options


class RequestIds:
    """The `x-tlx-request-id`s seen since the last `take()` (tool calls run one at a time)."""

    def __init__(self) -> None:
        self._ids: list[str] = []
        self._lock = threading.Lock()

    def seen(self, response: httpx.Response) -> None:
        """An httpx response hook: remember the answer's request id."""
        value = response.headers.get("x-tlx-request-id")
        if value and "/token/session/" not in response.request.url.path:
            with self._lock:
                self._ids.append(value)

    def take(self) -> list[str]:
        """The ids seen so far, and forget them."""
        with self._lock:
            ids, self._ids = self._ids, []
        return ids


class Connection:
    """A Tripletex client for the server, plus who it acts for (for previews) and the request ids it saw."""

    def __init__(self, settings: ConnectionSettings) -> None:
        self.settings = settings
        self.request_ids = RequestIds()
        http = httpx.Client(**client_options(settings), event_hooks={"response": [self.request_ids.seen]})
        self.client = Tripletex(settings=settings, http_client=http)
        self._http = http
        self._company: dict[str, Any] | None = None

    def secrets(self) -> list[str]:
        """The secret values that must never reach a tool result or the audit log."""
        tokens = (self.settings.consumer_token, self.settings.employee_token)
        return [t.reveal() for t in tokens if t]

    def company(self) -> dict[str, Any]:
        """The company the tools act for: id and name (looked up once)."""
        if self._company is None:
            me = self.client.whoami()
            company = getattr(me, "company", None)
            self._company = {
                "id": getattr(me, "company_id", None) or self.settings.company_id,
                "name": getattr(company, "name", None),
                "baseUrl": self.settings.base_url,
            }
            self.request_ids.take()
        return self._company

    def close(self) -> None:
        """Close the client and its connection pool."""
        self.client.close()
        self._http.close()
