"""Make's building blocks that are not API modules: aggregators and data-store steps."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from .errors import ExpressionError
from .expressions import StandIn
from .functions import join, total
from .limits import Limits, check_size
from .model import Aggregate, Step

if TYPE_CHECKING:
    from .results import RunResult
    from .state import DataStore

Render = Callable[[Any, dict[str, Any]], Any]
"""Evaluate a template with extra names (`item`, `index`)."""


def aggregate_values(agg: Aggregate, render: Render, limits: Limits) -> Any:
    """Collect a list's items (each through `value`, with `item` and `index`) into a list, a sum or a text."""
    items = render(agg.source, {})
    if isinstance(items, Mapping) and isinstance(items.get("values"), list):
        items = items["values"]
    if items is None or isinstance(items, StandIn):
        items = []
    if not isinstance(items, list):
        raise ExpressionError(f"aggregate: `from` needs a list, got {type(items).__name__}")
    values = [item if agg.value is None else render(agg.value, {"item": item, "index": index})
              for index, item in enumerate(items)]
    numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    if agg.into == "list":
        return check_size(values, limits)
    if agg.into == "text":
        return join(values, str(render(agg.separator, {})), limit=limits.max_size)
    if agg.into == "sum":
        return total(numbers)
    if agg.into == "count":
        return len(values)
    if agg.into == "avg":
        return total(numbers) / len(numbers) if numbers else None
    return (min if agg.into == "min" else max)(numbers, default=None)


def datastore_call(store: DataStore, step: Step, params: Mapping[str, Any], run: RunResult, dry_run: bool) -> Any:
    """A data-store step: get (the value or null), set, delete, or search (by key prefix) in the scenario's store."""
    assert step.module is not None
    action = step.module.split(".", 1)[1]
    key = _key(params.get("key")) if action != "search" else ""
    if action == "get":
        return store.get(key)
    if action == "search":
        pairs = store.search(_key(params.get("prefix", "")))
        values = [{"key": k, "value": v} for k, v in pairs]
        return {"values": values, "first": values[0] if values else None, "count": len(values)}
    if dry_run:
        run.calls.append({"step": step.id, "module": step.module, "params": dict(params), "sent": False})
        return {"key": key, "value": params.get("value")} if action == "set" else {"key": key, "deleted": None}
    if action == "set":
        store.set(key, params.get("value"))
        return {"key": key, "value": params.get("value")}
    return {"key": key, "deleted": store.delete(key)}


def _key(value: Any) -> str:
    if value is None or isinstance(value, bool) or not isinstance(value, str | int):
        raise ExpressionError(f"a data-store key is text or a number, got {value!r:.60}")
    return str(value)
