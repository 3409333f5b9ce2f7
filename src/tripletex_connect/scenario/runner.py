"""Run a scenario with the sync SDK client: steps, foreach, routers, aggregators, data stores, error handlers.

Every call a run makes is kept in a journal by its position (`loop[3]/invoice`); a run that breaks carries a
checkpoint (the journal, the failing step and item, the error) and `resume_run` replays it: the calls that
succeeded answer from the journal, so no write is sent twice, and a write whose outcome is unknown is checked
(the step's `check:`) before it is sent again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo

from .. import catalog
from ..core.errors import OutcomeUnknownError, ParameterError, TripletexError
from ..core.invoke import prepare
from ..core.redact import MASK, scrub
from .batching import UNKNOWN, prefetch
from .blocks import aggregate_values, datastore_call
from .errors import ExpressionError, Problem, ScenarioError, StepBroken, StepFailed
from .expressions import Context, StandIn, Unsent, render
from .failures import OUTCOME_UNKNOWN, failure_record, item_ref
from .fields import search_fields
from .limits import Limits
from .model import API_MODULE, DATASTORE_MODULES, Scenario, Step
from .results import RunResult, ScenarioResult, StepResult
from .state import FileState, ScenarioState
from .storage import data_dir
from .triggers import watch_key
from .validate import validate

if TYPE_CHECKING:
    from ..client import Tripletex

READ_KINDS = (catalog.Kind.GET, catalog.Kind.SEARCH)
CHECKPOINT_FORMAT = 1
Event = Callable[[str, Step, StepResult], None]
"""Progress callback: ("start" | "done", step, its result so far)."""
Unknown = Literal["check", "resend", "skip"]


def _now() -> dt.datetime:
    return dt.datetime.now().astimezone()


def connection_name(client: Tripletex) -> str:
    """The connection as history shows it: the profile, else base URL and company (never a token)."""
    s = client.settings
    return s.profile or f"{s.base_url}#company={s.company_id}"


def connection_key(client: Tripletex) -> str:
    """The connection as state keys know it: base URL, a hash of the credential (never a token) and company id."""
    s = client.settings
    tokens = "\0".join(t.reveal() for t in (s.consumer_token, s.employee_token) if t)
    credential = hashlib.sha256(tokens.encode()).hexdigest()[:16]
    return f"{s.base_url}|credential={credential}|company={s.company_id}"


def client_secrets(client: Tripletex) -> list[str]:
    """The token values of a client, to keep out of everything a scenario writes."""
    s = client.settings
    return [t.reveal() for t in (s.consumer_token, s.employee_token) if t]


@dataclass
class RunOptions:
    """How to run: variables, dry-run, where state lives, the clock, sleep (retry backoff), limits, progress.

    `state` keeps watch positions, history and data stores (a ScenarioState); by default FileState in
    `data_dir` (the user data directory). `record=False` keeps the run out of history.
    """

    vars: Mapping[str, Any] | None = None
    dry_run: bool = False
    data_dir: Path | None = None
    record: bool = True
    state: ScenarioState | None = None
    now: Callable[[], dt.datetime] = _now
    sleep: Callable[[float], None] = time.sleep
    limits: Limits = field(default_factory=Limits)
    on_event: Event | None = None


def run_scenario(scenario: Scenario, client: Tripletex, **options: Any) -> ScenarioResult:
    """Validate and run a scenario: once (manual, schedule) or once per new object (watch).

    Options are those of RunOptions: vars={...}, dry_run=True, data_dir=Path, record=False, state=..., now=clock,
    sleep=f, on_event=f. Every run leaves a history record, whatever ends it.
    """
    opts = RunOptions(**options)
    validate(scenario, (opts.vars or {}).keys())
    runner = Runner(scenario, client, resolve_vars(scenario, opts.vars), opts)
    if scenario.trigger.type == "watch":
        return runner.watch()
    return ScenarioResult(scenario.name, [runner.run_once()])


def resume_run(
    scenario: Scenario, client: Tripletex, checkpoint: Mapping[str, Any], *, unknown: Unknown = "check",
    **options: Any,
) -> ScenarioResult:
    """Continue an incomplete run from its checkpoint: calls that succeeded are not sent again.

    The failing step is tried again. A write whose outcome is unknown is first looked for with the step's
    `check:`; `unknown="resend"` sends it again, `unknown="skip"` takes it as made (after checking by hand).
    The resumed run sees the clock of the original run, so its dates are the same.
    """
    if checkpoint.get("format") != CHECKPOINT_FORMAT or checkpoint.get("scenario") != scenario.name:
        raise ScenarioError(scenario.source, [Problem(0, "the checkpoint is not one of this scenario "
                                                          f"({checkpoint.get('scenario')!r})")])
    opts = RunOptions(**options)
    validate(scenario)
    frozen = dt.datetime.fromisoformat(str(checkpoint["now"]))
    failed = checkpoint.get("failed") or {}
    runner = Runner(scenario, client, dict(checkpoint.get("vars") or {}), opts, journal=checkpoint.get("journal"),
                    clock=lambda: frozen)
    if failed.get("outcome") == OUTCOME_UNKNOWN:
        runner.unknown_at, runner.unknown_policy = failed.get("position"), unknown
    run = runner.run_once(checkpoint.get("trigger_item"), run_vars=dict(checkpoint.get("vars") or {}),
                          resumed_from=str(checkpoint.get("id") or checkpoint.get("started") or ""))
    return ScenarioResult(scenario.name, [run], per_item=scenario.trigger.type == "watch")


def resolve_vars(scenario: Scenario, overrides: Mapping[str, Any] | None) -> dict[str, Any]:
    """The scenario's vars with --var overrides; a var left null has no value and is reported."""
    values = {**scenario.vars, **(overrides or {})}
    missing = [Problem(scenario.line(("vars", name)), f"variable {name!r} has no value; give it with --var {name}=...")
               for name, value in values.items() if value is None]
    if missing:
        raise ScenarioError(scenario.source, missing)
    return values


