"""The Temporal engine (`pip install tripletex-connect[temporal]`): submit fan-outs and runs, and run workers.

`TemporalExecutor` submits a scenario for many companies as one fan-out workflow (a child workflow per
company, ids derived from the scenario and a run key) and waits for the outcomes; `run_worker` runs the
workflows and activities, resolving each connection's credentials on the worker (a profile name by default).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from temporalio.client import Client, WorkflowHandle
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from ..core.errors import ConfigurationError
from .temporal_activities import Activities
from .temporal_calls import Clients, Connect, profile_client
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


@dataclass
class TemporalOutcome:
    """One company's outcome in a Temporal fan-out."""

    company_id: int
    status: str
    connection: str | None = None
    workflow_id: str = ""
    error: str | None = None
    output: Any = None
    run_id: int | None = None

    @property
    def ok(self) -> bool:
        """True when the company's run finished (ok or with handled errors), or ran before for this key."""
        return self.status in ("ok", "warning", "skipped")


@dataclass
class TemporalSummary:
    """Every company's outcome of one fan-out, in the order given."""

    scenario: str
    run_key: str
    outcomes: list[TemporalOutcome] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no company failed or broke."""
        return all(o.ok for o in self.outcomes)


def scenario_ref(scenario: Scenario, vars: Mapping[str, Any] | None = None, text: str | None = None) -> ScenarioRef:
    """A scenario as a workflow receives it: name, file name and text (read from its file unless given)."""
    if text is None:
        try:
            text = Path(scenario.source).read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigurationError(f"cannot read the scenario file {scenario.source!r}: {exc}") from None
    return ScenarioRef(scenario.name, scenario.source, text, dict(vars or {}))


def targets_of(companies: Iterable[Any], connection: str | None) -> list[Target]:
    """Targets from company ids, (connection, id) pairs or objects with `company_id` (and maybe `connection`)."""
    out: list[Target] = []
    for company in companies:
        if isinstance(company, Target):
            out.append(company)
        elif isinstance(company, tuple):
            out.append(Target(company[0], int(company[1])))
        elif isinstance(company, int):
            out.append(Target(connection, company))
        else:
            out.append(Target(getattr(company, "connection", None) or connection, int(company.company_id)))
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

    async def submit_fanout(self, scenario: Scenario, companies: Iterable[Any], *, client: Tripletex | None = None,
                            concurrency: int = 4, vars: Mapping[str, Any] | None = None, run_key: str | None = None,
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

    async def fanout(self, scenario: Scenario, companies: Iterable[Any], **options: Any) -> TemporalSummary:
        """Submit a fan-out and wait for every company's outcome."""
        handle = await self.submit_fanout(scenario, companies, **options)
        results = await handle.result()
        key = handle.id.rsplit("/", 1)[-1]
        return TemporalSummary(scenario.name, key, [_outcome(r) for r in results])

    def run_fanout(self, scenario: Scenario, client: Tripletex | None, companies: Iterable[Any], *,
                   concurrency: int = 4, **run_options: Any) -> TemporalSummary:
        """The Executor protocol's call: submit and wait (vars=, run_key=, text= as for `fanout`)."""
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


def _outcome(result: Mapping[str, Any]) -> TemporalOutcome:
    return TemporalOutcome(int(result.get("company_id") or 0), str(result.get("status")),
                           connection=result.get("connection"), workflow_id=str(result.get("workflow_id") or ""),
                           error=result.get("error"), output=result.get("output"), run_id=result.get("run_id"))


def workflow_runner() -> SandboxedWorkflowRunner:
    """Temporal's workflow sandbox with this package passed through (as a worker and a Replayer need it)."""
    # the package is deterministic where workflows use it; passing it through also keeps its import-time work
    # (the runtime package's service, the catalog) out of every workflow's sandbox
    return SandboxedWorkflowRunner(
        restrictions=SandboxRestrictions.default.with_passthrough_modules("tripletex_connect"))


def build_worker(temporal: Client, task_queue: str = DEFAULT_TASK_QUEUE, *, connect: Connect = profile_client,
                 store: RunStore | None = None, max_calls: int = 8) -> tuple[Worker, Clients]:
    """A worker for the engine's workflows and activities (credentials resolved by `connect`); and its clients."""
    clients = Clients(connect)
    activities = Activities(clients, store)
    worker = Worker(temporal, task_queue=task_queue, workflows=WORKFLOWS, activities=activities.all(),
                    activity_executor=ThreadPoolExecutor(max_calls), max_concurrent_activities=max_calls,
                    workflow_runner=workflow_runner())
    return worker, clients


async def run_worker(target: str, task_queue: str = DEFAULT_TASK_QUEUE, *, namespace: str = "default",
                     connect_client: Connect = profile_client, store: RunStore | None = None, max_calls: int = 8,
                     stop: asyncio.Event | None = None) -> None:
    """Run a worker until `stop` is set (or forever); clients are closed at the end."""
    temporal = await connect(target, namespace)
    worker, clients = build_worker(temporal, task_queue, connect=connect_client, store=store, max_calls=max_calls)
    try:
        async with worker:
            await (stop or asyncio.Event()).wait()
    finally:
        clients.close()


__all__ = ["WORKFLOWS", "TemporalExecutor", "TemporalOutcome", "TemporalSummary", "Timeouts", "build_worker",
           "run_worker", "workflow_runner"]
