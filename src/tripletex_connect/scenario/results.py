"""What a run produced: each step's outputs and counts, the run's status, and its history record."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass
class StepResult:
    """One step of one run: its last output, how often it ran, was skipped or failed, and its last error."""

    id: str
    module: str
    output: Any = None
    runs: int = 0
    skipped: int = 0
    errors: int = 0
    error: str | None = None

    @property
    def status(self) -> str:
        """failed, skipped, ok, or not-run."""
        if self.errors:
            return "failed"
        if self.runs:
            return "ok"
        return "skipped" if self.skipped else "not-run"

    def counts(self) -> dict[str, Any]:
        """The step's line in the run history."""
        out: dict[str, Any] = {"module": self.module, "status": self.status, "runs": self.runs}
        if self.skipped:
            out["skipped"] = self.skipped
        if self.errors:
            out["errors"] = self.errors
        return out


@dataclass
class RunResult:
    """One execution of a scenario (one per new object of a watch trigger)."""

    scenario: str
    started: dt.datetime
    ended: dt.datetime | None = None
    trigger_item: Any = None
    steps: dict[str, StepResult] = field(default_factory=dict)
    output: Any = None
    status: str = "running"
    error: str | None = None
    dry_run: bool = False
    calls: list[dict[str, Any]] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)
    """Every error a step met, handled or not: step, item, status, code, message, validation, request id."""
    writes: list[dict[str, Any]] = field(default_factory=list)
    """Every write made (step, module, method, id of the object), so a stopped run says what it left behind."""
    checkpoint: dict[str, Any] | None = None
    """For an incomplete run (a break, or a write whose outcome is unknown): what resume_run needs, as JSON data."""
    resumed_from: str | None = None

    @property
    def ok(self) -> bool:
        """True unless a step stopped the run (failed), broke it (incomplete) or it was interrupted."""
        return self.status in ("ok", "warning", "running")

    def step(self, step_id: str) -> StepResult:
        """The result of a step by id."""
        return self.steps[step_id]

    def record(self, source: str, connection: str, company: int | None = None) -> dict[str, Any]:
        """The run as a history record (no tokens: the connection is a profile name or a base URL).

        `company` is the client company the run acted for (an accountant's client; absent for the login's own).
        """
        return {
            "scenario": self.scenario,
            "file": source,
            "connection": connection,
            **({"company": company} if company else {}),
            "started": self.started.isoformat(timespec="seconds"),
            "ended": (self.ended or self.started).isoformat(timespec="seconds"),
            "status": self.status,
            "dry_run": self.dry_run,
            "trigger_item": _summary(self.trigger_item),
            "steps": {sid: result.counts() for sid, result in self.steps.items()},
            "error": self.error,
            "failures": self.failures,
            "writes": self.writes,
            **({"checkpoint": self.checkpoint} if self.checkpoint is not None else {}),
            **({"resumed_from": self.resumed_from} if self.resumed_from else {}),
        }

    def summary(self) -> str | None:
        """One line on what failed (None when nothing did): how many items, in which steps, how handled."""
        if not self.failures:
            return None
        steps = sorted({f["step"] for f in self.failures})
        unknown = sum(1 for f in self.failures if f.get("outcome") == "unknown")
        text = (f"{self.scenario}: {len(self.failures)} error(s) in step(s) {', '.join(steps)}; "
                f"run {self.status}, {len(self.writes)} write(s) made")
        return text + (f"; {unknown} write(s) with outcome unknown: check before sending again" if unknown else "")


def _summary(item: Any) -> Any:
    if not isinstance(item, dict):
        return item
    return {k: item[k] for k in ("id", "number", "customerNumber", "invoiceNumber", "name") if k in item}


@dataclass
class ScenarioResult:
    """Everything one `run_scenario` call did: a run per trigger item (one for manual and schedule)."""

    scenario: str
    runs: list[RunResult] = field(default_factory=list)
    note: str | None = None
    per_item: bool = False

    @property
    def ok(self) -> bool:
        """True when no run failed."""
        return all(run.ok for run in self.runs)

    @property
    def output(self) -> Any:
        """The output of the single run, or a list of outputs (one per trigger item) for a watch."""
        if not self.per_item and len(self.runs) == 1:
            return self.runs[0].output
        return [run.output for run in self.runs]

    @property
    def last(self) -> RunResult:
        """The last run (the only one for manual scenarios)."""
        if not self.runs:
            raise LookupError(self.note or "the scenario did not run")
        return self.runs[-1]

    def step(self, step_id: str) -> StepResult:
        """A step's result in the last run."""
        return self.last.step(step_id)
