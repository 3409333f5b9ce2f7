"""Fewer bytes per search: the `fields` a search step needs, read off the expressions that use its result.

A search step's result is used through `steps.ID.first.x`, `steps.ID.values[0].x`, `steps.ID.count`, or through
the `item` of a foreach (or aggregate) over `steps.ID.values`. When every use names the fields it reads, the
search asks only for those (plus `id`, which resumed runs use to find foreach items). When any use takes an
object whole (`steps.ID.first`, the list passed on, a dynamic index, the run's default output), or the step
gives `fields` itself, the search is left as written.
"""

from __future__ import annotations

import ast
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .. import catalog
from .errors import ExpressionError
from .expressions import expressions_in, segments
from .model import API_MODULE, DATASTORE_MODULES, Scenario, Step

ELEMENT = "[]"
LIST_WORDS = ("first", "last", "count", "length", "values")
WHOLE = "*"


@dataclass
class _Use:
    """What is known of one search step's result: the field paths read, or that it is used whole."""

    paths: set[tuple[str, ...]] = field(default_factory=set)
    whole: bool = False


_KNOWN: OrderedDict[int, tuple[Scenario, dict[str, str]]] = OrderedDict()
_KNOWN_MAX = 64
_KNOWN_LOCK = threading.Lock()


def search_fields(scenario: Scenario) -> dict[str, str]:
    """The `fields` parameter for each search step whose uses are all known (step id -> `id,name,customer(name)`).

    Worked out once per scenario object (a scenario is immutable; a Temporal workflow re-runs the runner after
    every answer, and the analysis walks every expression)."""
    with _KNOWN_LOCK:
        known = _KNOWN.get(id(scenario))
        if known is not None and known[0] is scenario:
            _KNOWN.move_to_end(id(scenario))
            return dict(known[1])
    found = _search_fields(scenario)
    with _KNOWN_LOCK:
        _KNOWN[id(scenario)] = (scenario, found)  # the scenario is held, so its id is not reused while kept
        while len(_KNOWN) > _KNOWN_MAX:
            _KNOWN.popitem(last=False)
    return dict(found)


def _search_fields(scenario: Scenario) -> dict[str, str]:
    searches = {s.id: s for s in scenario.all_steps() if _narrowable(s)}
    if not searches:
        return {}
    uses = {sid: _Use() for sid in searches}
    try:
        _Walker(uses).scenario(scenario)
    except ExpressionError:  # validation reports it; nothing is narrowed for a file it refuses
        return {}
    if not scenario.has_output and scenario.steps and scenario.steps[-1].id in uses:
        uses[scenario.steps[-1].id].whole = True  # the run's output is the last search's whole values
    return {sid: _selection(use.paths) for sid, use in uses.items() if not use.whole}


def _narrowable(step: Step) -> bool:
    if step.module in (None, API_MODULE, *DATASTORE_MODULES) or step.foreach is not None:
        return False
    op = _op(step.module)
    if op is None or op.kind != catalog.Kind.SEARCH or not any(p.name == "fields" for p in op.params):
        return False
    return "fields" not in (step.params or {})


def _op(key: str) -> catalog.Operation | None:
    try:
        return catalog.get(key)
    except KeyError:
        return None


