"""Turn a scenario file into a Scenario, reporting every structural mistake with its line."""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Mapping
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

from .. import catalog
from ..core.invoke import suggest
from .companies import CompanySelectionError, CompanySelector
from .errors import Problem, ScenarioError
from .model import API_MODULE, Aggregate, Branch, Check, OnError, Path_, Scenario, Step, Trigger
from .triggers import parse_duration
from .yamlfile import MAX_FILE, read_yaml

TOP_KEYS = ("name", "description", "connection", "timezone", "companies", "vars", "trigger", "steps", "output")
STEP_KEYS = ("id", "description", "module", "params", "body", "limit", "when", "foreach", "as", "steps",
             "on_error", "method", "path", "check", "router", "aggregate")
ERROR_ACTIONS = ("stop", "ignore", "continue", "resume", "retry", "break")
CHECK_KEYS = ("module", "params", "found")
BRANCH_KEYS = ("name", "filter", "fallback", "steps")
AGGREGATE_KEYS = ("from", "into", "value", "separator")
AGGREGATE_INTO = ("list", "sum", "text", "count", "min", "max", "avg")
TRIGGER_KEYS = ("type", "module", "params", "from", "every", "limit", "cron", "at", "days", "catch_up", "event")
TRIGGER_TYPES = ("manual", "watch", "schedule", "webhook")
DEFAULT_TIMEZONE = "Europe/Oslo"
_IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


def load_scenario(
    source: str | Path, *, text: str | None = None, vars: Mapping[str, Any] | None = None, check: bool = True
) -> Scenario:
    """Read a scenario file (or `text`) and validate it; raises ScenarioError listing every problem at once.

    `vars` are the --var overrides validation should know of; `check=False` skips validation (not YAML syntax).
    """
    name = str(source)
    if text is None:
        try:
            with open(source, "rb") as handle:  # never more than the limit, whatever the file's size
                text = handle.read(MAX_FILE + 1).decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ScenarioError(name, [Problem(0, f"cannot read the file: {exc}")]) from None
    data, lines, problems = read_yaml(text)
    if problems:
        raise ScenarioError(name, problems)
    builder = _Builder(lines)
    scenario = replace(builder.scenario(data, name), problems=tuple(builder.problems))
    if check:
        from .validate import validate

        validate(scenario, (vars or {}).keys())
    return scenario


