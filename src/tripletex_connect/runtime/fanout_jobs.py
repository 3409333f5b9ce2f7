"""`ttx serve` with `companies:`: a schedule tick or a watch poll becomes one job per client company.

Each company's work has its own queue (`scenario@company`), so runs of one scenario for one company never
overlap while companies run side by side within the service's bound. A tick's queued run is split into one
queued run per company in one transaction: a restart runs the companies' runs, never the tick twice.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from typing import TYPE_CHECKING

from ..scenario.companies import resolve_companies
from .store import iso

if TYPE_CHECKING:
    from .service import Active, Service

log = logging.getLogger("tripletex_connect.runtime")


def queue_key(scenario: str, company: int | None) -> str:
    """The queue of a scenario's work for one company (the scenario's own queue without one)."""
    return scenario if not company else f"{scenario}@{company}"


def company_ids(service: Service, active: Active) -> list[int] | None:
    """The ids of the companies the scenario selects (one request), or None when resolving failed (logged)."""
    selector = active.scenario.companies
    assert selector is not None
    try:
        return [c.id for c in resolve_companies(service.client_for(active.scenario), selector)]
    except Exception as exc:
        log.warning("%s: cannot list its companies: %s", active.name, exc)
        return None


def split_tick(service: Service, active: Active, run_id: int, due: dt.datetime) -> None:
    """Turn a claimed tick into one queued run per company, each queued for its company."""
    ids = company_ids(service, active)
    if ids is None:
        selector = active.scenario.companies
        error = f"cannot list the companies to run for ({selector.describe() if selector else 'none'})"
        service.store.start_run(run_id, service.clock())
        service.store.finish_run(run_id, {"scenario": active.name, "status": "failed", "error": error,
                                          "ended": iso(service.clock()), "steps": {}})
        return
    for company, child in zip(ids, service.store.split_run(run_id, ids), strict=True):
        service.submit(queue_key(active.name, company), "tick",
                       functools.partial(service._run_tick, active, child, due, company))


def poll_companies(service: Service, active: Active, module: str | None = None) -> None:
    """A watch's poll for every company, each in its company's queue (skipped while its last poll runs)."""
    for company in company_ids(service, active) or []:
        service.submit(queue_key(active.name, company), "poll",
                       functools.partial(service._poll, active, module, company), once=True)
