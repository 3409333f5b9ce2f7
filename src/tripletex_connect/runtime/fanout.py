"""Fan-out in this process: one scenario run per client company on a bounded pool of threads.

Companies start in the order given (first come, first served, so none waits behind a later one), at most
`concurrency` at a time; a company's failure, whatever it is, becomes its outcome and never stops the others.
Runs share the accountant's rate limiter (`with_company` keeps it) and one state, whose calls are serialised.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from ..core.redact import MASK, scrub
from ..scenario.companies import CompanyRef
from ..scenario.runner import client_secrets, run_scenario
from ..scenario.state import DataStore, FileState, ScenarioState
from ..scenario.storage import data_dir

if TYPE_CHECKING:
    from ..client import Tripletex
    from ..scenario.model import Scenario
    from ..scenario.results import ScenarioResult

DEFAULT_CONCURRENCY = 4
"""Companies run at the same time unless told otherwise."""
OutcomeStatus = Literal["ok", "failed", "incomplete"]
STATUSES: tuple[OutcomeStatus, ...] = ("ok", "failed", "incomplete")
CompanyRun = Callable[["Scenario", "Tripletex", CompanyRef, dict[str, Any]], "CompanyOutcome"]
"""Runs the scenario for one company with that company's client (and run options); returns its outcome."""


@dataclass(frozen=True)
class CompanyOutcome:
    """How one company's run ended: ok, failed or incomplete, with its run id, a summary or error, and counts."""

    company: CompanyRef
    status: OutcomeStatus
    run_id: str | None = None
    summary: str = ""
    error: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    output: Any = None
    """The scenario's output for this company (a list, one per run, for a watch); None when it did not end ok."""

    @property
    def ok(self) -> bool:
        """True when the company's run neither failed nor broke."""
        return self.status == "ok"

    def to_dict(self) -> dict[str, Any]:
        """The outcome as JSON data."""
        return {"company": {"id": self.company.id, "name": self.company.name}, "status": self.status,
                "run_id": self.run_id, "summary": self.summary, "error": self.error, "counts": dict(self.counts),
                "output": self.output}


@dataclass
class FanoutSummary:
    """Every company's outcome of one fan-out, in the order the companies were given, with totals."""

    scenario: str
    outcomes: list[CompanyOutcome] = field(default_factory=list)

    @property
    def totals(self) -> dict[str, int]:
        """How many companies ended ok, failed and incomplete, and how many there were."""
        counts: dict[str, int] = {"companies": len(self.outcomes)}
        for status in STATUSES:
            counts[status] = sum(1 for o in self.outcomes if o.status == status)
        return counts

    @property
    def ok(self) -> bool:
        """True when every company's run ended ok."""
        return all(o.ok for o in self.outcomes)

    def to_dict(self) -> dict[str, Any]:
        """The summary as JSON data: scenario, totals and one entry per company."""
        return {"scenario": self.scenario, "ok": self.ok, "totals": self.totals,
                "companies": [o.to_dict() for o in self.outcomes]}


class InProcessExecutor:
    """The embedded engine: companies on threads of this process, at most `concurrency` at a time."""

    def __init__(self, run_company: CompanyRun | None = None, *,
                 on_outcome: Callable[[CompanyOutcome], None] | None = None) -> None:
        self.run_company = run_company or run_company_scenario
        self.on_outcome = on_outcome

    def run_fanout(self, scenario: Scenario, client: Tripletex, companies: Sequence[CompanyRef], *,
                   concurrency: int = DEFAULT_CONCURRENCY, **run_options: Any) -> FanoutSummary:
        """Run `scenario` once per company with `client.with_company(id)`; every company gets an outcome."""
        if concurrency < 1:
            raise ValueError(f"concurrency must be at least 1, got {concurrency}")
        options = dict(run_options)
        if "state" not in options or options["state"] is None:
            options["state"] = FileState(options.pop("data_dir", None) or data_dir(), client_secrets(client))
        options["state"] = SerializedState(options["state"])
        ordered = list(dict.fromkeys(companies))
        with ThreadPoolExecutor(max_workers=min(concurrency, max(len(ordered), 1)),
                                thread_name_prefix="ttx-fanout") as pool:
            futures = [pool.submit(self._one, scenario, client, company, options) for company in ordered]
            outcomes = [f.result() for f in futures]
        return FanoutSummary(scenario.name, outcomes)

    def _one(self, scenario: Scenario, client: Tripletex, company: CompanyRef, options: dict[str, Any]
             ) -> CompanyOutcome:
        """One company's run; whatever it raises becomes a failed outcome."""
        company_client: Tripletex | None = None
        try:
            company_client = client.with_company(company.id)
            outcome = self.run_company(scenario, company_client, company, options)
        except Exception as exc:
            outcome = CompanyOutcome(company, "failed", error=_message(exc, client))
        finally:
            if company_client is not None:
                company_client.close()
        if self.on_outcome is not None:
            self.on_outcome(outcome)
        return outcome


