"""`ttx serve --engine temporal`: schedules become Temporal Schedules, webhook events signals to watch workflows.

A scenario's schedule (`cron`, `every`, `at` + `days`, in its time zone) is one Temporal Schedule whose action
starts the scenario's fan-out workflow; each tick's workflow id ends with its scheduled time, which is the
run key of its companies, so a tick never runs a company twice. Catch-up follows the scenario's `catch_up`.
A webhook event is signalled (with start) to the company's watch workflow, which runs it once per idempotency key.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleIntervalSpec,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleSpec,
    ScheduleUpdate,
    ScheduleUpdateInput,
)
from temporalio.common import WorkflowIDConflictPolicy

from ..scenario.model import Scenario
from ..scenario.schedule import schedule_of
from .temporal_jobs import (
    EVENT_SIGNAL,
    CompanyJob,
    FanoutJob,
    ScenarioRef,
    Target,
    Timeouts,
    _part,
    fanout_id,
    watch_id,
)
from .temporal_workflows import FanoutWorkflow, WatchWorkflow

SCHEDULE_PREFIX = "ttx-schedule/"
CATCH_UP: dict[str, tuple[ScheduleOverlapPolicy, timedelta]] = {
    "none": (ScheduleOverlapPolicy.SKIP, timedelta(seconds=10)),
    "one": (ScheduleOverlapPolicy.BUFFER_ONE, timedelta(days=1)),
    "all": (ScheduleOverlapPolicy.BUFFER_ALL, timedelta(days=365)),
}


def schedule_id(scenario: str) -> str:
    """The Temporal Schedule of a scenario: `ttx-schedule/<scenario>`."""
    return SCHEDULE_PREFIX + _part(scenario)


def schedule_spec(scenario: Scenario) -> ScheduleSpec:
    """The scenario's schedule as Temporal's spec, in the scenario's time zone."""
    schedule = schedule_of(scenario)
    if schedule is None:
        raise ValueError(f"{scenario.name!r} has no schedule trigger")
    if schedule.every is not None:
        return ScheduleSpec(intervals=[ScheduleIntervalSpec(every=timedelta(seconds=schedule.every))])
    assert schedule.cron is not None
    return ScheduleSpec(cron_expressions=[schedule.cron], time_zone_name=scenario.timezone)


def schedule_of_scenario(scenario: Scenario, ref: ScenarioRef, targets: list[Target], task_queue: str, *,
                         concurrency: int = 4, timeouts: Timeouts | None = None) -> Schedule:
    """The Temporal Schedule that runs a scenario's fan-out on its schedule (the run key: each tick's time)."""
    overlap, window = CATCH_UP[scenario.trigger.catch_up]
    job = FanoutJob(ref, targets, run_key="", concurrency=concurrency, timeouts=timeouts or Timeouts())
    action = ScheduleActionStartWorkflow(FanoutWorkflow.run, job, id=fanout_id(scenario.name, "tick"),
                                         task_queue=task_queue)
    return Schedule(action=action, spec=schedule_spec(scenario),
                    policy=SchedulePolicy(overlap=overlap, catchup_window=window))


async def sync_schedules(temporal: Client, schedules: dict[str, Schedule]) -> list[str]:
    """Create or update the given schedules (by id) and delete the engine's others; the ids kept."""
    for sid, schedule in schedules.items():
        try:
            await temporal.create_schedule(sid, schedule)
        except ScheduleAlreadyRunningError:
            await temporal.get_schedule_handle(sid).update(_replace_with(schedule))
    async for listed in await temporal.list_schedules():
        if listed.id.startswith(SCHEDULE_PREFIX) and listed.id not in schedules:
            await temporal.get_schedule_handle(listed.id).delete()
    return sorted(schedules)


def _replace_with(schedule: Schedule) -> Any:
    def update(_: ScheduleUpdateInput) -> ScheduleUpdate:
        return ScheduleUpdate(schedule=schedule)

    return update


async def signal_event(temporal: Client, task_queue: str, ref: ScenarioRef, target: Target, *, key: str,
                       item: Any, timeouts: Timeouts | None = None) -> str:
    """Hand a webhook event to the company's watch workflow (started when it does not run); its workflow id."""
    wid = watch_id(ref.name, target)
    await temporal.start_workflow(
        WatchWorkflow.run, CompanyJob(ref, target, timeouts=timeouts or Timeouts()), id=wid, task_queue=task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING, start_signal=EVENT_SIGNAL,
        start_signal_args=[{"key": key, "item": item}])
    return wid


def scheduled(scenarios: Iterable[Scenario]) -> list[Scenario]:
    """The scenarios with a schedule trigger."""
    return [s for s in scenarios if s.trigger.type == "schedule"]
