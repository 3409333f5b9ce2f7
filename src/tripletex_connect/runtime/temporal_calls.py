"""One catalog operation for a workflow, on the worker: credentials resolved here, the answer trimmed to data.

This is what a step's activity does, without Temporal: `perform` sends one call with a client the worker made
for the connection's name, and says how an error must be treated (retried by Temporal, or handed to the
step's error handler). A write tried a second time (its first attempt's worker died, or its answer was lost)
is never sent blindly: it is reported as outcome unknown, and the workflow checks before sending it again.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx

from .. import catalog
from ..core.config import ConnectionSettings
from ..core.errors import APIError, OutcomeUnknownError, TripletexError
from ..core.limiter import RateLimiter, limiter_for
from ..core.session_store import SessionStore, session_store_for
from ..core.transport import client_options
from ..scenario.runner import to_output

if TYPE_CHECKING:
    from ..client import Tripletex

Connect = Callable[[str | None, int], "Tripletex"]
"""Makes a client for a connection name (a profile) and a company id, on the worker."""


@dataclass
class CallFailed(Exception):
    """A call's error as data, and whether Temporal may try it again."""

    data: dict[str, Any]
    retryable: bool

    def __str__(self) -> str:
        return str(self.data.get("message") or self.data.get("kind"))


WARM_UP_SCENARIO = """
name: warm-up
vars: {name: Kunde}
steps:
  - id: found
    module: customer.search
    when: "{{ vars.name | length > 0 }}"
    params: {customer_name: "{{ vars.name }}", fields: "id,name"}
"""
"""A scenario a worker evaluates up to its first call at start-up: the loader's and the runner's first use."""


def warm_up(models: Iterable[str] | None = None) -> None:
    """Pay a worker's first-use costs before it polls: the client's modules, the scenario loader and runner, and
    the answer parsers of `models` (every model of the catalog by default), which the first companies would
    otherwise pay while their calls wait (~0.1 s of CPU per model and for the first scenario, per process)."""
    import datetime as dt

    from .. import client as _client  # noqa: F401
    from .. import models as _models
    from ..scenario.runner import resolve_vars
    from .temporal_driver import NeedCall, drive, scenario_of

    scenario = scenario_of("<warm-up>", WARM_UP_SCENARIO, {})
    now = dt.datetime.now(dt.UTC)
    with contextlib.suppress(NeedCall):  # evaluated as far as a worker's first workflow task goes
        drive(scenario, connection=None, company_id=0, values=resolve_vars(scenario, {}), answers={}, started=now,
              now=lambda: now)
    _models.prepare_parsers(sorted(catalog.model_names()) if models is None else models)


def local_connections(connect: Connect) -> list[str | None]:
    """The connections a worker can resolve before any run names one: with the default resolver, the default
    connection and every profile of the worker's config (none when the config cannot be read)."""
    if connect is not profile_client:
        return []
    from ..core.profiles import ProfileStore

    try:
        names: list[str | None] = [profile.name for profile in ProfileStore.default().list()]
    except (OSError, TripletexError):
        names = []
    return [None, *names]


def profile_client(connection: str | None, company_id: int) -> Tripletex:
    """The default resolver: the named profile (or the environment's tokens), acting for `company_id`."""
    from ..client import Tripletex

    return Tripletex(profile=connection, company_id=company_id)


@dataclass
class Shared:
    """What every company's client of one connection shares on a worker: settings, HTTP pool, limiter, sessions."""

    settings: ConnectionSettings
    http: httpx.Client
    limiter: RateLimiter | None
    sessions: SessionStore

    @classmethod
    def of(cls, client: Tripletex) -> Shared:
        """The shared parts for the connection `client` was made for (its settings' limiter and session store)."""
        return cls(client.settings, httpx.Client(**client_options(client.settings)), limiter_for(client.settings),
                   session_store_for(client.settings))

    def client(self, company_id: int) -> Tripletex:
        """A client acting for `company_id`: cheap, since it makes no pool (no TLS set-up) of its own."""
        from ..client import Tripletex

        return Tripletex(settings=self.settings.with_company(company_id), http_client=self.http,
                         rate_limiter=self.limiter, session_store=self.sessions)


class Clients:
    """The worker's clients, one per connection and company, made on first use and reused. `connect` resolves a
    connection once; all its companies' clients share one HTTP pool, rate limiter and session store, so a
    company's first call costs no new pool, TLS context or session."""

    def __init__(self, connect: Connect = profile_client) -> None:
        self.connect = connect
        self.made: dict[tuple[str | None, int], Tripletex] = {}
        self.shared: dict[str | None, Shared] = {}
        self.lock = threading.Lock()

    def get(self, connection: str | None, company_id: int) -> Tripletex:
        """The client of a connection and company."""
        with self.lock:
            key = (connection, company_id)
            if key not in self.made:
                self.made[key] = self._shared(connection, company_id).client(company_id)
            return self.made[key]

    def prepare(self, connections: Iterable[str | None]) -> None:
        """Resolve these connections now (pool, limiter, session store), so no run waits for it; one that fails
        is left to fail the runs that name it, as before."""
        for connection in connections:
            with self.lock, contextlib.suppress(TripletexError):
                self._shared(connection, 0)

    def _shared(self, connection: str | None, company_id: int) -> Shared:
        shared = self.shared.get(connection)
        if shared is None:
            with self.connect(connection, company_id) as resolved:
                shared = self.shared[connection] = Shared.of(resolved)
        return shared

    def close(self) -> None:
        """Close every client made, and the HTTP pools they share."""
        with self.lock:
            for client in self.made.values():
                client.close()
            for shared in self.shared.values():
                shared.http.close()
            self.made.clear()
            self.shared.clear()


def perform(client: Tripletex, call: Mapping[str, Any], attempt: int = 1) -> Any:
    """Send one call (`CallSpec.payload()`); its answer as scenario data, or CallFailed saying how to treat it."""
    from .temporal_driver import error_data

    write = bool(call.get("write"))
    if write and attempt > 1:
        unknown = OutcomeUnknownError(method=str(call.get("method") or "write"), path=str(call["operation"]),
                                      cause=f"attempt {attempt}: an earlier attempt may have reached Tripletex")
        raise CallFailed(error_data(unknown), retryable=False)
    try:
        return _send(client, call)
    except OutcomeUnknownError as exc:
        raise CallFailed(error_data(exc), retryable=False) from None
    except APIError as exc:  # the transport already retried what was safe: Tripletex's answer is final
        raise CallFailed(error_data(exc), retryable=False) from None
    except TripletexError as exc:  # no answer: a read may be tried again, a write's outcome is unknown
        if write:
            lost = OutcomeUnknownError(method=str(call.get("method") or "write"), path=str(call["operation"]),
                                       cause=str(exc))
            raise CallFailed(error_data(lost), retryable=False) from None
        raise CallFailed(error_data(exc), retryable=True) from None


def _send(client: Tripletex, call: Mapping[str, Any]) -> Any:
    if call["operation"] == "api":
        return to_output(client.request(str(call["method"]), str(call["path"]), params=call.get("params") or {},
                                        json=call.get("body")))
    op = catalog.get(str(call["operation"]))
    return to_output(client.invoke(op.key, call.get("params") or {}, body=call.get("body"), limit=call.get("limit")))