class _Builder:
    """Builds the model from plain data, collecting problems instead of stopping at the first."""

    def __init__(self, lines: dict[Path_, int]) -> None:
        self.lines = lines
        self.problems: list[Problem] = []

    def fail(self, where: Path_, message: str) -> None:
        """Record a problem at the line of `where` (or its nearest known parent)."""
        line = next((self.lines[where[:end]] for end in range(len(where), -1, -1) if where[:end] in self.lines), 0)
        self.problems.append(Problem(line, message))

    def keys(self, data: dict[str, Any], allowed: tuple[str, ...], where: Path_, what: str) -> None:
        """Report keys that are not allowed, with a 'did you mean' hint."""
        for key in data:
            if key not in allowed:
                self.fail((*where, key), f"unknown key {key!r} in {what}{suggest(key, allowed)}")

    def mapping(self, value: Any, where: Path_, what: str) -> dict[str, Any]:
        """`value` if it is a mapping (or absent), else a problem and {}."""
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.fail(where, f"{what} must be a mapping, got {_kind(value)}")
            return {}
        return value

    def scenario(self, data: Any, source: str) -> Scenario:
        """The whole scenario."""
        if not isinstance(data, dict):
            self.fail((), "a scenario must be a mapping with name, steps, ...")
            return Scenario(name="", steps=(), source=source)
        self.keys(data, TOP_KEYS, (), "the scenario")
        name = data.get("name")
        if not isinstance(name, str) or not name.strip():
            self.fail(("name",) if "name" in data else (), "the scenario needs a `name` (text)")
        connection = data.get("connection")
        if connection is not None and not isinstance(connection, str):
            self.fail(("connection",), "`connection` must be a profile name (text)")
        timezone = self.timezone(data.get("timezone", DEFAULT_TIMEZONE))
        trigger = self.trigger(data.get("trigger"))
        companies = self.companies(data["companies"], trigger) if "companies" in data else None
        steps = self.steps(data.get("steps"), ("steps",))
        if "steps" in data and not steps and isinstance(data.get("steps"), list):
            self.fail(("steps",), "`steps` is empty")
        return Scenario(
            name=str(name or ""), steps=steps, vars=self.mapping(data.get("vars"), ("vars",), "`vars`"),
            trigger=trigger, connection=connection if isinstance(connection, str) else None,
            output=data.get("output"), has_output="output" in data, source=source, lines=self.lines,
            timezone=timezone, companies=companies,
        )

    def companies(self, value: Any, trigger: Trigger) -> CompanySelector | None:
        """The client companies to run for: `all`, a list of ids, or {name: "pattern"}."""
        try:
            selector = CompanySelector.parse(value)
        except CompanySelectionError as exc:
            self.fail(("companies",), str(exc))
            return None
        if trigger.type == "webhook":
            self.fail(("companies",), "`companies` works with manual, schedule and watch triggers; a webhook "
                                      "scenario runs for the company its subscription belongs to")
        return selector

    def timezone(self, value: Any) -> str:
        """The scenario's time zone (an IANA name such as Europe/Oslo) for today(), now() and dates."""
        try:
            zoneinfo.ZoneInfo(str(value))
        except (ValueError, zoneinfo.ZoneInfoNotFoundError):
            self.fail(("timezone",), f"unknown time zone {value!r}; use an IANA name such as Europe/Oslo")
            return DEFAULT_TIMEZONE
        return str(value)

    def steps(self, value: Any, where: Path_) -> tuple[Step, ...]:
        """A list of steps."""
        if value is None:
            self.fail(where[:-1], "the scenario needs `steps`: a list of steps")
            return ()
        if not isinstance(value, list):
            self.fail(where, f"`steps` must be a list, got {_kind(value)}")
            return ()
        return tuple(step for i, item in enumerate(value) if (step := self.step(item, (*where, i))) is not None)

    def step(self, data: Any, where: Path_) -> Step | None:
        """One step, with its nested steps."""
        if not isinstance(data, dict):
            self.fail(where, f"a step must be a mapping with `id` and `module`, got {_kind(data)}")
            return None
        self.keys(data, STEP_KEYS, where, "a step")
        step_id = data.get("id")
        if not isinstance(step_id, str) or not _IDENTIFIER.match(step_id):
            self.fail((*where, "id") if "id" in data else where,
                      f"a step needs an `id` of letters, digits and _ (starting with a letter), got {step_id!r}")
            step_id = f"#{where[-1]}"
        self.step_shape(data, where, step_id)
        nested = self.steps(data["steps"], (*where, "steps")) if "steps" in data else ()
        item_name = data.get("as", "item")
        if not isinstance(item_name, str) or not _IDENTIFIER.match(item_name):
            self.fail((*where, "as"), f"`as` must be a name for the item, got {item_name!r}")
            item_name = "item"
        module = data.get("module")
        return Step(
            id=step_id, module=resolve_module(module) if isinstance(module, str) else None,
            params=self.mapping(data.get("params"), (*where, "params"), "`params`"), body=data.get("body"),
            limit=data.get("limit"), when=data.get("when"), foreach=data.get("foreach"), item_name=item_name,
            steps=nested, on_error=self.on_error(data.get("on_error", "stop"), (*where, "on_error")),
            method=data.get("method"), path=data.get("path"),
            check=self.check(data["check"], (*where, "check")) if "check" in data else None,
            branches=self.router(data["router"], (*where, "router")) if "router" in data else (),
            aggregate=self.aggregate(data["aggregate"], (*where, "aggregate")) if "aggregate" in data else None,
            where=where,
        )

    def on_error(self, value: Any, where: Path_) -> OnError:
        """An error handler: stop, ignore (or continue), break, {resume: {value}} or {retry: {times, backoff, then}}."""
        if isinstance(value, str) and value in ("stop", "ignore", "continue", "break"):
            return OnError("ignore" if value == "continue" else value)  # type: ignore[arg-type]
        if isinstance(value, dict) and len(value) == 1 and next(iter(value)) in ("resume", "retry"):
            action, options = next(iter(value.items()))
            options = self.mapping(options, (*where, action), f"`on_error: {action}`")
            if action == "resume":
                self.keys(options, ("value",), (*where, action), "`resume`")
                return OnError("resume", value=options.get("value"))
            return self.retry(options, (*where, action))
        self.fail(where, "`on_error` must be stop, ignore (or continue), break, {resume: {value: ...}} or "
                  f"{{retry: {{times: 3, backoff: 10s}}}}, got {value!r}{suggest(str(value), ERROR_ACTIONS)}")
        return OnError()

    def retry(self, options: dict[str, Any], where: Path_) -> OnError:
        """`retry: {times, backoff, then}`: try again up to `times` times, waiting backoff, 2x, 4x, ..."""
        self.keys(options, ("times", "backoff", "then"), where, "`retry`")
        times = options.get("times", 3)
        if isinstance(times, bool) or not isinstance(times, int) or not 1 <= times <= 10:
            self.fail((*where, "times"), f"`retry: times` must be a whole number from 1 to 10, got {times!r}")
            times = 1
        backoff = 0.0
        if "backoff" in options:
            try:
                backoff = parse_duration(options["backoff"])
            except ValueError as exc:
                self.fail((*where, "backoff"), f"`retry: backoff`: {exc}")
        then = options.get("then", "stop")
        if then not in ("stop", "ignore", "continue", "break"):
            self.fail((*where, "then"), f"`retry: then` must be stop, ignore or break, got {then!r}")
            then = "stop"
        return OnError("retry", times=times, backoff=backoff, then="ignore" if then == "continue" else then)

    def check(self, value: Any, where: Path_) -> Check | None:
        """`check: {module, params, found}`: how to tell, before sending again, whether a lost write was made."""
        data = self.mapping(value, where, "`check`")
        self.keys(data, CHECK_KEYS, where, "`check`")
        module = data.get("module")
        if not isinstance(module, str):
            self.fail(where, "`check` needs `module`: a read such as order.search")
            return None
        return Check(resolve_module(module), self.mapping(data.get("params"), (*where, "params"), "check `params`"),
                     data.get("found"), where)

    def router(self, value: Any, where: Path_) -> tuple[Branch, ...]:
        """`router:` a list of routes, each with a `filter` (or `fallback: true`) and its `steps`."""
        if not isinstance(value, list) or not value:
            self.fail(where, "`router` must be a list of routes, each with `name`, `filter` and `steps`")
            return ()
        branches = []
        for index, data in enumerate(value):
            at = (*where, index)
            data = self.mapping(data, at, "a route")
            self.keys(data, BRANCH_KEYS, at, "a route")
            name = data.get("name", f"route{index + 1}")
            fallback = data.get("fallback", False)
            if not isinstance(fallback, bool):
                self.fail((*at, "fallback"), f"`fallback` must be true or false, got {fallback!r}")
                fallback = False
            if fallback and "filter" in data:
                self.fail((*at, "filter"), "a fallback route runs when no other did; it has no `filter`")
            steps = self.steps(data.get("steps"), (*at, "steps"))
            branches.append(Branch(str(name), steps, data.get("filter"), fallback, at))
        return tuple(branches)

    def aggregate(self, value: Any, where: Path_) -> Aggregate | None:
        """`aggregate: {from, into, value, separator}`: a list's items into a list, a sum or a text."""
        data = self.mapping(value, where, "`aggregate`")
        self.keys(data, AGGREGATE_KEYS, where, "`aggregate`")
        if "from" not in data:
            self.fail(where, "`aggregate` needs `from`: the list to collect, e.g. \"{{ steps.loop.values }}\"")
        into = data.get("into", "list")
        if into not in AGGREGATE_INTO:
            self.fail((*where, "into"), f"`aggregate: into` must be one of {', '.join(AGGREGATE_INTO)}, got {into!r}"
                      f"{suggest(str(into), AGGREGATE_INTO)}")
            into = "list"
        return Aggregate(data.get("from"), into, data.get("value"), data.get("separator", ", "))

    def step_shape(self, data: dict[str, Any], where: Path_, step_id: str) -> None:
        """Check which keys go together: a module or nested steps, method/path only for `api`."""
        module = data.get("module")
        if "steps" in data and "foreach" not in data:
            self.fail((*where, "steps"), f"step {step_id!r}: nested `steps` need a `foreach`")
        kinds = [key for key in ("module", "steps", "router", "aggregate") if key in data]
        if len(kinds) > 1:
            self.fail((*where, kinds[1]), f"step {step_id!r}: give one of `module`, nested `steps`, `router` or "
                      f"`aggregate`, not {' and '.join(f'`{k}`' for k in kinds)}")
        if "foreach" in data and ("router" in data or "aggregate" in data):
            self.fail((*where, "foreach"), f"step {step_id!r}: a `foreach` repeats a module or nested `steps`; "
                      "put a router inside its nested steps, and give an aggregate the list with `from`")
        if not kinds:
            self.fail(where, f"step {step_id!r} needs a `module` (a catalog key such as customer.search, or api)")
        elif module is not None and not isinstance(module, str):
            self.fail((*where, "module"), f"step {step_id!r}: `module` must be text, got {_kind(module)}")
        if "as" in data and "foreach" not in data:
            self.fail((*where, "as"), f"step {step_id!r}: `as` names the item of a `foreach`; there is none")
        is_api = isinstance(module, str) and resolve_module(module) == API_MODULE
        for key in ("method", "path"):
            if key in data and not is_api:
                self.fail((*where, key), f"step {step_id!r}: `{key}` is only for `module: api`")
            if is_api and key not in data:
                self.fail(where, f"step {step_id!r}: `module: api` needs `{key}`")

    def trigger(self, value: Any) -> Trigger:
        """The trigger: `manual` (the default), `watch` or `schedule`."""
        where: Path_ = ("trigger",)
        if value is None or value == "manual":
            return Trigger()
        if isinstance(value, str):
            value = {"type": value}
        data = self.mapping(value, where, "`trigger`")
        self.keys(data, TRIGGER_KEYS, where, "the trigger")
        kind = data.get("type", "manual")
        if kind not in TRIGGER_TYPES:
            self.fail((*where, "type"), f"unknown trigger type {kind!r}{suggest(str(kind), TRIGGER_TYPES)}; "
                      f"use one of {', '.join(TRIGGER_TYPES)}")
            return Trigger()
        every = self.every(data, where, kind)
        for key in ("cron", "at", "days", "catch_up"):
            if key in data and kind != "schedule":
                self.fail((*where, key), f"`{key}` belongs to a schedule trigger, not to {kind!r}")
        if "event" in data and kind != "webhook":
            self.fail((*where, "event"), f"`event` belongs to a webhook trigger, not to {kind!r}")
        if kind == "schedule":
            return self.schedule(data, where, every)
        if kind == "webhook":
            return self.webhook(data, where)
        if kind != "watch":
            for key in ("module", "params", "from", "limit"):
                if key in data:
                    self.fail((*where, key), f"`{key}` belongs to a watch trigger, not to {kind!r}")
            return Trigger(type=kind, every=every)
        return self.watch(data, where, every)

    def schedule(self, data: dict[str, Any], where: Path_, every: float | None) -> Trigger:
        """A schedule trigger: `cron`, `every` or `at` (+ `days`), and what to do with ticks missed while down."""
        from .schedule import CATCH_UP, parse_schedule

        for key in ("module", "params", "from", "limit"):
            if key in data:
                self.fail((*where, key), f"`{key}` belongs to a watch trigger, not to 'schedule'")
        catch_up = data.get("catch_up", "one")
        if catch_up not in CATCH_UP:
            self.fail((*where, "catch_up"), f"trigger `catch_up` must be none, one or all, got {catch_up!r}")
            catch_up = "one"
        days = data.get("days")
        try:
            if every is not None or "every" not in data:  # a bad interval is reported already
                parse_schedule({**data, "every": every})
        except ValueError as exc:
            self.fail(where, f"schedule trigger: {exc}")
        return Trigger(type="schedule", every=every, cron=str(data["cron"]) if data.get("cron") is not None else None,
                       at=data.get("at"), days=tuple(str(d) for d in (days if isinstance(days, list) else
                                                                        [days] if days is not None else [])),
                       catch_up=catch_up)

    def webhook(self, data: dict[str, Any], where: Path_) -> Trigger:
        """A webhook trigger: a Tripletex event such as customer.create; each run sees the object as `trigger`."""
        for key in ("module", "params", "from", "limit", "every"):
            if key in data:
                self.fail((*where, key), f"`{key}` belongs to a watch trigger, not to 'webhook'")
        event = data.get("event")
        if not isinstance(event, str) or event.count(".") != 1:
            self.fail(where, "a webhook trigger needs `event`, a Tripletex event such as customer.create")
            event = None
        return Trigger(type="webhook", event=event)

    def every(self, data: dict[str, Any], where: Path_, kind: str) -> float | None:
        """The interval of `--loop` runs, in seconds."""
        if "every" not in data:
            return None
        try:
            return parse_duration(data["every"])
        except ValueError as exc:
            self.fail((*where, "every"), f"trigger `every`: {exc}")
            return None

    def watch(self, data: dict[str, Any], where: Path_, every: float | None) -> Trigger:
        """A watch trigger: a search module, its params, where to start, and how many to take."""
        module = data.get("module")
        if not isinstance(module, str):
            self.fail(where, "a watch trigger needs `module`: a search such as customer.search")
        start = data.get("from", "now")
        if start not in ("now", "all") and (isinstance(start, bool) or not isinstance(start, int)):
            self.fail((*where, "from"), f"trigger `from` must be now, all or an id, got {start!r}")
            start = "now"
        limit = data.get("limit")
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
            self.fail((*where, "limit"), f"trigger `limit` must be a whole number of at least 1, got {limit!r}")
            limit = None
        params = self.mapping(data.get("params"), (*where, "params"), "trigger `params`")
        return Trigger(type="watch", module=resolve_module(module) if isinstance(module, str) else None, params=params,
                       start=start, every=every, limit=limit)


def resolve_module(name: str) -> str:
    """A step's module as a catalog key: the key itself, or the Make module's title as `ttx modules` shows it."""
    if name == API_MODULE:
        return name
    return _titles().get(" ".join(name.lower().split()), name)


@cache
def _titles() -> dict[str, str]:
    titles = {op.title.lower(): op.key for op in catalog.all_operations() if op.exposed}
    titles.update({op.title.lower(): API_MODULE for op in catalog.all_operations() if op.kind == catalog.Kind.API_CALL})
    return titles


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    return {dict: "a mapping", list: "a list", str: "text", bool: "true/false"}.get(type(value), type(value).__name__)
