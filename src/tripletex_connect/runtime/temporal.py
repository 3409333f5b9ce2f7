"""The Temporal engine (`pip install tripletex-connect[temporal]`): submit fan-outs and runs, and run workers.

`TemporalExecutor` submits a scenario for many companies as one fan-out workflow (a child workflow per
company, ids derived from the scenario and a run key) and waits for the outcomes; `run_worker` runs the
workflows and activities, resolving each connection's credentials on the worker (a profile name by default).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from temporalio.client import Client, WorkflowHandle
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.worker import UnsandboxedWorkflowRunner, Worker, WorkflowRunner
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from ..core.errors import ConfigurationError
from ..scenario.companies import CompanyRef
from .executor import DEFAULT_CONCURRENCY
from .fanout import CompanyOutcome, FanoutSummary
from .temporal_activities import Activities
from .temporal_calls import Clients, Connect, local_connections, profile_client, warm_up
from .temporal_jobs import (
    DEFAULT_TASK_QUEUE,
    CompanyJob,
    FanoutJob,
    ScenarioRef,
    Target,
    Timeouts,
    company_id_of,
    fanout_id,
)
from .temporal_workflows import WORKFLOWS, CompanyWorkflow, FanoutWorkflow

if TYPE_CHECKING:
    from ..client import Tripletex
    from ..scenario import Scenario
    from .store import RunStore


def scenario_ref(scenario: Scenario, vars: Mapping[str, Any] | None = None, text: str | None = None) -> ScenarioRef:
    """A scenario as a workflow receives it: name, file name and text (read from its file unless given)."""
    if text is None:
        try:
            text = Path(scenario.source).read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigurationError(f"cannot read the scenario file {scenario.source!r}: {exc}") from None
    return ScenarioRef(scenario.name, scenario.source, text, dict(vars or {}))


def targets_of(companies: Iterable[CompanyRef | Target | int], connection: str | None) -> list[Target]:
    """Targets of a connection from CompanyRefs or company ids (Targets as they are)."""
    out: list[Target] = []
    for company in companies:
        if isinstance(company, Target):
            out.append(company)
        else:
            out.append(Target(connection, company if isinstance(company, int) else company.id))
    return out


def connection_of(client: Tripletex | None, given: str | None) -> str | None:
    """The connection name workers resolve: the one given, else the client's profile (never its tokens)."""
    if given is not None or client is None:
        return given
    profile = client.settings.profile
    if profile is None:
        raise ConfigurationError("the Temporal engine sends a profile name to its workers, never tokens: "
                                 "connect with a profile (--profile NAME) that every worker also has")
    return profile


async def connect(target: str, namespace: str = "default") -> Client:
    """A Temporal client for `HOST:PORT`, with a clear error when nothing answers there."""
    try:
        return await Client.connect(target, namespace=namespace)
    except Exception as exc:
        raise ConfigurationError(f"cannot reach Temporal at {target} (namespace {namespace}): {exc}") from None


class TemporalExecutor:
    """Runs scenarios on a Temporal cluster: a fan-out workflow per run key, a child workflow per company."""

    def __init__(self, target: str, task_queue: str = DEFAULT_TASK_QUEUE, *, namespace: str = "default",
                 connection: str | None = None, timeouts: Timeouts | None = None) -> None:
        self.target = target
        self.task_queue = task_queue
        self.namespace = namespace
        self.connection = connection
        self.timeouts = timeouts or Timeouts()

    async def submit_fanout(self, scenario: Scenario, companies: Iterable[CompanyRef | Target | int], *,
                            client: Tripletex | None = None, concurrency: int = DEFAULT_CONCURRENCY,
                            vars: Mapping[str, Any] | None = None, run_key: str | None = None,
                            text: str | None = None) -> WorkflowHandle[Any, list[dict[str, Any]]]:
        """Start (or join, when it runs already) the fan-out of this run key; its handle."""
        key = run_key or dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S.%fZ")
        targets = targets_of(companies, connection_of(client, self.connection))
        job = FanoutJob(scenario_ref(scenario, vars, text), targets, key, concurrency, self.timeouts)
        temporal = await connect(self.target, self.namespace)
        return await temporal.start_workflow(
            FanoutWorkflow.run, job, id=fanout_id(scenario.name, key), task_queue=self.task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING)

    async def fanout(self, scenario: Scenario, companies: Sequence[CompanyRef], **options: Any) -> FanoutSummary:
        """Submit a fan-out and wait for every company's outcome (in the order given)."""
        handle = await self.submit_fanout(scenario, companies, **options)
        results = await handle.result()
        return FanoutSummary(scenario.name, [_outcome(company, r) for company, r in zip(companies, results,
                                                                                       strict=True)])

    def run_fanout(self, scenario: Scenario, client: Tripletex | None, companies: Sequence[CompanyRef], *,
                   concurrency: int = DEFAULT_CONCURRENCY, **run_options: Any) -> FanoutSummary:
        """The Executor protocol's call: submit and wait. Of the run options, `vars` and `run_key` are used."""
        options = {k: v for k, v in run_options.items() if k in ("vars", "run_key", "text")}
        return asyncio.run(self.fanout(scenario, companies, client=client, concurrency=concurrency, **options))

    async def start_company(self, scenario: Scenario, target: Target, *, run_key: str,
                            vars: Mapping[str, Any] | None = None, trigger_item: Any = None,
                            text: str | None = None) -> WorkflowHandle[Any, dict[str, Any]]:
        """Start one company's run (a schedule's tick or a run by hand) under its deterministic id."""
        temporal = await connect(self.target, self.namespace)
        job = CompanyJob(scenario_ref(scenario, vars, text), target, trigger_item, self.timeouts)
        return await temporal.start_workflow(
            CompanyWorkflow.run, job, id=company_id_of(scenario.name, run_key, target), task_queue=self.task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING)


