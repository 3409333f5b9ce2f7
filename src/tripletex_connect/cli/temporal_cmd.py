"""The Temporal engine from the command line: `ttx worker --temporal HOST:PORT` and `ttx run --engine temporal`.

A worker resolves each run's connection name as a profile of its own config (tokens never travel through
Temporal) and records the runs it finishes in its run store (`--db`), which `ttx serve`'s dashboard and
`ttx scenario history` read.
"""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

from .errors import CliUsageError
from .serve_cmd import DbOption

if TYPE_CHECKING:
    from ..client import Tripletex
    from ..scenario import Scenario
    from ..scenario.companies import CompanySelector
    from .output import Writer

Engine = Literal["in-process", "temporal"]
TemporalOption = Annotated[
    str | None, typer.Option("--temporal", metavar="HOST:PORT", help="The Temporal frontend (e.g. 127.0.0.1:7233).")
]
QueueOption = Annotated[str, typer.Option("--task-queue", metavar="QUEUE", help="The Temporal task queue.")]
NamespaceOption = Annotated[str, typer.Option("--namespace", metavar="NAME", help="The Temporal namespace.")]


def _temporal_module() -> Any:
    try:
        from ..runtime import temporal
    except ImportError as exc:
        raise CliUsageError(f"the Temporal engine needs its extra: pip install 'tripletex-connect[temporal]' ({exc})"
                            ) from None
    return temporal


def worker(
    temporal: Annotated[str, typer.Option("--temporal", metavar="HOST:PORT", help="The Temporal frontend.")],
    task_queue: QueueOption = "ttx",
    namespace: NamespaceOption = "default",
    db: DbOption = None,
    max_calls: Annotated[int, typer.Option("--max-calls", min=1, max=256,
                                           help="Reads, and writes, this worker sends at once (each).")] = 8,
    workflow_sandbox: Annotated[bool, typer.Option(
        "--workflow-sandbox", help="Run workflow code in Temporal's sandbox (stricter, about twice the CPU).")] = False,
    warm: Annotated[bool, typer.Option(
        "--warm/--no-warm", help="Before polling, build every model's answer parser (a few CPU seconds once), so "
        "the first runs do not wait for them.")] = True,
) -> None:
    """Run a Temporal worker for scenario runs until Ctrl-C or SIGTERM (connections resolved as local profiles)."""
    from ..runtime.store import RunStore

    engine = _temporal_module()
    store = RunStore(db) if db else RunStore()

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        typer.echo(f"worker on {temporal} (namespace {namespace}, task queue {task_queue}); Ctrl-C stops it",
                   err=True)
        await engine.run_worker(temporal, task_queue, namespace=namespace, store=store, max_calls=max_calls,
                                stop=stop, sandboxed=workflow_sandbox, warm=warm)

    try:
        asyncio.run(main())
    finally:
        store.close()


def check_engine(engine: str, temporal: str | None, dry_run: bool) -> None:
    """Refuse an unknown engine, a Temporal run without its address, and a dry run on Temporal."""
    if engine not in ("in-process", "temporal"):
        raise CliUsageError(f"--engine must be in-process or temporal, got {engine!r}")
    if engine == "temporal" and not temporal:
        raise CliUsageError("--engine temporal needs --temporal HOST:PORT")
    if engine == "temporal" and dry_run:
        raise CliUsageError("--dry-run runs in this process: leave out --engine temporal")


def run_on_temporal(scenario: Scenario, tx: Tripletex, selector: CompanySelector | None, *, temporal: str,
                    task_queue: str, run_key: str | None, values: dict[str, Any], concurrency: int,
                    writer: Writer, file: Path) -> bool:
    """Submit the scenario (for the selected companies, else the connection's company) and wait; True when ok."""
    from ..scenario.companies import CompanyRef, CompanySelectionError, resolve_companies
    from .fanout_cmd import write_summary

    engine = _temporal_module()
    try:
        companies = resolve_companies(tx, selector) if selector is not None else [
            CompanyRef(tx.settings.company_id, "")]
    except CompanySelectionError as exc:
        raise CliUsageError(str(exc)) from None
    executor = engine.TemporalExecutor(temporal, task_queue)
    summary = asyncio.run(executor.fanout(scenario, companies, client=tx, concurrency=concurrency, vars=values,
                                          run_key=run_key, text=file.read_text(encoding="utf-8")))
    write_summary(summary, writer)
    return bool(summary.ok)


def remote_for(temporal: str | None, task_queue: str) -> Any:
    """What `ttx serve --engine temporal` hands its schedules and webhook events to."""
    assert temporal is not None
    _temporal_module()
    from ..runtime.temporal_service import TemporalRemote

    return TemporalRemote(temporal, task_queue)
