"""`ttx serve` with `companies:`: a schedule tick or a watch poll becomes one job per client company.

Each company's work has its own queue (`scenario@company`), so runs of one scenario for one company never
overlap while companies run side by side within the service's bound. A tick's queued run is split into one
queued run per company in one transaction: a restart runs the companies' runs, never the tick twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..scenario.companies import resolve_companies
from .store import RunStore, iso

if TYPE_CHECKING:
    from ..client import Tripletex
    from ..scenario.model import Scenario

log = logging.getLogger("tripletex_connect.runtime")


def queue_key(scenario: str, company: int | None) -> str:
    """The queue of a scenario's work for one company (the scenario's own queue without one)."""
    return scenario if not company else f"{scenario}@{company}"


def company_ids(client: Tripletex, scenario: Scenario) -> list[int] | None:
    """The ids of the companies the scenario selects (one request), or None when resolving failed (logged)."""
    assert scenario.companies is not None
    try:
        return [c.id for c in resolve_companies(client, scenario.companies)]
    except Exception as exc:
        log.warning("%s: cannot list its companies: %s", scenario.name, exc)
        return None


def split_tick(store: RunStore, client: Tripletex, scenario: Scenario, run_id: int, now: dt.datetime,
               submit: Callable[[int, int], None]) -> None:
    """Turn a claimed tick into one queued run per company; `submit(company, run_id)` queues each."""
    ids = company_ids(client, scenario)
    if ids is None:
        selector = scenario.companies
        error = f"cannot list the companies to run for ({selector.describe() if selector else 'none'})"
        store.start_run(run_id, now)
        store.finish_run(run_id, {"scenario": scenario.name, "status": "failed", "error": error,
                                  "ended": iso(now), "steps": {}})
        return
    for company, child in zip(ids, store.split_run(run_id, ids), strict=True):
        submit(company, child)


def poll_companies(client: Tripletex, scenario: Scenario, submit: Callable[[int], None]) -> None:
    """A watch's poll for every company: `submit(company)` queues each in its company's queue."""
    for company in company_ids(client, scenario) or []:
        submit(company)