class Runner:
    """Runs the steps of one scenario with one client; each run_once() is one execution."""

    def __init__(
        self, scenario: Scenario, client: Tripletex, values: dict[str, Any], opts: RunOptions, *,
        journal: Mapping[str, Any] | None = None, clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self.scenario = scenario
        self.client = client
        self.vars = values
        self.opts = opts
        self.secrets = client_secrets(client)
        self.state = opts.state or FileState(opts.data_dir or data_dir(), self.secrets)
        self.connection = connection_key(client)
        self.tz = ZoneInfo(scenario.timezone)
        self.clock = clock or opts.now
        self.replay: dict[str, Any] = dict(journal or {})
        self.unknown_at: str | None = None
        self.unknown_policy: Unknown = "check"
        self.journal: dict[str, Any] = {}
        self.frames: list[tuple[str, int, Any]] = []
        self.scope: list[str] = []
        self.current = ""
        self.failures: list[dict[str, Any]] = []
        self.fields = search_fields(scenario)
        self.prefailed: dict[str, TripletexError] = {}
        """Errors a batch met for an item (batching.py), raised when the loop reaches that item."""

    # --- one run ---------------------------------------------------------------------------------------------

    def run_once(
        self, trigger_item: Any = None, *, run_vars: dict[str, Any] | None = None, resumed_from: str | None = None
    ) -> RunResult:
        """One execution of every step; whatever ends it, it is recorded in history with what it wrote."""
        run = RunResult(self.scenario.name, self.opts.now(), trigger_item=trigger_item, dry_run=self.opts.dry_run,
                        resumed_from=resumed_from)
        run.steps = {s.id: StepResult(s.id, s.label) for s in self.scenario.all_steps()}
        self.journal, self.frames, self.scope, self.current = dict(self.replay), [], [], ""
        self.prefailed = {}
        self.failures = run.failures
        moment = self.clock()
        values: dict[str, Any] = {}
        outputs: dict[str, Any] = {}
        try:
            values = run_vars if run_vars is not None else self.run_vars()
            ctx = self.context(trigger_item, outputs, values)
            self.run_steps(self.scenario.steps, ctx, outputs, run)
            self.current = "output"
            run.output = self.final_output(ctx, outputs)
            run.status = "warning" if run.failures or any(s.errors for s in run.steps.values()) else "ok"
        except StepBroken as broken:
            run.status, run.error = "incomplete", self.clean(str(broken))
            if not self.opts.dry_run:
                run.checkpoint = self.checkpoint(run, broken, values, moment)
        except StepFailed as failure:
            run.status, run.error = "failed", self.clean(str(failure))
        except Exception as exc:  # a bug or an unforeseen error: the run still says what it did
            run.status = "failed"
            run.error = self.clean(f"unexpected error in {self.current or 'the run'}: {type(exc).__name__}: {exc}")
        except BaseException:  # Ctrl-C, SystemExit: record it, then let it end the program
            run.status, run.error = "interrupted", f"interrupted in {self.current or 'the run'}"
            raise
        finally:
            run.ended = self.opts.now()
            self.finish(run)
        return run

    def finish(self, run: RunResult) -> None:
        """Hand the run's history record to the state, every secret masked first."""
        if not self.opts.record:
            return
        record = run.record(self.scenario.source, connection_name(self.client), self.client.settings.company_id)
        self.state.append_run(json.loads(self.clean(json.dumps(record, ensure_ascii=False, default=str))))

    def checkpoint(self, run: RunResult, broken: StepBroken, values: dict[str, Any], moment: dt.datetime) -> dict[
            str, Any]:
        """What resume_run needs to continue this run, as JSON data."""
        data = {
            "format": CHECKPOINT_FORMAT, "scenario": self.scenario.name, "file": self.scenario.source,
            "started": run.started.isoformat(), "now": moment.isoformat(), "vars": values,
            "trigger_item": run.trigger_item, "journal": self.journal, "failed": broken.record or {},
            "error": run.error,
            "completed": {sid: step.output for sid, step in run.steps.items()
                          if step.runs and not step.errors and sid != broken.step_id},
        }
        result: dict[str, Any] = json.loads(self.clean(json.dumps(data, ensure_ascii=False, default=str)))
        return result

    def run_vars(self) -> dict[str, Any]:
        """The vars of one run: defaults evaluated now, in order (one may use those above it); --var as given."""
        given = set((self.opts.vars or {}).keys())
        values: dict[str, Any] = {}
        ctx = self.make_context({"vars": values, "steps": {}})
        self.current = "vars"
        for name, value in self.vars.items():
            if name in given:
                values[name] = value
                continue
            try:
                values[name] = render(value, ctx)
            except ExpressionError as exc:
                raise StepFailed("vars", name, self.clean(describe(exc)),
                                 location=self.location(("vars", name))) from None
        return values

    def make_context(self, names: dict[str, Any]) -> Context:
        """A context with the scenario's clock, time zone and limits."""
        return Context(names, self.clock, self.tz, self.opts.limits)

    def context(self, trigger_item: Any = None, outputs: dict[str, Any] | None = None,
                values: dict[str, Any] | None = None) -> Context:
        """The names expressions see at the start of a run."""
        names = {"vars": values if values is not None else self.run_vars(),
                 "steps": outputs if outputs is not None else {}}
        if self.scenario.trigger.type in ("watch", "webhook"):
            names["trigger"] = trigger_item
        elif self.scenario.trigger.type == "schedule":  # the tick's due time, or now for a run by hand
            names["trigger"] = trigger_item or {"due": self.opts.now().isoformat(timespec="seconds")}
        return self.make_context(names)

    def final_output(self, ctx: Context, outputs: dict[str, Any]) -> Any:
        """The scenario's `output`, else the last step's result (a search or foreach as its list of values)."""
        if self.scenario.has_output:
            try:
                return render(self.scenario.output, ctx)
            except Unsent:
                return None  # a dry run prints its calls, not the output
            except ExpressionError as exc:
                raise StepFailed("output", "output", self.clean(str(exc)),
                                 location=self.location(("output",))) from None
        last = outputs.get(self.scenario.steps[-1].id) if self.scenario.steps else None
        if isinstance(last, dict) and set(last) >= {"values", "count"}:
            return last["values"]
        return last

    # --- steps -----------------------------------------------------------------------------------------------

    def run_steps(self, steps: tuple[Step, ...], ctx: Context, outputs: dict[str, Any], run: RunResult) -> None:
        """Run steps in order, each seeing the outputs of those before it."""
        for step in steps:
            result = run.steps.setdefault(step.id, StepResult(step.id, step.label))
            self.current = f"step {step.id!r}"
            self._event("start", step, result)
            outputs[step.id] = result.output = self.run_step(step, ctx, run, result, outputs)
            self._event("done", step, result)

    def run_step(self, step: Step, ctx: Context, run: RunResult, result: StepResult, outputs: dict[str, Any]) -> Any:
        """One step: a call, a foreach, a router or an aggregate; None when skipped or failed and ignored."""
        if step.foreach is not None:
            return self.foreach(step, ctx, run, result)
        if not self.guarded(step, result, lambda: self.wanted(step, ctx), ctx, count=False):
            result.skipped += 1
            return None
        if step.branches:
            return self.route(step, ctx, run, result, outputs)
        if step.aggregate is not None:
            return self.guarded(step, result, partial(self.aggregate, step, ctx), ctx)
        return self.guarded(step, result, lambda: self.call(step, ctx, run), ctx)

    def foreach(self, step: Step, ctx: Context, run: RunResult, result: StepResult) -> Any:
        """Make's iterator: the step (or its nested steps) once per item; outputs collected as `values`."""
        items = self.guarded(step, result, lambda: self.items_of(step, ctx), ctx, count=False)
        prefetch(self, step, ctx, items or [], run)  # a foreach of creates goes through `/list` (batching.py)
        outputs = []
        for index, item in enumerate(items or []):
            inner = ctx.child(**{step.item_name: item, "index": index})
            self.frames.append((step.id, index, item))
            self.scope.append(_slot(step.id, index, item))
            try:
                if not self.guarded(step, result, partial(self.wanted, step, inner), inner, count=False):
                    result.skipped += 1
                    continue
                action = self.nested if step.steps else self.call
                outputs.append(self.guarded(step, result, partial(action, step, inner, run), inner))
            finally:
                self.frames.pop()
                self.scope.pop()
        return {"values": outputs, "count": len(outputs)}

    def aggregate(self, step: Step, ctx: Context) -> Any:
        """An aggregator's value (unknown in a dry run when it needs what a write not sent would answer)."""
        assert step.aggregate is not None
        try:
            return aggregate_values(step.aggregate, lambda value, names: self.render(
                step, value, ctx.child(**names), "aggregate"), self.opts.limits)
        except Unsent:
            return StandIn(step.id)

    def nested(self, step: Step, ctx: Context, run: RunResult) -> dict[str, Any]:
        """One iteration of nested steps; they see the outer steps and each other, their outputs stay in the item."""
        scoped = dict(ctx.names["steps"])
        inner = ctx.child(steps=scoped)
        self.run_steps(step.steps, inner, scoped, run)
        return {s.id: scoped.get(s.id) for s in step.steps}

    def route(self, step: Step, ctx: Context, run: RunResult, result: StepResult, outputs: dict[str, Any]) -> Any:
        """Make's router: every route whose filter holds runs, in order; the fallback routes when none did."""
        ran: list[str] = []
        for branch in step.branches:  # a route that does not run leaves its steps null, as a skipped step
            for inner in branch.steps:
                outputs.setdefault(inner.id, None)
        for branch in step.branches:
            if branch.fallback:
                continue
            if branch.filter is None or self.guarded(
                    step, result, partial(self.holds, step, branch.filter, ctx), ctx, count=False):
                self.run_steps(branch.steps, ctx, outputs, run)
                ran.append(branch.name)
        if not ran:
            for branch in step.branches:
                if branch.fallback:
                    self.run_steps(branch.steps, ctx, outputs, run)
                    ran.append(branch.name)
        result.runs += 1
        return {"routes": ran}

    def items_of(self, step: Step, ctx: Context) -> list[Any]:
        """The list a foreach iterates (a search result counts as its values)."""
        try:
            items = self.render(step, step.foreach, ctx, "foreach")
        except Unsent:  # the list comes from a write a dry run did not send: nothing to iterate
            return []
        if isinstance(items, dict) and isinstance(items.get("values"), list):
            items = items["values"]
        if items is None:
            return []
        if not isinstance(items, list):
            raise ExpressionError(f"foreach needs a list, got {type(items).__name__}: {items!r:.80}")
        return items

    def wanted(self, step: Step, ctx: Context) -> bool:
        """False when the step's `when` condition says to skip it (a dry run that cannot tell lists the step)."""
        return step.when is None or self.holds(step, step.when, ctx, "when")

    def holds(self, step: Step, condition: Any, ctx: Context, where: str = "filter") -> bool:
        """A condition's truth (true in a dry run that cannot tell, so the steps it guards are listed)."""
        try:
            return bool(self.render(step, condition, ctx, where))
        except Unsent:
            return True

    # --- error handlers --------------------------------------------------------------------------------------

    def guarded(self, step: Step, result: StepResult, action: Callable[[], Any], ctx: Context, *,
                count: bool = True) -> Any:
        """Run an action of a step under its error handler (stop, ignore, resume, retry, break)."""
        attempt = 0
        kept: dict[str, Any] | None = None  # one record per failed item, however many attempts it took
        while True:
            try:
                output = action()
            except StepBroken:
                raise
            except StepFailed as failure:  # a nested step stopped: its foreach's handler decides for the item
                record = failure.record or failure_record(step.id, step.label, failure, self.item(), self.clean)
                exc: BaseException = failure
            except (TripletexError, ExpressionError) as error:
                record = failure_record(step.id, step.label, error, self.item(), self.clean)
                record["position"] = self.position(step)
                exc = error
                if kept is None:
                    self.failures.append(record)
                else:
                    kept.update(record)
                    record = kept
            else:
                result.runs += 1 if count else 0
                if kept is not None:
                    kept.update(handled="retried", attempts=attempt + 1)
                return output
            kept = record
            retry, value = self.handle(step, result, exc, record, attempt, ctx)
            if not retry:
                return value
            attempt += 1

    def handle(self, step: Step, result: StepResult, exc: BaseException, record: dict[str, Any], attempt: int,
               ctx: Context) -> tuple[bool, Any]:
        """Apply the step's handler to an error: (True, None) to try again, (False, value) to go on, or raise."""
        handler = step.on_error
        action = handler.action
        unknown = record.get("outcome") == OUTCOME_UNKNOWN and not isinstance(exc, StepFailed)
        if unknown and action == "retry" and step.check is not None:
            found = self.run_check(step, ctx)
            if found is not None:
                record["handled"] = "found by check"
                result.runs += 1
                return False, self.settled(record, exc, found)
        elif unknown and action in ("stop", "retry", "break"):
            action = "break"  # never send it again blindly, never forget it: keep the run resumable
        if action == "retry":
            if attempt < handler.times:
                self.opts.sleep(handler.backoff * 2 ** attempt)
                return True, None
            record["attempts"] = attempt + 1
            action = handler.then
        message = self.clean(describe(exc)) if not isinstance(exc, StepFailed) else str(exc)
        result.errors += 1
        result.error = message
        if action == "ignore":
            record["handled"] = "ignored"
            return False, self.settled(record, exc, None)
        if action == "resume":
            record["handled"] = "resumed"
            value = self.render(step, handler.value, ctx.child(error=record), "on_error resume")
            return False, self.settled(record, exc, value)
        record["handled"] = "break" if action == "break" else "stop"
        if isinstance(exc, StepFailed) and action != "break":
            raise exc
        kind = StepBroken if action == "break" else StepFailed
        raise kind(step.id, step.label, message, location=self.location_of(step, exc), record=record) from None

    def settled(self, record: dict[str, Any], exc: BaseException, value: Any) -> Any:
        """A call's error settled by its handler: its result is kept as the call's, so a resumed run does not
        send it again (a write whose outcome was unknown included)."""
        if not self.opts.dry_run and not isinstance(exc, StepFailed) and record.get("position"):
            self.journal[record["position"]] = value
        return value

    def item(self) -> dict[str, Any] | None:
        """The foreach item being worked on (the innermost), as index and id."""
        return item_ref(self.frames[-1] if self.frames else None)

    def position(self, step: Step) -> str:
        """Where a call sits in the run: enclosing foreach items, then the step (`loop[3]/invoice`)."""
        return "/".join([*self.scope, step.id])

    def location(self, where: tuple[str | int, ...]) -> str:
        """`file:line` of a place in the scenario."""
        line = self.scenario.line(where)
        return f"{self.scenario.source}:{line}" if line else self.scenario.source

    def location_of(self, step: Step, exc: BaseException) -> str:
        """`file:line` of an error: the expression's line when it is one, else the step's."""
        line = getattr(exc, "line", 0) if isinstance(exc, ExpressionError) else 0
        return f"{self.scenario.source}:{line}" if line else self.location(step.where)

    def render(self, step: Step, value: Any, ctx: Context, where: str) -> Any:
        """Evaluate a step's templates; errors name the field, the expression and the line."""
        try:
            return render(value, ctx)
        except ExpressionError as exc:
            error = type(exc)(f"{where}: {exc}")
            error.line = self.scenario.line((*step.where, *where.split()[:1]))
            raise error from None

    # --- calls -----------------------------------------------------------------------------------------------

    def call(self, step: Step, ctx: Context, run: RunResult) -> Any:
        """One module call with the step's rendered params and body (planned only, for writes in a dry run)."""
        key = self.position(step)
        if key in self.journal:  # it succeeded before this run was resumed (or before a retry): not again
            return self.journal[key]
        try:
            params = self.render(step, step.params, ctx, "params") or {}
            body = self.render(step, step.body, ctx, "body")
            limit = self.render(step, step.limit, ctx, "limit")
        except Unsent as exc:  # only in a dry run: it needs what a write not sent would answer
            return self.unsent(step, run, exc)
        if key in self.prefailed:
            raise self.prefailed.pop(key)
        if key == self.unknown_at or UNKNOWN + key in self.journal:
            if key == self.unknown_at:
                self.unknown_at = None
            settled, found = self.settle_unknown(step, ctx)
            self.journal.pop(UNKNOWN + key, None)
            if settled:
                self.journal[key] = found
                return found
        if step.module == API_MODULE:
            output = self.api(step, ctx, run, params, body)
        elif step.module in DATASTORE_MODULES:
            output = datastore_call(self.state.datastore(self.store(params)), step, params, run, self.opts.dry_run)
        else:
            output = self.module_call(step, run, params, body, limit)
        if not self.opts.dry_run:
            self.journal[key] = output
            self.note_write(step, run, output)
        return output

    def module_call(self, step: Step, run: RunResult, params: Any, body: Any, limit: Any) -> Any:
        """A catalog module's call."""
        assert step.module is not None
        op = catalog.get(step.module)
        if step.id in self.fields and isinstance(params, dict) and "fields" not in params:
            params = {**params, "fields": self.fields[step.id]}  # only what later steps read (fields.py)
        if self.opts.dry_run:
            write = op.kind not in READ_KINDS
            planned = self.plan(step, run, op, params, body, sent=not write)
            if write or planned is None:
                return StandIn(step.id, {"id": None, **(body if isinstance(body, dict) else {})})
        return to_output(self.client.invoke(op.key, params, body=body, limit=limit))

    def store(self, params: Mapping[str, Any]) -> str:
        """The data store's namespace: its name (default the scenario's) and the connection."""
        return f"{params.get('store') or self.scenario.name}|{self.connection}"

    def note_write(self, step: Step, run: RunResult, output: Any) -> None:
        """Remember a write the run made (what a stopped run leaves behind)."""
        if step.module == API_MODULE:
            method = str(step.method or "").upper()
        elif step.module in DATASTORE_MODULES:
            method = "" if step.module in ("datastore.get", "datastore.search") else step.module.split(".")[1]
        else:
            assert step.module is not None
            op = catalog.get(step.module)
            method = "" if op.kind in READ_KINDS else op.method
        if not method or method == "GET":
            return
        entry: dict[str, Any] = {"step": step.id, "module": step.label, "method": method, "item": self.item()}
        if isinstance(output, dict) and output.get("id") is not None:
            entry["id"] = output["id"]
        run.writes.append(entry)

    def settle_unknown(self, step: Step, ctx: Context) -> tuple[bool, Any]:
        """Before a write whose outcome was unknown is sent again: (True, its result) when it was made."""
        if self.unknown_policy == "skip":
            return True, None
        if self.unknown_policy == "resend":
            return False, None
        if step.check is None:
            raise StepBroken(step.id, step.label, "the outcome of this write is unknown and the step has no `check:` "
                             "to look for it; check by hand, then resume with unknown='resend' or 'skip'",
                             location=self.location(step.where),
                             record={"step": step.id, "item": self.item(), "position": self.position(step),
                                     "outcome": OUTCOME_UNKNOWN, "handled": "break",
                                     "message": "outcome unknown and no check"})
        found = self.run_check(step, ctx)
        return (True, found) if found is not None else (False, None)

    def run_check(self, step: Step, ctx: Context) -> Any:
        """The step's check: its read, then `found` (default: the first result of a search, or the object)."""
        check = step.check
        assert check is not None
        op = catalog.get(check.module)
        params = self.render(step, check.params, ctx, "check") or {}
        result = to_output(self.client.invoke(op.key, params))
        if check.found is not None:
            found = self.render(step, check.found, ctx.child(result=result), "check")
        elif isinstance(result, dict) and "count" in result and "values" in result:
            found = result.get("first")
        else:
            found = result
        return found or None

    def unsent(self, step: Step, run: RunResult, exc: Unsent) -> StandIn:
        """A dry-run call that depends on a write not sent: listed with a note, its result a stand-in."""
        op = catalog.get(step.module) if step.module and step.module not in (API_MODULE, *DATASTORE_MODULES) else None
        run.calls.append({"step": step.id, "module": op.key if op else step.module,
                          "method": op.method if op else step.method, "path": op.path if op else step.path,
                          "params": step.params, "body": step.body, "sent": False, "note": self.clean(str(exc))})
        return StandIn(step.id)

    def plan(self, step: Step, run: RunResult, op: catalog.Operation, params: Any, body: Any, sent: bool) -> Any:
        """Record a dry-run call; returns None when it cannot be prepared (it depends on a write not made)."""
        entry: dict[str, Any] = {"step": step.id, "module": op.key, "method": op.method, "sent": sent}
        try:
            call = prepare(op, params, body=body)
        except ParameterError as exc:
            entry.update(path=op.path, params=params, body=body, sent=False, note=self.clean(str(exc)))
            run.calls.append(entry)
            return None
        entry.update(path=call.path, params=call.params, body=call.json)
        run.calls.append(entry)
        return call

    def api(self, step: Step, ctx: Context, run: RunResult, params: dict[str, Any], body: Any) -> Any:
        """Make an API call: a raw request under the base URL; envelopes are unwrapped like module answers."""
        method = str(self.render(step, step.method, ctx, "method")).upper()
        path = str(self.render(step, step.path, ctx, "path"))
        if self.opts.dry_run:
            run.calls.append({"step": step.id, "module": "api", "method": method, "path": path, "params": params,
                              "body": body, "sent": method == "GET"})
            if method != "GET":
                return StandIn(step.id, {"id": None, **(body if isinstance(body, dict) else {})})
        answer = self.client.request(method, path, params=params, json=body)
        if isinstance(answer, dict) and isinstance(answer.get("values"), list):
            return _listing(answer["values"])
        if isinstance(answer, dict) and "value" in answer:
            return answer["value"]
        return to_output(answer)

    # --- watch -----------------------------------------------------------------------------------------------

    def watch(self) -> ScenarioResult:
        """Run once per object the trigger's search finds beyond the remembered position (oldest first).

        A failed run stops the poll (the object stays new and is tried again next time); an incomplete run
        keeps its checkpoint, so the watch moves past its object and goes on.
        """
        trigger = self.scenario.trigger
        assert trigger.module is not None
        key = watch_key(self.scenario.source, self.connection)
        result = ScenarioResult(self.scenario.name, per_item=True)
        position = _last_id(self.state.load_position(key) or self.legacy_position())
        new, newest = self.poll(position)
        if position is None and trigger.start == "now":
            if not self.opts.dry_run:
                self.state.save_position(key, self.watch_position(newest))
            result.note = f"first run: watching from now on (objects after id {newest})"
            return result
        for item in new[: trigger.limit] if trigger.limit else new:
            run = self.run_once(item)
            result.runs.append(run)
            if run.status in ("failed", "interrupted"):  # later objects stay new: the next poll starts here
                break
            if not self.opts.dry_run:
                self.state.save_position(key, self.watch_position(int(item["id"])))
        if not new:
            result.note = "no new objects"
        return result

    def legacy_position(self) -> dict[str, Any] | None:
        """The position kept before positions were per company (scenario|profile, or base URL#company=N).

        A profile's old position is taken only for the token's own company (company id 0), whose it was.
        """
        settings = self.client.settings
        if settings.profile and settings.company_id != 0:
            return None
        return self.state.load_position(watch_key(self.scenario.source, connection_name(self.client)))

    def watch_position(self, last_id: int) -> dict[str, Any]:
        """A watch position as stored: the highest id handled and when."""
        return {"last_id": last_id, "updated": self.opts.now().isoformat(timespec="seconds")}

    def poll(self, position: int | None) -> tuple[list[dict[str, Any]], int]:
        """The new objects (id above the position, oldest first) and the highest id seen."""
        trigger = self.scenario.trigger
        assert trigger.module is not None
        start = trigger.start if isinstance(trigger.start, int) else 0
        floor = position if position is not None else start
        try:
            params = {"sorting": "-id", **render(trigger.params, self.context())}
        except ExpressionError as exc:  # before any run: a problem of the file, at the trigger's line
            raise ScenarioError(self.scenario.source, [Problem(self.scenario.line((*trigger.where, "params")),
                                                               f"trigger params: {self.clean(str(exc))}")]) from None
        new: list[dict[str, Any]] = []
        newest = floor
        for item in self.client.invoke(trigger.module, params):
            data = plain(item)
            item_id = data.get("id") if isinstance(data, dict) else None
            if not isinstance(item_id, int) or item_id <= floor:
                break  # newest first: everything from here on was seen before
            newest = max(newest, item_id)
            new.append(data)
        return list(reversed(new)), newest

    def clean(self, text: str) -> str:
        """A message with every secret masked."""
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        return scrub(text)

    def _event(self, kind: str, step: Step, result: StepResult) -> None:
        if self.opts.on_event is not None:
            self.opts.on_event(kind, step, result)


def _slot(step_id: str, index: int, item: Any) -> str:
    """A foreach item's place in call positions: by its id when it has one (so a resumed run that meets the
    items in another order still finds what each one did), else by its index."""
    item_id = item.get("id") if isinstance(item, dict) else None
    if isinstance(item_id, int) and not isinstance(item_id, bool):
        return f"{step_id}[#{item_id}]"
    return f"{step_id}[{index}]"


def _last_id(position: dict[str, Any] | None) -> int | None:
    value = (position or {}).get("last_id")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def describe(exc: BaseException) -> str:
    """An error as one message; API errors carry status, code, validation messages and request id in str()."""
    return str(exc) or type(exc).__name__


def plain(value: Any) -> Any:
    """A model as API-shaped data (camelCase); other values as they are."""
    if hasattr(value, "model_dump"):
        from .. import models

        return models.to_api_dict(value)
    return value


def _listing(values: list[Any]) -> dict[str, Any]:
    plain_values = [plain(v) for v in values]
    return {"values": plain_values, "first": plain_values[0] if plain_values else None, "count": len(plain_values)}


def to_output(value: Any) -> Any:
    """A module's answer as data expressions can use: searches as {values, first, count}, models as dicts."""
    from ..core.paging import Paginator

    if isinstance(value, Paginator):
        return _listing(list(value))
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, bytes):
        return {"bytes": len(value)}
    return plain(value)


__all__ = ["OutcomeUnknownError", "RunOptions", "Runner", "resume_run", "run_scenario"]
