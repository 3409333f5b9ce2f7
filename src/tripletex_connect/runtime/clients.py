"""One client (one session) per connection, shared by every scenario that uses it; one rate limiter for all."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..client import Tripletex
    from ..core.config import ConnectionSettings

SERVICE_LIMITER = "memory"
"""The rate limiter of a service whose connection names none: shared in the process, one bucket per credential."""

Factory = Callable[[str | None], "Tripletex"]
"""Makes the client of a connection: a profile name, or None for the service's own connection."""


class ClientPool:
    """Clients by connection, created on first use and closed together; two connections that resolve to the
    same base URL, credential and company share one client (one session)."""

    def __init__(self, factory: Factory) -> None:
        self.factory = factory
        self._clients: dict[tuple[str | None, int | None], Tripletex] = {}
        self._by_key: dict[str, Tripletex] = {}
        self._lock = threading.RLock()

    def get(self, connection: str | None, company: int | None = None) -> Tripletex:
        """The shared client of a connection, acting for a client company when `company` is given."""
        from ..scenario.runner import connection_key

        with self._lock:
            client = self._clients.get((connection, company))
            if client is None:
                if company is None:
                    made = self.factory(connection)
                    # two connection names for one base URL, credential and company share one client and session
                    client = self._by_key.setdefault(connection_key(made), made)
                    if client is not made:
                        made.close()
                else:
                    client = self.get(connection).with_company(company)
                self._clients[(connection, company)] = client
            return client

    def close(self) -> None:
        """Close every client."""
        with self._lock:
            for client in {id(c): c for c in [*self._by_key.values(), *self._clients.values()]}.values():
                client.close()
            self._clients.clear()
            self._by_key.clear()


def service_settings(settings: ConnectionSettings) -> ConnectionSettings:
    """A connection as the service uses it: with a rate limiter that follows the X-Rate-Limit-* headers (the
    one configured, else the process's shared one), so every client of one credential spends one budget."""
    if settings.rate_limit_backend:
        return settings
    return replace(settings, rate_limit_backend=SERVICE_LIMITER)
