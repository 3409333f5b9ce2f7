"""Check a scenario against the catalog before anything is sent: modules, parameters, references, trigger."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .. import catalog
from ..core.errors import ParameterError, TripletexError
from ..core.invoke import coerce, prepare_body, suggest
from ..core.paths import split_api_path
from .errors import ExpressionError, Problem, ScenarioError
from .expressions import CONSTANTS, Reference, expressions_in, references, segments
from .functions import ALL_NAMES
from .model import API_MODULE, DATASTORE_MODULES, Path_, Scenario, Step

READS = (catalog.Kind.GET, catalog.Kind.SEARCH)
HTTP_METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH")
_STEP_FIELDS = ("params", "body", "limit", "when", "method", "path")


@dataclass(frozen=True)
class Scope:
    """What expressions at one place may refer to: earlier steps, foreach item names, enclosing foreaches."""

    steps: frozenset[str] = frozenset()
    items: frozenset[str] = frozenset()
    foreaches: frozenset[str] = frozenset()


@dataclass
class _Checker:
    scenario: Scenario
    var_names: frozenset[str]
    problems: list[Problem] = field(default_factory=list)
    parent_of: dict[str, str | None] = field(default_factory=dict)
    used_vars: set[str] = field(default_factory=set)

    def fail(self, where: Path_, message: str) -> None:
        """Record a problem once, at the line of `where`."""
        problem = Problem(self.scenario.line(where), message)
        if problem not in self.problems:
            self.problems.append(problem)


def check_scenario(scenario: Scenario, var_names: Iterable[str] = ()) -> list[Problem]:
    """Every problem of a loaded scenario (empty when it is valid); `var_names` are --var overrides."""
    checker = _Checker(scenario, frozenset(scenario.vars) | frozenset(var_names), list(scenario.problems))
    _index_steps(checker, scenario.steps, None)
    _check_trigger(checker)
    _check_steps(checker, scenario.steps, Scope())
    if scenario.has_output:
        top = frozenset(step.id for step in scenario.steps)
        _check_templates(checker, scenario.output, ("output",), Scope(steps=top), "output")
    _check_templates(checker, scenario.vars, ("vars",), Scope(), "vars")
    for name in sorted(set(var_names) - set(scenario.vars) - checker.used_vars):
        # a misspelt --var would otherwise be ignored while a default takes its place
        known = sorted(set(scenario.vars) | checker.used_vars)
        checker.fail((), f"--var {name}: the scenario has no variable {name!r}{suggest(name, known)}; "
                     f"its variables: {', '.join(known) or 'none'}")
    return checker.problems


def validate(scenario: Scenario, var_names: Iterable[str] = ()) -> None:
    """Raise ScenarioError listing every problem of the scenario, if it has any."""
    problems = check_scenario(scenario, var_names)
    if problems:
        raise ScenarioError(scenario.source, problems)


def _index_steps(checker: _Checker, steps: tuple[Step, ...], parent: str | None) -> None:
    for step in steps:
        if step.id in checker.parent_of:
            checker.fail((*step.where, "id"), f"duplicate step id {step.id!r}; step ids must be unique")
        checker.parent_of.setdefault(step.id, parent)
        _index_steps(checker, step.steps, step.id)
        for branch in step.branches:  # a route's steps belong to the router's scope
            _index_steps(checker, branch.steps, parent)


def _check_steps(checker: _Checker, steps: tuple[Step, ...], scope: Scope) -> None:
    visible = set(scope.steps)
    for step in steps:
        outer = Scope(frozenset(visible), scope.items, scope.foreaches)
        inner = outer
        if step.foreach is not None:
            _check_templates(checker, step.foreach, (*step.where, "foreach"), outer, step.id)
            inner = Scope(outer.steps, outer.items | {step.item_name, "index"}, outer.foreaches | {step.id})
        for name in _STEP_FIELDS:
            _check_templates(checker, getattr(step, name), (*step.where, name), inner, step.id)
        _check_templates(checker, step.on_error.value, (*step.where, "on_error", "resume", "value"),
                         Scope(inner.steps, inner.items | {"error"}, inner.foreaches), step.id)
        _check_module(checker, step)
        _check_extras(checker, step, inner)
        if step.steps:
            _check_steps(checker, step.steps, inner)
        for branch in step.branches:
            _check_templates(checker, branch.filter, (*branch.where, "filter"), inner, step.id)
            _check_steps(checker, branch.steps, Scope(frozenset(visible), inner.items, inner.foreaches))
            visible.update(s.id for s in _walk_scope(branch.steps))
        visible.add(step.id)


def _walk_scope(steps: tuple[Step, ...]) -> list[Step]:
    """Steps whose results land in this scope: these and their routes' steps (not a foreach's nested ones)."""
    out = []
    for step in steps:
        out.append(step)
        for branch in step.branches:
            out.extend(_walk_scope(branch.steps))
    return out


def _check_extras(checker: _Checker, step: Step, scope: Scope) -> None:
    """A step's aggregate and check: their templates (with `item` and `result`) and the check's read module."""
    if step.aggregate is not None:
        each = Scope(scope.steps, scope.items | {"item", "index"}, scope.foreaches)
        agg = step.aggregate
        _check_templates(checker, agg.source, (*step.where, "aggregate", "from"), scope, step.id)
        _check_templates(checker, agg.value, (*step.where, "aggregate", "value"), each, step.id)
        _check_templates(checker, agg.separator, (*step.where, "aggregate", "separator"), scope, step.id)
    check = step.check
    if check is None:
        return
    if step.module is None or step.module == API_MODULE or step.module in DATASTORE_MODULES:
        checker.fail(check.where, f"step {step.id!r}: `check` belongs to a step that writes through a module")
    _check_templates(checker, check.params, (*check.where, "params"), scope, step.id)
    _check_templates(checker, check.found, (*check.where, "found"),
                     Scope(scope.steps, scope.items | {"result"}, scope.foreaches), step.id)
    try:
        op = catalog.get(check.module)
    except KeyError:
        reads = [o.key for o in catalog.all_operations() if o.exposed and o.kind in READS]
        checker.fail((*check.where, "module"), f"step {step.id!r}: check: unknown module {check.module!r}"
                     f"{suggest(check.module, reads)}")
        return
    if op.kind not in READS:
        checker.fail((*check.where, "module"), f"step {step.id!r}: check: {op.key} must be a read (get or search)")
        return
    _check_params(checker, op, check.params, (*check.where, "params"), f"step {step.id!r}: check")


def _check_module(checker: _Checker, step: Step) -> None:
    if step.module is None:
        return
    if step.module == API_MODULE:
        _check_api(checker, step)
        return
    if step.module in DATASTORE_MODULES:
        _check_datastore(checker, step)
        return
    try:
        op = catalog.get(step.module)
    except KeyError:
        keys = [op.key for op in catalog.all_operations() if op.exposed and op.kind != catalog.Kind.API_CALL]
        keys += list(DATASTORE_MODULES)
        checker.fail((*step.where, "module"), f"step {step.id!r}: unknown module {step.module!r}"
                     f"{suggest(step.module, keys)}; `ttx modules` lists them")
        return
    _check_params(checker, op, step.params, (*step.where, "params"), f"step {step.id!r}")
    if op.body is not None and step.body is None:
        checker.fail(step.where, f"step {step.id!r}: {op.key} needs a `body` (a {op.body})")
    if op.body is None and step.body is not None:
        checker.fail((*step.where, "body"), f"step {step.id!r}: {op.key} takes no body")
    if op.body is not None and step.body is not None and not _is_template(step.body):
        try:  # unknown fields and literal values of the wrong type; templates are checked when they have values
            prepare_body(op, _literal_part(step.body))
        except ParameterError as exc:
            checker.fail((*step.where, "body"), f"step {step.id!r}: {exc}")
    if step.limit is not None:
        if not op.paged:
            checker.fail((*step.where, "limit"), f"step {step.id!r}: `limit` is only for searches; {op.key} is not")
        elif not _is_template(step.limit) and not _whole(step.limit):
            checker.fail((*step.where, "limit"), f"step {step.id!r}: `limit` must be a count, not {step.limit!r}")


def _check_params(checker: _Checker, op: catalog.Operation, params: dict[str, Any], where: Path_, who: str) -> None:
    known = [p.python_name for p in (*op.path_params, *op.query_params)]
    given: set[catalog.Param] = set()
    for name, value in params.items():
        param = op.param(name)
        if param is None or (param not in op.path_params and param not in op.query_params):
            checker.fail((*where, name), f"{who}: {op.key} has no parameter {name!r}{suggest(name, known)}; "
                         f"known: {', '.join(known) or 'none'}")
            continue
        given.add(param)
        if value is not None and not _has_template(value):
            try:
                coerce(op, param, value)
            except ParameterError as exc:
                checker.fail((*where, name), f"{who}: {exc}")
    for param in (*op.path_params, *op.query_params):
        if param.required and param not in given:
            checker.fail(where if params else where[:-1],
                         f"{who}: {op.key} needs parameter {param.python_name!r} ({param.name})")


def _check_api(checker: _Checker, step: Step) -> None:
    method = step.method
    if isinstance(method, str) and not _is_template(method) and method.upper() not in HTTP_METHODS:
        checker.fail((*step.where, "method"), f"step {step.id!r}: unknown HTTP method {method!r}; "
                     f"use one of {', '.join(HTTP_METHODS)}")
    if isinstance(step.path, str) and not _has_template(step.path):
        try:
            split_api_path(step.path)
        except TripletexError as exc:
            checker.fail((*step.where, "path"), f"step {step.id!r}: {exc}")


DATASTORE_PARAMS = {"datastore.get": ("key",), "datastore.set": ("key", "value"), "datastore.delete": ("key",),
                    "datastore.search": ()}


def _check_datastore(checker: _Checker, step: Step) -> None:
    assert step.module is not None
    needed = DATASTORE_PARAMS[step.module]
    allowed = (*needed, "store", *(("prefix",) if step.module == "datastore.search" else ()))
    for name in step.params:
        if name not in allowed:
            checker.fail((*step.where, "params", name), f"step {step.id!r}: {step.module} has no parameter {name!r}"
                         f"{suggest(name, allowed)}; known: {', '.join(allowed)}")
    for name in needed:
        if name not in step.params:
            checker.fail((*step.where, "params"), f"step {step.id!r}: {step.module} needs parameter {name!r}")
    for name in ("body", "limit"):
        if getattr(step, name) is not None:
            checker.fail((*step.where, name), f"step {step.id!r}: {step.module} takes no `{name}`")


def _check_trigger(checker: _Checker) -> None:
    trigger = checker.scenario.trigger
    if trigger.type != "watch" or trigger.module is None:
        return
    where = (*trigger.where, "module")
    try:
        op = catalog.get(trigger.module)
    except KeyError:
        searches = [op.key for op in catalog.all_operations() if op.paged and op.exposed]
        checker.fail(where, f"trigger: unknown module {trigger.module!r}{suggest(trigger.module, searches)}")
        return
    if not op.paged:
        checker.fail(where, f"trigger: a watch needs a search module (such as customer.search); {op.key} is {op.kind}")
        return
    _check_params(checker, op, trigger.params, (*trigger.where, "params"), "trigger")
    _check_templates(checker, trigger.params, (*trigger.where, "params"), Scope(), "trigger", in_trigger=True)


def _check_templates(
    checker: _Checker, value: Any, where: Path_, scope: Scope, who: str, *, in_trigger: bool = False
) -> None:
    for text, sub in expressions_in(value):
        try:
            parts = segments(text)
        except ExpressionError as exc:
            checker.fail((*where, *sub), f"{_who(who)}: {exc}")
            continue
        for part in parts:
            if isinstance(part, str):
                continue
            for ref in references(part):
                message = _check_reference(checker, ref, scope, in_trigger)
                if message:
                    checker.fail((*where, *sub), f"{_who(who)}: {{{{ {text_of(text)} }}}}: {message}")


def text_of(text: str) -> str:
    """A template's expression text for messages (the inside of a single `{{ }}`, else the whole text)."""
    stripped = text.strip()
    if stripped.startswith("{{") and stripped.endswith("}}") and stripped.count("{{") == 1:
        return stripped[2:-2].strip()
    return text