def _outcome(company: CompanyRef, result: Mapping[str, Any]) -> CompanyOutcome:
    """A company's outcome from its workflow's summary; a company already run for the run key counts as ok."""
    status = str(result.get("status"))
    workflow_id = str(result.get("workflow_id") or "")
    if status == "skipped":
        return CompanyOutcome(company, "ok", summary=f"already run for this run key ({workflow_id})")
    run_id = result.get("run_id")
    summary = f"{result.get('calls', 0)} call(s) in workflow {workflow_id}"
    return CompanyOutcome(company, status if status in ("failed", "incomplete") else "ok",  # type: ignore[arg-type]
                          run_id=str(run_id) if run_id is not None else None, summary=summary,
                          error=result.get("error"), counts={"calls": int(result.get("calls") or 0)},
                          output=result.get("output"))


def workflow_runner(sandboxed: bool = False) -> WorkflowRunner:
    """How a worker (or a Replayer) runs workflow code: directly by default, or inside Temporal's sandbox."""
    # The workflows are this package's code, not the user's: scenarios are data run by the deterministic driver,
    # and the replay tests hold every recorded history to it (also under the sandbox). The sandbox re-imports the
    # workflow module and proxies the standard library for every workflow: 60% of a worker's CPU per company.
    if not sandboxed:
        return UnsandboxedWorkflowRunner()
    # passing the package through keeps its import-time work (the service, the catalog) out of every sandbox
    return SandboxedWorkflowRunner(
        restrictions=SandboxRestrictions.default.with_passthrough_modules("tripletex_connect"))


def build_worker(temporal: Client, task_queue: str = DEFAULT_TASK_QUEUE, *, connect: Connect = profile_client,
                 store: RunStore | None = None, max_calls: int = 8, sandboxed: bool = False) -> tuple[Worker, Clients]:
    """A worker for the engine's workflows and activities (credentials resolved by `connect`); and its clients.

    `max_calls` bounds the reads (local activities, run inside the workflow's task) and the writes (activities)
    this worker runs at once, each.
    """
    clients = Clients(connect)
    activities = Activities(clients, store)
    # a thread for every slot: an activity waiting for a thread would spend its start-to-close time in the queue,
    # and a write timed out there is tried again as outcome unknown while its first attempt may still be sent
    worker = Worker(temporal, task_queue=task_queue, workflows=WORKFLOWS, activities=activities.all(),
                    activity_executor=ThreadPoolExecutor(2 * max_calls), max_concurrent_activities=max_calls,
                    max_concurrent_local_activities=max_calls, workflow_runner=workflow_runner(sandboxed))
    return worker, clients


async def run_worker(target: str, task_queue: str = DEFAULT_TASK_QUEUE, *, namespace: str = "default",
                     connect_client: Connect = profile_client, store: RunStore | None = None, max_calls: int = 8,
                     stop: asyncio.Event | None = None, sandboxed: bool = False, warm: bool = False) -> None:
    """Run a worker until `stop` is set (or forever); clients are closed at the end. With `warm`, the worker pays
    its first-use costs (`warm_up`, and resolving the connections of its config) before it polls, so its first
    runs do not."""
    if warm:
        await asyncio.to_thread(warm_up)
    temporal = await connect(target, namespace)
    worker, clients = build_worker(temporal, task_queue, connect=connect_client, store=store, max_calls=max_calls,
                                   sandboxed=sandboxed)
    try:
        if warm:
            await asyncio.to_thread(clients.prepare, local_connections(connect_client))
        async with worker:
            await (stop or asyncio.Event()).wait()
    finally:
        clients.close()


__all__ = ["WORKFLOWS", "TemporalExecutor", "Timeouts", "build_worker", "run_worker", "workflow_runner"]
