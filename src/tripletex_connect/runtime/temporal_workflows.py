"""The Temporal workflows: a fan-out over companies, one company's run, and a company's watch for webhook events.

A company's run evaluates the scenario's control flow in the workflow (the runner, answered from a book: see
temporal_driver) and sends each call as an activity; the run is recorded by an activity at the end. Workflow
code stays deterministic: the clock is `workflow.now()`, and the project's modules are passed through the
sandbox as imports (they are pure where the workflow uses them).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import ActivityError, ApplicationError, ChildWorkflowError, WorkflowAlreadyStartedError

with workflow.unsafe.imports_passed_through():
    # what a workflow task would otherwise import on first use: a first import there holds the import lock, which
    # on a loaded machine trips the SDK's deadlock detector (a task that does not yield within 2 s)
    from .. import models  # noqa: F401
    from ..models import check  # noqa: F401
    from ..scenario import schedule, validate  # noqa: F401
    from ..scenario.errors import ScenarioError
    from ..scenario.runner import resolve_vars
    from .execute import Outcome
    from .temporal_driver import Answers, NeedCall, NeedSleep, drive, scenario_of
    from .temporal_jobs import (
        CALL_ACTIVITY,
        COMPANY_WORKFLOW,
        EVENT_SIGNAL,
        FANOUT_WORKFLOW,
        RECORD_ACTIVITY,
        WATCH_WORKFLOW,
        CallJob,
        CompanyJob,
        FanoutJob,
        RecordJob,
        Target,
        company_id_of,
    )

LOCAL_CALLS = "local-calls"
"""The patch id of company runs whose reads and record are local activities (older histories have none)."""
EVENTS_BEFORE_NEW_RUN = 200
"""A watch workflow continues as new after this many events, so its history stays small."""


def _summary(target: Target, workflow_id: str, status: str, **extra: Any) -> dict[str, Any]:
    return {"connection": target.connection, "company_id": target.company_id, "workflow_id": workflow_id,
            "status": status, **extra}


async def _call(job: CompanyJob, spec: dict[str, Any], *, local: bool) -> dict[str, Any]:
    """One call as an activity; its answer, or its error as data for the step's error handler.

    A `local` call runs on the worker that runs the workflow and is recorded as a marker (no server round trip):
    reads only, since a local activity whose worker dies before the marker is recorded runs again from attempt 1,
    which a write must never do blindly. Writes stay activities: a second attempt is reported as outcome unknown.
    """
    retry = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_attempts=job.timeouts.attempts)
    timeout = timedelta(seconds=job.timeouts.call_seconds)
    try:
        if local:
            value = await workflow.execute_local_activity(
                CALL_ACTIVITY, CallJob(job.target, spec), retry_policy=retry, start_to_close_timeout=timeout)
        else:
            value = await workflow.execute_activity(
                CALL_ACTIVITY, CallJob(job.target, spec), retry_policy=retry, start_to_close_timeout=timeout)
    except ActivityError as exc:
        cause = exc.cause
        if isinstance(cause, ApplicationError) and cause.details and isinstance(cause.details[0], dict):
            return {"error": cause.details[0]}
        return {"error": {"kind": "other", "message": str(cause or exc)}}
    return {"value": value}


@workflow.defn(name=COMPANY_WORKFLOW)
class CompanyWorkflow:
    """One run of a scenario for one company: the steps' calls as activities, the run recorded at the end."""

    @workflow.run
    async def run(self, job: CompanyJob) -> dict[str, Any]:
        """Run the scenario to its end; a summary of the outcome (status, error, output, run id)."""
        info = workflow.info()
        try:
            scenario = scenario_of(job.scenario.source, job.scenario.text, job.scenario.vars)
            values = resolve_vars(scenario, job.scenario.vars)
        except ScenarioError as exc:
            return _summary(job.target, info.workflow_id, "failed", error=str(exc))
        # runs started before local calls existed replay on their own path: every call an activity
        local = workflow.patched(LOCAL_CALLS)
        started = workflow.now()
        answers: Answers = {}
        while True:
            try:
                outcome = drive(scenario, connection=job.target.connection, company_id=job.target.company_id,
                                values=values, answers=answers, started=started, now=workflow.now,
                                trigger_item=job.trigger_item)
                break
            except NeedCall as need:
                answers[need.spec.site] = await _call(job, need.spec.payload(), local=local and not need.spec.write)
            except NeedSleep as sleep:
                await asyncio.sleep(sleep.seconds)
                answers[sleep.site] = {"value": sleep.seconds}
        run_id = await self.record(outcome, local=local)
        return _summary(job.target, info.workflow_id, outcome.status, error=outcome.error, step=outcome.step,
                        output=outcome.output, run_id=run_id, calls=len(answers))

    async def record(self, outcome: Outcome, *, local: bool) -> Any:
        """Hand the run to the worker's run store (once per workflow id, whichever worker takes it: so it may run
        as a local activity)."""
        job = RecordJob(workflow.info().workflow_id, outcome.payload())
        timeout, retry = timedelta(seconds=30), RetryPolicy(maximum_attempts=10)
        if local:
            return await workflow.execute_local_activity(RECORD_ACTIVITY, job, start_to_close_timeout=timeout,
                                                         retry_policy=retry)
        return await workflow.execute_activity(RECORD_ACTIVITY, job, start_to_close_timeout=timeout,
                                               retry_policy=retry)