def _who(who: str) -> str:
    return who if who in ("output", "trigger", "vars") else f"step {who!r}"


def _check_reference(checker: _Checker, ref: Reference, scope: Scope, in_trigger: bool) -> str | None:
    root = ref.root
    if root == "vars":
        if ref.chain:
            checker.used_vars.add(ref.chain[0])
        if ref.chain and ref.chain[0] not in checker.var_names:
            return (f"unknown variable {ref.chain[0]!r}{suggest(ref.chain[0], checker.var_names)}; "
                    "declare it under `vars` (null if it must be given with --var)")
        return None
    if root == "steps":
        return _check_step_ref(checker, ref, scope) if not in_trigger else "the trigger cannot refer to steps"
    if root == "trigger":
        if in_trigger or checker.scenario.trigger.type == "manual":
            return ("`trigger` is only set by a watch trigger (the new object each run handles), a webhook "
                    "trigger (the object of the event) or a schedule (`trigger.due`)")
        return None
    if root in scope.items:
        return None
    if root in CONSTANTS or root in ("today", "now"):
        return None
    if root == "item" or root == "index":
        return f"{root!r} is only defined inside a foreach"
    if root in ALL_NAMES:
        return f"{root!r} is a function; call it as {root}(...) or use it as a filter: x | {root}"
    known = ["vars", "steps", *(["trigger"] if checker.scenario.trigger.type != "manual" else []), *scope.items]
    return f"unknown name {root!r}{suggest(root, known)}; expressions start from {', '.join(known)}"


def _check_step_ref(checker: _Checker, ref: Reference, scope: Scope) -> str | None:
    if not ref.chain:
        return None
    target = ref.chain[0]
    if target in scope.steps:
        return None
    if target not in checker.parent_of:
        return f"unknown step {target!r}{suggest(target, scope.steps)}"
    parent = checker.parent_of[target]
    if parent is not None and parent not in scope.foreaches:
        return f"step {target!r} runs inside foreach {parent!r}; use steps.{parent}.values instead"
    return f"step {target!r} has not run yet at this point (a step can use only the steps before it)"


def _literal_part(value: Any) -> Any:
    """Data with every template replaced by null (no value yet), to check what is written literally."""
    if _is_template(value):
        return None
    if isinstance(value, dict):
        return {key: _literal_part(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_literal_part(item) for item in value]
    return value


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_template(value: Any) -> bool:
    return isinstance(value, str) and "{{" in value


def _has_template(value: Any) -> bool:
    return any(True for _ in expressions_in(value))
