"""`ttx run FILE` and `ttx scenario validate|history`: run YAML scenarios, check them, and show past runs.

The scenario package loads only when one of these commands runs, so `ttx --help` stays fast.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..core.redact import redact_data
from .derived import OutputOption
from .errors import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, CliUsageError
from .output import Writer, isatty
from .state import state_of
from .temporal_cmd import QueueOption, TemporalOption

if TYPE_CHECKING:
    from ..client import Tripletex
    from ..runtime.store import Incomplete, RunStore
    from ..scenario import Scenario, ScenarioResult, Step, StepResult

app = typer.Typer(
    name="scenario", help="Check scenario files and show their run history (run them with `ttx run`).",
    no_args_is_help=True, add_completion=False, context_settings={"help_option_names": ["-h", "--help"]},
)

FileArg = Annotated[Path, typer.Argument(metavar="FILE", help="The scenario YAML file.", show_default=False)]
VarOption = Annotated[
    list[str] | None,
    typer.Option("--var", metavar="NAME=VALUE", help="Set a variable (YAML value: 5, true, text); repeatable."),
]


def run(
    ctx: typer.Context,
    file: FileArg,
    var: VarOption = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Validate and print the calls; reads run, writes are not sent.")
    ] = False,
    loop: Annotated[bool, typer.Option("--loop", help="Run again every `trigger.every` until Ctrl-C.")] = False,
    max_runs: Annotated[
        int | None, typer.Option("--max-runs", min=1, metavar="N", help="With --loop: stop after N runs.")
    ] = None,
    companies: Annotated[
        str | None, typer.Option("--companies", metavar="WHICH", help="Run once per client company of the login: "
                                 "`all`, ids `1001,1002`, or `name=Acme*` (overrides the file's `companies:`).")
    ] = None,
    concurrency: Annotated[
        int, typer.Option("--concurrency", min=1, max=64, metavar="N", help="With companies: N at a time.")
    ] = 4,
    output: OutputOption = None,
    engine: Annotated[str, typer.Option("--engine", metavar="in-process|temporal", help="Where it runs: here, "
                                        "or submitted to Temporal workers (and waited for).")] = "in-process",
    temporal: TemporalOption = None,
    task_queue: QueueOption = "ttx",
    run_key: Annotated[str | None, typer.Option("--run-key", metavar="KEY", help="With --engine temporal: runs of "
                                                "one key start each company once (default: now).")] = None,
) -> None:
    """Run a scenario: validate it, run its steps, and write its output (exit 0 ok, 1 a step failed, 2 invalid).

    With `companies:` in the file or `--companies`, it runs once per client company and writes a summary
    (exit 1 when any company failed).
    """
    from .fanout_cmd import run_companies, selector_for
    from .temporal_cmd import check_engine, run_on_temporal

    scenario, values = _load(file, var)
    selector = selector_for(scenario, companies)
    check_engine(engine, temporal, dry_run)
    every = scenario.trigger.every
    if loop and every is None:
        raise CliUsageError(f"--loop needs an interval: add `every: 15m` to the trigger of {file}")
    state = state_of(ctx)
    writer = state.writer(output)
    tx = _client(ctx, scenario)
    failures = 0

    def once() -> None:
        nonlocal failures
        if engine == "temporal":
            assert temporal is not None
            failures += 0 if run_on_temporal(scenario, tx, selector, temporal=temporal, task_queue=task_queue,
                                             run_key=run_key, values=values, concurrency=concurrency, writer=writer,
                                             file=file) else 1
            return
        if selector is not None:
            ok = run_companies(scenario, tx, selector, _store(), values=values, dry_run=dry_run,
                               concurrency=concurrency, writer=writer)
            failures += 0 if ok else 1
            return
        failures += _run_once(scenario, tx, values, dry_run, writer)

    if not loop:
        once()
        raise typer.Exit(EXIT_FAILURE if failures else EXIT_OK)
    from ..scenario.triggers import run_loop

    runs = 0
    try:
        assert every is not None
        runs = run_loop(once, every, max_runs=max_runs)
    except KeyboardInterrupt:
        typer.echo("stopped (Ctrl-C)", err=True)
    else:
        typer.echo(f"stopped after {runs} run(s)", err=True)
    raise typer.Exit(EXIT_FAILURE if failures else EXIT_OK)


@app.command("validate")
def validate_command(file: FileArg, var: VarOption = None) -> None:
    """Check a scenario file without sending anything: every problem with its line (exit 2 if any)."""
    scenario, _ = _load(file, var)
    count = len(scenario.all_steps())
    companies = f", for {scenario.companies.describe()}" if scenario.companies is not None else ""
    typer.echo(f"{file}: ok ({scenario.name!r}, {count} step{'s' if count != 1 else ''}, "
               f"trigger {scenario.trigger.type}{companies})")


@app.command("history")
def history_command(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Argument(metavar="[NAME]", help="Only runs of this scenario.")] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, metavar="N", help="The last N runs.")] = 20,
    failed: Annotated[bool, typer.Option("--failed", help="Only runs that failed, broke or were cut off.")] = False,
    run_id: Annotated[
        int | None, typer.Option("--run", metavar="ID", help="One run: every step and each item's error.")
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", metavar="WHEN", help="Runs started since a date, a time or a span "
                                 "back from now: 2026-11-01, 2026-11-01T08:00, 24h, 7d.")
    ] = None,
    db: Annotated[Path | None, typer.Option("--db", metavar="FILE", help="The store (default: the user's).")] = None,
    output: OutputOption = None,
) -> None:
    """Show past runs: when, which scenario, trigger item, status, step counts and error."""
    store = _store(db)
    writer = state_of(ctx).writer(output)
    if run_id is not None:
        _show_run(store, run_id, writer)
        return
    records = store.history(name, failed=failed, since=_since(since), limit=limit)
    if writer.fmt == "table":
        writer.table([_history_row(r) for r in records],
                     ["id", "started", "scenario", "company", "status", "trigger", "steps", "error"])
    else:
        writer.many([records])


def _show_run(store: RunStore, run_id: int, writer: Writer) -> None:
    run = store.run(run_id)
    if run is None:
        raise CliUsageError(f"no run {run_id} in {store.path}")
    if writer.fmt != "table":
        writer.one(run)
        return
    typer.echo(f"run {run['id']}: {run['scenario']} {run['status']}, started {run['started']}"
               + (f", company {run['company']}" if run.get("company") else "")
               + (f", {run['seconds']:.1f} s" if run["seconds"] is not None else "")
               + (f"\nerror: {run['error']}" if run["error"] else ""))
    writer.table(run["steps"], ["step", "module", "status", "runs", "skipped", "errors", "error"])
    if run["items"]:
        writer.table(run["items"], ["step", "item", "status", "code", "error", "request_id"])


def _since(text: str | None) -> dt.datetime | None:
    if text is None:
        return None
    from ..scenario.schedule import DEFAULT_TIMEZONE
    from ..scenario.triggers import parse_duration

    try:
        return dt.datetime.now(dt.UTC) - dt.timedelta(seconds=parse_duration(text))
    except ValueError:
        pass
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise CliUsageError(f"--since {text!r}: expected a date (2026-11-01), a time (2026-11-01T08:00) or a "
                            "span such as 24h or 7d") from None
    if moment.tzinfo is None:  # a date or time without a zone is Tripletex's: Oslo
        from zoneinfo import ZoneInfo

        moment = moment.replace(tzinfo=ZoneInfo(DEFAULT_TIMEZONE))
    return moment


def _store(db: Path | None = None) -> RunStore:
    from ..runtime import RunStore

    return RunStore(db) if db else RunStore()


incomplete_app = typer.Typer(
    name="incomplete", help="Runs that broke or were cut off: list, show, resume from where they stopped, discard.",
    no_args_is_help=True, add_completion=False, context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(incomplete_app, name="incomplete")
DbOption = Annotated[Path | None, typer.Option("--db", metavar="FILE", help="The store (default: the user's).")]
IdArg = Annotated[int, typer.Argument(metavar="ID", help="The incomplete execution's id (see `list`).")]


@incomplete_app.command("list")
def incomplete_list(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Argument(metavar="[NAME]", help="Only this scenario's.")] = None,
    every: Annotated[bool, typer.Option("--all", help="Resolved and discarded ones too.")] = False,
    db: DbOption = None,
    output: OutputOption = None,
) -> None:
    """Incomplete executions: scenario, run, failing step, error, attempts and the next automatic retry."""
    from dataclasses import asdict

    rows = [asdict(i) for i in _store(db).incomplete(None if every else "open", name)]
    writer = state_of(ctx).writer(output)
    if writer.fmt == "table":
        writer.table(rows, ["id", "scenario", "company", "run_id", "state", "step", "error", "attempts", "next_retry"])
    else:
        writer.many([rows])


@incomplete_app.command("show")
def incomplete_show(ctx: typer.Context, incomplete_id: IdArg, db: DbOption = None, output: OutputOption = None) -> None:
    """One incomplete execution with its checkpoint (the completed steps' results) and its run."""
    from dataclasses import asdict

    store = _store(db)
    item = _incomplete(store, incomplete_id)
    state_of(ctx).writer(output).one({**asdict(item), "run": store.run(item.run_id) if item.run_id else None})


@incomplete_app.command("resume")
def incomplete_resume(ctx: typer.Context, incomplete_id: IdArg, db: DbOption = None) -> None:
    """Run it again from the failing step (completed writes are not repeated); exit 1 if it fails again."""
    from ..runtime import incomplete
    from ..scenario import ScenarioError, load_scenario

    store = _store(db)
    item = _incomplete(store, incomplete_id)
    if item.state != "open":
        raise CliUsageError(f"incomplete execution {incomplete_id} is {item.state}")
    if not item.file or not Path(item.file).exists():
        raise CliUsageError(f"the scenario file of incomplete execution {incomplete_id} is gone: {item.file}")
    try:
        scenario = load_scenario(item.file)
    except ScenarioError as exc:
        _report_problems(exc)
    client = _client(ctx, scenario)
    if item.company:  # it broke acting for a client company: it resumes there
        client = client.with_company(item.company)
    outcome = incomplete.resume(store, item, scenario, client, lambda: dt.datetime.now().astimezone())
    if not outcome.ok:
        typer.echo(f"Error: {outcome.error}", err=True)
        raise typer.Exit(EXIT_FAILURE)
    typer.echo(f"incomplete execution {incomplete_id} resumed: {outcome.status}", err=True)


@incomplete_app.command("discard")
def incomplete_discard(incomplete_id: IdArg, db: DbOption = None) -> None:
    """Give it up: it is no longer retried (its history stays)."""
    from ..runtime import incomplete

    store = _store(db)
    item = _incomplete(store, incomplete_id)
    try:
        incomplete.discard(store, item)
    except ValueError as exc:
        raise CliUsageError(str(exc)) from None
    typer.echo(f"incomplete execution {incomplete_id} discarded", err=True)


def _incomplete(store: RunStore, incomplete_id: int) -> Incomplete:
    item = store.get_incomplete(incomplete_id)
    if item is None:
        raise CliUsageError(f"no incomplete execution {incomplete_id} in {store.path}")
    return item


def _history_row(record: dict[str, Any]) -> dict[str, Any]:
    steps = record.get("steps") or {}
    parts = [f"{sid}:{c.get('runs', 0)}" + (f"/{c['errors']} err" if c.get("errors") else "")
             for sid, c in steps.items()]
    item = record.get("trigger_item")
    shown = item.get("id", item.get("due")) if isinstance(item, dict) else item
    return {**record, "trigger": shown, "steps": " ".join(parts)}


def _load(file: Path, pairs: list[str] | None) -> tuple[Scenario, dict[str, Any]]:
    from ..scenario import ScenarioError, load_scenario
    from ..scenario.yamlfile import parse_scalar

    values: dict[str, Any] = {}
    for pair in pairs or ():
        key, sep, raw = pair.partition("=")
        if not sep or not key.strip():
            raise CliUsageError(f"--var {pair!r}: expected NAME=VALUE")
        values[key.strip()] = parse_scalar(raw)
    try:
        scenario = load_scenario(file, vars=values)
    except ScenarioError as exc:
        _report_problems(exc)
    return scenario, values


def _report_problems(exc: Any) -> None:
    for problem in exc.problems:
        typer.echo(problem.render(exc.source), err=True)
    count = len(exc.problems)
    typer.echo(f"{count} problem{'s' if count != 1 else ''}; nothing was sent", err=True)
    raise typer.Exit(EXIT_USAGE)


def _client(ctx: typer.Context, scenario: Scenario) -> Tripletex:
    state = state_of(ctx)
    chosen = state.profile or state.base_url or os.environ.get("TRIPLETEX_PROFILE") or os.environ.get(
        "TRIPLETEX_BASE_URL")
    # The scenario's connection applies only when the command line does not choose one.
    overrides = {"profile": scenario.connection} if scenario.connection and not chosen else {}
    return state.client(ctx, **overrides)


def _run_once(scenario: Scenario, tx: Tripletex, values: dict[str, Any], dry_run: bool, writer: Writer) -> int:
    """One run (or one poll of a watch); writes output or planned calls; returns the number of failed runs."""
    from ..scenario import ScenarioError, run_scenario

    store = _store()
    try:
        result = run_scenario(scenario, tx, vars=values, dry_run=dry_run, on_event=_progress(), state=store)
    except ScenarioError as exc:
        _report_problems(exc)
    if result.note:
        typer.echo(f"{scenario.name}: {result.note}", err=True)
    _write(result, writer, dry_run)
    _report_failures(result, store)
    return len([run for run in result.runs if not run.ok])


def _report_failures(result: ScenarioResult, store: RunStore) -> None:
    """Each failed item on stderr, the run's error, and a summary line per run that met errors.

    An incomplete run is kept as an incomplete execution, to resume once its cause is fixed.
    """
    from ..scenario.failures import render_failure

    for run in result.runs:
        for failure in run.failures:
            typer.echo(render_failure(failure), err=True)
        if not run.ok:
            typer.echo(f"Error: {run.error}", err=True)
        if run.status == "incomplete" and run.checkpoint is not None:
            failed = run.checkpoint.get("failed") or {}
            file = str(Path(str(run.checkpoint.get("file"))).resolve())
            number = store.add_incomplete(None, {"scenario": run.scenario, "file": file},
                                          step=failed.get("step"), error=run.error, checkpoint=run.checkpoint,
                                          next_retry=None)
            typer.echo(f"The run is incomplete, kept as incomplete execution {number}: once the cause is fixed, "
                       f"`ttx scenario incomplete resume {number}` goes on without repeating its writes.", err=True)
        summary = run.summary()
        if summary:
            typer.echo(summary, err=True)


def _write(result: ScenarioResult, writer: Writer, dry_run: bool) -> None:
    if dry_run:
        writer.many([[redact_data(call) for run in result.runs for call in run.calls]])
        return
    outputs = [run.output for run in result.runs if run.ok]
    if result.per_item:
        if outputs:
            writer.many([outputs])
        return
    value = outputs[0] if outputs else None
    if value is None:
        return
    if isinstance(value, list):
        writer.many([value])
    else:
        writer.one(value)


def _progress() -> Any:
    """A per-step progress callback writing to stderr, only when stderr is a terminal."""
    if not isatty(sys.stderr):
        return None

    def show(kind: str, step: Step, result: StepResult) -> None:
        if kind == "start":
            typer.echo(f"  … {step.id} ({step.label})", err=True)
            return
        counts = f"{result.runs} call(s)" + (f", {result.skipped} skipped" if result.skipped else "")
        mark = "✗" if result.errors else "✓"
        typer.echo(f"  {mark} {step.id}: {counts}" + (f", {result.errors} error(s)" if result.errors else ""), err=True)

    return show