@workflow.defn(name=FANOUT_WORKFLOW)
class FanoutWorkflow:
    """A scenario for many companies: one child workflow per company, a bounded number at a time."""

    @workflow.run
    async def run(self, job: FanoutJob) -> list[dict[str, Any]]:
        """Each company's outcome, in the order given; one company's failure does not stop the others.

        Without a run key (a schedule's tick) the key is the last part of the workflow's id, which a Temporal
        Schedule ends with the tick's time.
        """
        if not job.run_key:
            job.run_key = workflow.info().workflow_id.rsplit("/", 1)[-1]
        gate = asyncio.Semaphore(max(1, job.concurrency))

        async def one(target: Target) -> dict[str, Any]:
            async with gate:
                return await self.company(job, target)

        return list(await asyncio.gather(*(one(t) for t in job.targets)))

    async def company(self, job: FanoutJob, target: Target) -> dict[str, Any]:
        """One company's child workflow; a company this run key already ran is not started again."""
        child = company_id_of(job.scenario.name, job.run_key, target)
        try:
            result: dict[str, Any] = await workflow.execute_child_workflow(
                CompanyWorkflow.run, CompanyJob(job.scenario, target, timeouts=job.timeouts), id=child,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE)
        except WorkflowAlreadyStartedError:
            return _summary(target, child, "skipped", error="already run for this run key")
        except ChildWorkflowError as exc:
            return _summary(target, child, "failed", error=str(exc.cause or exc))
        return result


@workflow.defn(name=WATCH_WORKFLOW)
class WatchWorkflow:
    """A company's watch of one scenario: webhook events arrive as signals and run the scenario one at a time.

    An event's idempotency key names its run (`<watch id>/<key>`), so an event delivered twice runs once.
    """

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    @workflow.signal(name=EVENT_SIGNAL)
    def event(self, event: dict[str, Any]) -> None:
        """Queue an event: {"key": idempotency key, "item": the object it concerns}."""
        self.events.append(event)

    @workflow.run
    async def run(self, job: CompanyJob) -> int:
        """Run the scenario once per event, in order of arrival; continues as new now and then (events not yet
        run are carried over in the job's `pending`)."""
        self.events[:0] = job.pending
        job = dataclasses.replace(job, pending=[])
        handled = 0
        while handled < EVENTS_BEFORE_NEW_RUN:
            await workflow.wait_condition(lambda: bool(self.events))
            event = self.events.pop(0)
            child = f"{workflow.info().workflow_id}/{event.get('key')}"
            # a duplicate delivery is rejected by its id; a failed run's own record says what went wrong
            with contextlib.suppress(WorkflowAlreadyStartedError, ChildWorkflowError):
                await workflow.execute_child_workflow(
                    CompanyWorkflow.run, CompanyJob(job.scenario, job.target, trigger_item=event.get("item"),
                                                    timeouts=job.timeouts),
                    id=child, id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE)
            handled += 1
        await workflow.wait_condition(workflow.all_handlers_finished)
        workflow.continue_as_new(args=[dataclasses.replace(job, pending=self.events)])


WORKFLOWS = [CompanyWorkflow, FanoutWorkflow, WatchWorkflow]
