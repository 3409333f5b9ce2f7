"""Run a scenario with the sync SDK client: steps in order, foreach, when, on_error, dry-run and watch triggers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import catalog
from ..core.errors import ParameterError, TripletexError
from ..core.invoke import prepare
from ..core.redact import MASK, scrub
from .errors import ExpressionError, Problem, ScenarioError, StepFailed
from .expressions import Context, StandIn, Unsent, render
from .model import API_MODULE, Scenario, Step
from .results import RunResult, ScenarioResult, StepResult
from .state import FileState, ScenarioState
from .storage import data_dir
from .triggers import watch_key
from .validate import validate

if TYPE_CHECKING:
    from ..client import Tripletex

READ_KINDS = (catalog.Kind.GET, catalog.Kind.SEARCH)
Event = Callable[[str, Step, StepResult], None]
"""Progress callback: ("start" | "done", step, its result so far)."""


def _now() -> dt.datetime:
    return dt.datetime.now().astimezone()


def connection_name(client: Tripletex) -> str:
    """The connection as history and watch state know it: the profile, else base URL and company (never a token)."""
    s = client.settings
    return s.profile or f"{s.base_url}#company={s.company_id}"


def client_secrets(client: Tripletex) -> list[str]:
    """The token values of a client, to keep out of everything a scenario writes."""
    s = client.settings
    return [t.reveal() for t in (s.consumer_token, s.employee_token) if t]


@dataclass
class RunOptions:
    """How to run: variables, dry-run, where state and history live, the clock, and a progress callback.

    `state` is where watch positions, history and data stores live (a ScenarioState); by default
    FileState in `data_dir` (the user data directory). `record=False` keeps the run out of history.
    """

    vars: Mapping[str, Any] | None = None
    dry_run: bool = False
    data_dir: Path | None = None
    record: bool = True
    state: ScenarioState | None = None
    now: Callable[[], dt.datetime] = _now
    on_event: Event | None = None


def run_scenario(scenario: Scenario, client: Tripletex, **options: Any) -> ScenarioResult:
    """Validate and run a scenario: once (manual, schedule) or once per new object (watch).

    Options are those of RunOptions: vars={...}, dry_run=True, data_dir=Path, record=False, state=..., now=clock,
    on_event=f.
    """
    opts = RunOptions(**options)
    validate(scenario, (opts.vars or {}).keys())
    values = resolve_vars(scenario, opts.vars)
    state = opts.state or FileState(opts.data_dir or data_dir(), client_secrets(client))
    runner = Runner(scenario, client, values, opts)
    if scenario.trigger.type == "watch":
        result = runner.watch(state)
    else:
        result = ScenarioResult(scenario.name, [runner.run_once()])
    for run in result.runs:
        if opts.record:
            state.append_run(run.record(scenario.source, connection_name(client)))
    return result


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

    def __init__(self, scenario: Scenario, client: Tripletex, values: dict[str, Any], opts: RunOptions) -> None:
        self.scenario = scenario
        self.client = client
        self.vars = values
        self.opts = opts
        self.secrets = client_secrets(client)

    def run_vars(self) -> dict[str, Any]:
        """The vars of one run: defaults evaluated now, in order (one may use those above it); --var as given."""
        given = set((self.opts.vars or {}).keys())
        values: dict[str, Any] = {}
        ctx = Context({"vars": values, "steps": {}}, self.opts.now)
        for name, value in self.vars.items():
            if name in given:
                values[name] = value
                continue
            try:
                values[name] = render(value, ctx)
            except ExpressionError as exc:
                raise StepFailed("vars", name, self.clean(describe(exc))) from None
        return values

    def context(self, trigger_item: Any = None, outputs: dict[str, Any] | None = None) -> Context:
        """The names expressions see at the start of a run."""
        names = {"vars": self.run_vars(), "steps": outputs if outputs is not None else {}}
        if self.scenario.trigger.type == "watch":
            names["trigger"] = trigger_item
        return Context(names, self.opts.now)

    def run_once(self, trigger_item: Any = None) -> RunResult:
        """One execution of every step; a step that fails with on_error stop ends it with status failed."""
        run = RunResult(self.scenario.name, self.opts.now(), trigger_item=trigger_item, dry_run=self.opts.dry_run)
        run.steps = {s.id: StepResult(s.id, s.label) for s in self.scenario.all_steps()}
        outputs: dict[str, Any] = {}
        try:
            ctx = self.context(trigger_item, outputs)
            self.run_steps(self.scenario.steps, ctx, outputs, run)
            run.output = self.final_output(ctx, outputs)
            run.status = "warning" if any(s.errors for s in run.steps.values()) else "ok"
        except StepFailed as failure:
            run.status, run.error = "failed", self.clean(str(failure))
        run.ended = self.opts.now()
        return run

    def final_output(self, ctx: Context, outputs: dict[str, Any]) -> Any:
        """The scenario's `output`, else the last step's result (a search or foreach as its list of values)."""
        if self.scenario.has_output:
            try:
                return render(self.scenario.output, ctx)
            except Unsent:
                return None  # a dry run prints its calls, not the output
            except ExpressionError as exc:
                raise StepFailed("output", "output", self.clean(str(exc))) from None
        last = outputs.get(self.scenario.steps[-1].id) if self.scenario.steps else None
        if isinstance(last, dict) and set(last) >= {"values", "count"}:
            return last["values"]
        return last

    def run_steps(self, steps: tuple[Step, ...], ctx: Context, outputs: dict[str, Any], run: RunResult) -> None:
        """Run steps in order, each seeing the outputs of those before it."""
        for step in steps:
            result = run.steps.setdefault(step.id, StepResult(step.id, step.label))
            self._event("start", step, result)
            outputs[step.id] = result.output = self.run_step(step, ctx, run, result)
            self._event("done", step, result)

    def run_step(self, step: Step, ctx: Context, run: RunResult, result: StepResult) -> Any:
        """One step: a single call, or a foreach over items; None when skipped or failed with continue."""
        if step.foreach is not None:
            return self.foreach(step, ctx, run, result)
        if not self.guarded(step, result, lambda: self.wanted(step, ctx), count=False):
            result.skipped += 1
            return None
        return self.guarded(step, result, lambda: self.call(step, ctx, run))

    def foreach(self, step: Step, ctx: Context, run: RunResult, result: StepResult) -> Any:
        """Make's iterator: the step (or its nested steps) once per item; outputs collected as `values`."""
        items = self.guarded(step, result, lambda: self.items_of(step, ctx), count=False)
        outputs = []
        for index, item in enumerate(items or []):
            inner = ctx.child(**{step.item_name: item, "index": index})
            if not self.guarded(step, result, partial(self.wanted, step, inner), count=False):
                result.skipped += 1
                continue
            action = self.nested if step.steps else self.call
            outputs.append(self.guarded(step, result, partial(action, step, inner, run)))
        return {"values": outputs, "count": len(outputs)}

    def nested(self, step: Step, ctx: Context, run: RunResult) -> dict[str, Any]:
        """One iteration of nested steps; they see the outer steps and each other, their outputs stay in the item."""
        scoped = dict(ctx.names["steps"])
        inner = ctx.child(steps=scoped)
        self.run_steps(step.steps, inner, scoped, run)
        return {s.id: scoped.get(s.id) for s in step.steps}

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
        try:
            return step.when is None or bool(self.render(step, step.when, ctx, "when"))
        except Unsent:
            return True

    def guarded(self, step: Step, result: StepResult, action: Callable[[], Any], *, count: bool = True) -> Any:
        """Run an action of a step; an error stops the run, or with on_error continue is counted and gives None."""
        try:
            output = action()
        except StepFailed as failure:  # a nested step stopped: its foreach stops too, unless it continues
            message = str(failure)
            if step.on_error == "stop":
                result.errors += 1
                result.error = message
                raise
        except (TripletexError, ExpressionError) as exc:
            message = self.clean(describe(exc))
            if step.on_error == "stop":
                result.errors += 1
                result.error = message
                raise StepFailed(step.id, step.label, message) from None
        else:
            result.runs += 1 if count else 0
            return output
        result.errors += 1
        result.error = message
        return None

    def render(self, step: Step, value: Any, ctx: Context, where: str) -> Any:
        """Evaluate a step's templates; errors name the field and the expression (guarded() adds the step)."""
        try:
            return render(value, ctx)
        except ExpressionError as exc:
            raise type(exc)(f"{where}: {exc}") from None

    def call(self, step: Step, ctx: Context, run: RunResult) -> Any:
        """One module call with the step's rendered params and body (planned only, for writes in a dry run)."""
        try:
            params = self.render(step, step.params, ctx, "params") or {}
            body = self.render(step, step.body, ctx, "body")
            limit = self.render(step, step.limit, ctx, "limit")
        except Unsent as exc:  # only in a dry run: it needs what a write not sent would answer
            return self.unsent(step, run, exc)
        if step.module == API_MODULE:
            return self.api(step, ctx, run, params, body)
        assert step.module is not None
        op = catalog.get(step.module)
        if self.opts.dry_run:
            write = op.kind not in READ_KINDS
            planned = self.plan(step, run, op, params, body, sent=not write)
            if write or planned is None:
                return StandIn(step.id, {"id": None, **(body if isinstance(body, dict) else {})})
        return to_output(self.client.invoke(op.key, params, body=body, limit=limit))

    def unsent(self, step: Step, run: RunResult, exc: Unsent) -> StandIn:
        """A dry-run call that depends on a write not sent: listed with a note, its result a stand-in."""
        op = catalog.get(step.module) if step.module and step.module != API_MODULE else None
        run.calls.append({"step": step.id, "module": op.key if op else "api",
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

    def watch(self, state: ScenarioState) -> ScenarioResult:
        """Run once per object the trigger's search finds beyond the remembered position (oldest first)."""
        trigger = self.scenario.trigger
        assert trigger.module is not None
        key = watch_key(self.scenario.source, connection_name(self.client))
        result = ScenarioResult(self.scenario.name, per_item=True)
        position = _last_id(state.load_position(key))
        new, newest = self.poll(position)
        if position is None and trigger.start == "now":
            if not self.opts.dry_run:
                state.save_position(key, self.position(newest))
            result.note = f"first run: watching from now on (objects after id {newest})"
            return result
        for item in new[: trigger.limit] if trigger.limit else new:
            run = self.run_once(item)
            result.runs.append(run)
            if not run.ok:  # later objects stay new, so the next run retries from the failed one
                break
            if not self.opts.dry_run:
                state.save_position(key, self.position(int(item["id"])))
        if not new:
            result.note = "no new objects"
        return result

    def position(self, last_id: int) -> dict[str, Any]:
        """A watch position as stored: the highest id handled and when."""
        return {"last_id": last_id, "updated": self.opts.now().isoformat(timespec="seconds")}

    def poll(self, position: int | None) -> tuple[list[dict[str, Any]], int]:
        """The new objects (id above the position, oldest first) and the highest id seen."""
        trigger = self.scenario.trigger
        assert trigger.module is not None
        start = trigger.start if isinstance(trigger.start, int) else 0
        floor = position if position is not None else start
        params = {"sorting": "-id", **render(trigger.params, self.context())}
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
