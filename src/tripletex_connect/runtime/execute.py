"""One run of a scenario through the scenario runner, turned into what the store keeps: a record, a status,
the failing step and error, and the checkpoint a broken run leaves for resuming.
"""

from __future__ import annotations

import datetime as dt
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..core.redact import scrub
from ..scenario.expressions import render
from ..scenario.runner import Runner, RunOptions, connection_name, plain, resolve_vars

if TYPE_CHECKING:
    from ..client import Tripletex
    from ..scenario import Scenario

Clock = Callable[[], dt.datetime]


@dataclass
class Outcome:
    """What one run left: its history record and, for a broken run, where it stopped and its checkpoint."""

    record: dict[str, Any]
    status: str
    step: str | None = None
    error: str | None = None
    checkpoint: Any = None

    @property
    def ok(self) -> bool:
        """True unless the run failed or broke."""
        return self.status not in ("failed", "incomplete", "interrupted")


def runner_for(scenario: Scenario, client: Tripletex, now: Clock, state: Any = None) -> Runner:
    """A scenario runner that records nothing itself (the service stores the runs); data stores in `state`."""
    return Runner(scenario, client, resolve_vars(scenario, None), RunOptions(record=False, now=now, state=state))


def run_once(scenario: Scenario, client: Tripletex, now: Clock, item: Any = None, state: Any = None) -> Outcome:
    """Run a scenario once (with a trigger item for watches, webhooks and schedules); never raises."""
    runner = runner_for(scenario, client, now, state)
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


def newest_id(scenario: Scenario, client: Tripletex, now: Clock, module: str | None = None) -> int | None:
    """The highest id the watch's search finds, asked for cheaply (one object, its id only)."""
    trigger = scenario.trigger
    key = module or trigger.module
    assert key is not None
    runner = runner_for(scenario, client, now)
    params = {**(render(trigger.params, runner.context()) if module is None else {}), "sorting": "-id", "fields": "id"}
    for item in client.invoke(key, params, limit=1, page_size=1):
        data = plain(item)
        value = data.get("id") if isinstance(data, dict) else None
        return value if isinstance(value, int) else None
    return None


def new_objects(scenario: Scenario, client: Tripletex, now: Clock, position: int,
                module: str | None = None) -> list[dict[str, Any]]:
    """The objects of the watch's search above `position`, oldest first."""
    runner = runner_for(scenario, client, now)
    if module is None:
        new, _ = runner.poll(position)
        return new
    out: list[dict[str, Any]] = []
    for item in client.invoke(module, {"sorting": "-id"}):
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
                checkpoint: Any, state: Any = None) -> Outcome:
    """Continue a broken run from its checkpoint through the scenario runner's `resume_run`."""
    try:
        result = resume_run(scenario, client, checkpoint, now=now, record=False, state=state)
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
    """The step a run stopped at: the last failure's, else the step whose error is the run's."""
    failures = getattr(run, "failures", None) or []
    if failures and isinstance(failures[-1], dict) and failures[-1].get("step"):
        return str(failures[-1]["step"])
    return next((sid for sid, s in run.steps.items() if s.errors and s.error == run.error), None)
