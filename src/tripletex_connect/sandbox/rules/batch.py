"""The spec's `/list` operations: each item goes through its single-item operation (rules and actions alike),
all or nothing in the request's one transaction; a refused item is named by its index (`[3].name`) in the
validation messages, which the envelope turns into the message's `path`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any, Protocol

from ... import catalog
from ...catalog import Kind, Operation
from ..context import Ctx
from ..engine import Engine, model_of
from ..errors import NOT_NULL, SandboxError, invalid
from ..query import id_list
from ..store import INT64, Tx

if TYPE_CHECKING:
    from ..render import Tree


class Backend(Protocol):
    """What a `/list` operation needs of the sandbox's backend: its engine and its actions by operation key."""

    @property
    def engine(self) -> Engine:
        """The generic create/read/update/delete machinery."""

    @property
    def actions(self) -> Mapping[str, Callable[..., Any]]:
        """The operations with behaviour of their own, by catalog key."""

SUFFIX = "/list"
# The spec's own limits on the items of one request ("Max 100 at a time").
MAX_ITEMS = {"/order/list": 100, "/invoice/list": 100}


def is_list_operation(op: Operation) -> bool:
    """Whether an operation is a `/list` form that runs a single-item operation per item."""
    return op.path.endswith(SUFFIX) and (op.batch or op.kind is Kind.DELETE)


@cache
def single(key: str) -> Operation:
    """The single-item operation a `/list` operation runs per item (POST /x for POST /x/list, PUT /x/{id}...)."""
    op = catalog.get(key)
    base = op.path[: -len(SUFFIX)]
    path = base if op.method == "POST" else base + "/{id}"
    for candidate in catalog.all_operations():
        if candidate.method == op.method and candidate.path == path:
            return candidate
    raise LookupError(f"{key}: the catalog has no {op.method} {path}")


def run_list(
    backend: Backend, tx: Tx, ctx: Ctx, op: Operation, params: dict[str, str], body: Any, tree: Tree
) -> list[dict[str, Any]] | None:
    """Every item through the single operation, in order; the values written (None for a delete)."""
    one = single(op.key)
    if op.kind is Kind.DELETE:
        for index, item_id in enumerate(_ids(params)):
            _at(index, _delete, backend, tx, ctx, one, params, item_id)
        return None
    if not isinstance(body, list):
        raise invalid([(None, "Forventet en liste.")], code=16000)
    limit = MAX_ITEMS.get(op.path)
    if limit is not None and len(body) > limit:
        raise invalid([(None, f"Høyst {limit} om gangen ({len(body)} sendt).")])
    render = backend.engine.renderer(tx, ctx).render
    model = op.response or one.response or ""
    write = _writer(backend, tx, ctx, one, params)
    written: list[dict[str, Any]] = []
    try:
        for item in body:
            written.append(write(item))
    except SandboxError as error:
        _name(len(written), error)
        raise
    return [render(model, value, tree) for value in written]


def _at(index: int, work: Callable[..., Any], *args: Any) -> Any:
    """Run one item's work; its error names the item by index (`[2].field`, or `[2]` for the item)."""
    try:
        return work(*args)
    except SandboxError as error:
        _name(index, error)
        raise


def _name(index: int, error: SandboxError) -> None:
    """Name the messages of one item's error by the item's index."""
    named: list[tuple[str | None, str]] = [
        (f"[{index}].{field}" if field else f"[{index}]", message) for field, message in error.messages]
    error.messages = named or [(f"[{index}]", error.message)]


def _writer(
    backend: Backend, tx: Tx, ctx: Ctx, one: Operation, params: dict[str, str]
) -> Callable[[Any], dict[str, Any]]:
    """What writes one item of the request: the operation's action, or the engine's create or update."""
    action = backend.actions.get(one.key)
    model = one.response or one.body or ""
    engine = backend.engine
    if one.kind is Kind.CREATE:
        if action is not None:
            return lambda item: dict(action(backend, tx, ctx, one, {}, params, item))
        return lambda item: engine.create(tx, ctx, model, item).full()
    if action is not None:
        return lambda item: dict(action(backend, tx, ctx, one, {"id": str(_item_id(item))}, params, item))
    return lambda item: engine.update(tx, ctx, model, _item_id(item), item).full()


def _delete(backend: Backend, tx: Tx, ctx: Ctx, one: Operation, params: dict[str, str], item_id: int) -> None:
    action = backend.actions.get(one.key)
    if action is not None:
        action(backend, tx, ctx, one, {"id": str(item_id)}, params, None)
    else:
        backend.engine.delete(tx, ctx, model_of(one), item_id)


def _item_id(item: Any) -> int:
    value = item.get("id") if isinstance(item, dict) else None
    if not isinstance(value, int) or isinstance(value, bool) or value not in INT64:
        raise invalid([("id", NOT_NULL)])
    return value


def _ids(params: dict[str, str]) -> list[int]:
    raw = params.get("ids", "")
    try:
        return list(dict.fromkeys(id_list(raw)))
    except ValueError:
        raise invalid([("ids", f"Ugyldig liste av id-er: {raw!r}.")], code=21000) from None
