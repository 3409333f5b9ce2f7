"""One client (one session, one rate limiter) per connection, shared by every scenario that uses it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..client import Tripletex

Factory = Callable[[str | None], "Tripletex"]
"""Makes the client of a connection: a profile name, or None for the service's own connection."""


class ClientPool:
    """Clients by connection, created on first use and closed together."""

    def __init__(self, factory: Factory) -> None:
        self.factory = factory
        self._clients: dict[tuple[str | None, int | None], Tripletex] = {}
        self._lock = threading.RLock()

    def get(self, connection: str | None, company: int | None = None) -> Tripletex:
        """The shared client of a connection, acting for a client company when `company` is given."""
        with self._lock:
            client = self._clients.get((connection, company))
            if client is None:
                client = self.factory(connection) if company is None else self.get(connection).with_company(company)
                self._clients[(connection, company)] = client
            return client

    def close(self) -> None:
        """Close every client."""
        with self._lock:
            for client in self._clients.values():
                client.close()
            self._clients.clear()