def run_company_scenario(scenario: Scenario, client: Tripletex, company: CompanyRef,
                         options: dict[str, Any]) -> CompanyOutcome:
    """The default run of one company: `run_scenario` with the company's client, summed up as an outcome."""
    return outcome_of(company, run_scenario(scenario, client, **options))


def outcome_of(company: CompanyRef, result: ScenarioResult) -> CompanyOutcome:
    """A company's outcome from its ScenarioResult: failed if a run failed, incomplete if one broke, else ok."""
    statuses = [run.status for run in result.runs]
    status: OutcomeStatus = "ok"
    if any(s in ("failed", "interrupted") for s in statuses):
        status = "failed"
    elif "incomplete" in statuses:
        status = "incomplete"
    counts = {"runs": len(result.runs), "writes": sum(len(r.writes) for r in result.runs),
              "errors": sum(len(r.failures) for r in result.runs)}
    error = next((r.error for r in reversed(result.runs) if r.error), None)
    output = result.output if status == "ok" and result.runs else None
    return CompanyOutcome(company, status, summary=_summary(result, counts), error=error, counts=counts,
                          output=output)


def _summary(result: ScenarioResult, counts: dict[str, int]) -> str:
    if not result.runs:
        return result.note or "nothing to do"
    text = f"{counts['runs']} run(s), {counts['writes']} write(s)"
    return text + (f", {counts['errors']} error(s)" if counts["errors"] else "")


def _message(exc: BaseException, client: Tripletex) -> str:
    text = f"{type(exc).__name__}: {exc}" if not str(exc) else str(exc)
    for secret in client_secrets(client):
        text = text.replace(secret, MASK)
    return scrub(text)


class SerializedState:
    """A ScenarioState shared by concurrent runs: one call at a time (file state reads, changes and rewrites)."""

    def __init__(self, inner: ScenarioState) -> None:
        self.inner: ScenarioState = inner.inner if isinstance(inner, SerializedState) else inner
        self.lock = threading.RLock()

    def load_position(self, key: str) -> dict[str, Any] | None:
        """The inner state's position of `key`."""
        with self.lock:
            return self.inner.load_position(key)

    def save_position(self, key: str, position: dict[str, Any]) -> None:
        """Store a position in the inner state."""
        with self.lock:
            self.inner.save_position(key, position)

    def append_run(self, record: dict[str, Any]) -> None:
        """Add a run's record to the inner state."""
        with self.lock:
            self.inner.append_run(record)

    def datastore(self, namespace: str) -> DataStore:
        """The inner state's data store of `namespace`, its calls serialised too."""
        with self.lock:
            return _SerializedStore(self.inner.datastore(namespace), self.lock)


class _SerializedStore:
    def __init__(self, inner: DataStore, lock: threading.RLock) -> None:
        self.inner = inner
        self.lock = lock

    def get(self, key: str) -> Any:
        with self.lock:
            return self.inner.get(key)

    def set(self, key: str, value: Any) -> None:
        with self.lock:
            self.inner.set(key, value)

    def delete(self, key: str) -> bool:
        with self.lock:
            return self.inner.delete(key)

    def search(self, prefix: str = "") -> list[tuple[str, Any]]:
        with self.lock:
            return self.inner.search(prefix)