class _Walker:
    """Visits every expression of a scenario with the names (`item`, `as`) bound to a search's items."""

    def __init__(self, uses: dict[str, _Use]) -> None:
        self.uses = uses

    def scenario(self, scenario: Scenario) -> None:
        """Every expression of the file: steps, then output."""
        self.steps(scenario.steps, {})
        self.value(scenario.output, {})
        self.value(scenario.vars, {})

    def steps(self, steps: tuple[Step, ...], bound: dict[str, str]) -> None:
        """Steps in a scope where `bound` names stand for items of a search."""
        for step in steps:
            self.step(step, bound)

    def step(self, step: Step, bound: dict[str, str]) -> None:
        """One step: its foreach source binds its item name for the rest of it."""
        inner = dict(bound)
        inner.pop(step.item_name, None)
        inner.pop("index", None)
        if step.foreach is not None:
            source = self.source(step.foreach, bound)
            if source is not None:
                inner[step.item_name] = source
        self.value(step.when, inner)
        for part in (step.params, step.body, step.limit, step.method, step.path):
            self.value(part, inner)
        if step.check is not None:
            self.value(step.check.params, inner)
            self.value(step.check.found, inner)
        for branch in step.branches:
            self.value(branch.filter, inner)
            self.steps(branch.steps, inner)
        self.steps(step.steps, inner)
        if step.aggregate is not None:
            self.aggregate(step, bound)

    def aggregate(self, step: Step, bound: dict[str, str]) -> None:
        """An aggregator: `item` in its `value` is an item of its `from`; without `value` the items go whole."""
        agg = step.aggregate
        assert agg is not None
        source = self.source(agg.source, bound)
        if source is not None and agg.value is None:
            self.uses[source].whole = True
        inner = {k: v for k, v in bound.items() if k not in ("item", "index")}
        if source is not None:
            inner["item"] = source
        self.value(agg.value, inner)
        self.value(agg.separator, bound)

    def source(self, value: Any, bound: dict[str, str]) -> str | None:
        """The search whose items a foreach or aggregate walks (`{{ steps.ID.values }}` or `{{ steps.ID }}`)."""
        if isinstance(value, str):
            parts = segments(value)
            if len(parts) == 1 and isinstance(parts[0], ast.expr):
                chain = _plain_chain(parts[0])
                if chain and chain[0] == "steps" and len(chain) in (2, 3) and chain[1] in self.uses and (
                        len(chain) == 2 or chain[2] == "values"):
                    return chain[1]
        self.value(value, bound)
        return None

    def value(self, value: Any, bound: dict[str, str]) -> None:
        """Every expression in a value (nested data included)."""
        for text, _ in expressions_in(value):
            for part in segments(text):
                if isinstance(part, ast.expr):
                    self.expression(part, bound)

    def expression(self, tree: ast.expr, bound: dict[str, str]) -> None:
        """Record what each reference to a search's result reads."""
        for chain in _accesses(tree):
            root, rest = chain[0], chain[1:]
            if root == "steps":
                if not rest:  # `steps` itself: anything may be read
                    for use in self.uses.values():
                        use.whole = True
                elif rest[0] in self.uses:
                    self.result(self.uses[rest[0]], rest[1:])
                elif rest[0] == "?":
                    for use in self.uses.values():
                        use.whole = True
            elif root in bound:
                self.item(self.uses[bound[root]], rest)

    def result(self, use: _Use, rest: tuple[str, ...]) -> None:
        """A use of a search's result ({values, first, count})."""
        if not rest:
            use.whole = True
        elif rest[0] in ("count", "length"):
            return
        elif rest[0] in ("first", "last"):
            self.item(use, rest[1:])
        elif rest[0] == "values" and len(rest) > 1 and rest[1] == ELEMENT:
            self.item(use, rest[2:])
        else:
            use.whole = True

    def item(self, use: _Use, path: tuple[str, ...]) -> None:
        """A use of one found object: the path of fields it reads."""
        if not path or path[0] in ("?", ELEMENT) or path[0] in LIST_WORDS:
            use.whole = True
            return
        use.paths.add(path)


def _accesses(tree: ast.expr) -> Iterator[tuple[str, ...]]:
    """Every name with the accesses after it: `.x` as x, `[0]` as ELEMENT, `['x']` as x, anything else as `?`."""
    parents: dict[int, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[id(child)] = node
    skipped = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    skipped |= {id(n.right) for n in ast.walk(tree) if isinstance(n, ast.BinOp) and isinstance(n.op, ast.BitOr)}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Name) or id(node) in skipped:
            continue
        chain = [node.id]
        current: ast.AST = node
        while True:
            parent = parents.get(id(current))
            if isinstance(parent, ast.Attribute) and parent.value is current:
                chain.append(parent.attr)
            elif isinstance(parent, ast.Subscript) and parent.value is current:
                key = parent.slice
                if isinstance(key, ast.Constant) and isinstance(key.value, int) and not isinstance(key.value, bool):
                    chain.append(ELEMENT)
                elif isinstance(key, ast.Constant) and isinstance(key.value, str):
                    chain.append(key.value)
                else:
                    chain.append("?")
                    break
            else:
                break
            current = parent
        yield tuple(chain)


def _plain_chain(node: ast.expr) -> tuple[str, ...] | None:
    """`a.b.c` as (a, b, c); None for anything else."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    return (node.id, *reversed(parts)) if isinstance(node, ast.Name) else None


def _selection(paths: set[tuple[str, ...]]) -> str:
    """Field paths as Tripletex's `fields`: `id,name,customer(name,id)`; a list word below the top asks for `*`."""
    tree: dict[str, Any] = {"id": {}}
    for path in sorted(paths):
        node = tree
        for name in path:
            if name in LIST_WORDS or name in ("?", ELEMENT):
                node[WHOLE] = {}
                break
            node = node.setdefault(_api_name(name), {})
    return _render(tree)


def _render(tree: dict[str, Any]) -> str:
    parts = []
    for name, children in tree.items():
        if name == WHOLE:
            parts.append("*")
        elif children:
            parts.append(f"{name}({_render(children)})")
        else:
            parts.append(name)
    return ",".join(parts)


def _api_name(name: str) -> str:
    """A field as the API names it: expressions may use snake_case (`customer_number` is `customerNumber`)."""
    if "_" not in name.strip("_"):
        return name
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)
