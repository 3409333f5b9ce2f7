"""One run of a scenario through the scenario runner, turned into what the store keeps: a record, a status,
the failing step and error, and the checkpoint a broken run leaves for resuming.
"""

from __future__ import annotations

import datetime as dt
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..core.redact import scrub
from ..scenario import cursor
from ..scenario.cursor import Look
from ..scenario.runner import Runner, RunOptions, connection_name, plain, resolve_vars

if TYPE_CHECKING:
    from ..client import Tripletex
    from ..scenario import Scenario

Clock = Callable[[], dt.datetime]
Stop = threading.Event
"""Set when the service stops: a run ends before its next step (or retry) with a checkpoint."""


@dataclass
class Outcome:
    """What one run left: its history record and, for a broken run, where it stopped and its checkpoint.

    Runs in this process and on Temporal workers both end in one (`temporal_driver.drive`); `output` is the
    run's result, which a fan-out reports per company.
    """

    record: dict[str, Any]
    status: str
    step: str | None = None
    error: str | None = None
    checkpoint: Any = None
    output: Any = None

    @property
    def ok(self) -> bool:
        """True unless the run failed or broke."""
        return self.status not in ("failed", "incomplete", "interrupted")

    def payload(self) -> dict[str, Any]:
        """The outcome as JSON data."""
        return {"record": self.record, "status": self.status, "step": self.step, "error": self.error,
                "checkpoint": self.checkpoint, "output": self.output}


def runner_for(scenario: Scenario, client: Tripletex, now: Clock, state: Any = None,
               stop: Stop | None = None) -> Runner:
    """A scenario runner that records nothing itself (the service stores the runs); data stores in `state`."""
    return Runner(scenario, client, resolve_vars(scenario, None),
                  RunOptions(record=False, now=now, state=state, **stop_options(stop)))


def stop_options(stop: Stop | None) -> dict[str, Any]:
    """Run options for a run the service may stop: asked before each step, and retry waits cut short."""
    if stop is None:
        return {}

    def wait(seconds: float) -> None:
        stop.wait(seconds)

    return {"stop": stop.is_set, "sleep": wait}


def run_once(scenario: Scenario, client: Tripletex, now: Clock, item: Any = None, state: Any = None,
             stop: Stop | None = None) -> Outcome:
    """Run a scenario once (with a trigger item for watches, webhooks and schedules); never raises.

    Once `stop` is set, the run ends `interrupted` before its next step, with a checkpoint to resume.
    """
    runner = runner_for(scenario, client, now, state, stop)
    try:
        run = runner.run_once(item)
    except Exception as exc:  # the runner's own failure still leaves a record
        started = now()
        message = runner.clean(f"{type(exc).__name__}: {exc}")
        record: dict[str, Any] = {
                  "scenario": scenario.name, "file": scenario.source, "connection": connection_name(client),
                  "company": company_of(client), "started": started.isoformat(timespec="seconds"),
                  "ended": started.isoformat(timespec="seconds"), "status": "failed", "error": message, "steps": {},
                  "trace": scrub("".join(traceback.format_exception_only(exc)))}
        return Outcome(record, "failed", error=message)
    record = run.record(scenario.source, connection_name(client), company_of(client))
    failing = _failing_step(run)
    checkpoint = getattr(run, "checkpoint", None)
    status = "incomplete" if checkpoint is not None and run.status == "failed" else run.status
    record["status"] = status
    record["ended"] = (run.ended or run.started).isoformat(timespec="seconds")
    return Outcome(record, status, step=failing, error=run.error, checkpoint=checkpoint)


def look(scenario: Scenario, client: Tripletex, now: Clock, etag: str | None, module: str | None = None) -> Look:
    """The watch's cheap look (newest id and version, `If-None-Match`); `module` for a webhook's plain search."""
    key = module or scenario.trigger.module
    assert key is not None
    params = runner_for(scenario, client, now).trigger_params() if module is None else _listing_params(module)
    return cursor.look(client, key, params, etag)


def _listing_params(module: str) -> dict[str, str]:
    from .nightly import search_params

    return search_params(module) or {}


def new_objects(scenario: Scenario, client: Tripletex, now: Clock, position: int,
                module: str | None = None) -> list[dict[str, Any]]:
    """The objects of the watch's search above `position`, oldest first."""
    runner = runner_for(scenario, client, now)
    if module is None:
        new, _ = runner.poll(position)
        return new
    out: list[dict[str, Any]] = []
    for item in client.invoke(module, {**_listing_params(module), "sorting": "-id"}):
        data = plain(item)
        if not isinstance(data, dict) or not isinstance(data.get("id"), int) or data["id"] <= position:
            break
        out.append(data)
    return list(reversed(out))


def company_of(client: Tripletex) -> int | None:
    """The client company a client acts for (an accountant's client), None for the login's own company."""
    return client.settings.company_id or None


def connection_of(client: Tripletex) -> str:
    """The connection's name as runs record it (never a token)."""
    return connection_name(client)


def resume_with(resume_run: Callable[..., Any], scenario: Scenario, client: Tripletex, now: Clock,
                checkpoint: Any, state: Any = None, stop: Stop | None = None) -> Outcome:
    """Continue a broken run from its checkpoint through the scenario runner's `resume_run`."""
    try:
        result = resume_run(scenario, client, checkpoint, now=now, record=False, state=state, **stop_options(stop))
    except Exception as exc:
        started = now().isoformat(timespec="seconds")
        message = scrub(f"{type(exc).__name__}: {exc}")
        record: dict[str, Any] = {
                  "scenario": scenario.name, "file": scenario.source, "connection": connection_name(client),
                  "company": company_of(client), "started": started, "ended": started, "status": "failed",
                  "error": message, "steps": {}}
        return Outcome(record, "failed", error=message, checkpoint=checkpoint)
    run = result.runs[-1] if hasattr(result, "runs") else result
    record = run.record(scenario.source, connection_name(client), company_of(client))
    next_checkpoint = getattr(run, "checkpoint", None)
    status = "incomplete" if next_checkpoint is not None and run.status == "failed" else run.status
    record["status"] = status
    failing = _failing_step(run)
    return Outcome(record, status, step=failing, error=run.error, checkpoint=next_checkpoint)


def _failing_step(run: Any) -> str | None:
    """The step a run stopped at: the next one of a stopped run, the last failure's, else the step whose error is
    the run's."""
    checkpoint = getattr(run, "checkpoint", None)
    if getattr(run, "status", None) == "interrupted" and isinstance(checkpoint, dict):
        return str((checkpoint.get("failed") or {}).get("step") or "") or None
    failures = getattr(run, "failures", None) or []
    if failures and isinstance(failures[-1], dict) and failures[-1].get("step"):
        return str(failures[-1]["step"])
    return next((sid for sid, s in run.steps.items() if s.errors and s.error == run.error), None)
