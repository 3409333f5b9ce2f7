"""Fewer calls for a foreach of creates: items go through the operation's batch `/list` endpoint in chunks.

A foreach whose only work is one create (on an operation with `create_many`) sends its items' bodies in
chunks (the client's `batch_size`; 1 turns batching off) before the loop runs; the loop then takes each item's
result from the run's journal, so every item keeps its own result, history, `when`, error handler and resume
position. Tripletex's `/list` is all or nothing: once a chunk is refused with a validation error, that chunk
and the rest go one by one through the loop, where the bad item meets its handler. A chunk whose outcome is
unknown (5xx, lost answer) is never sent again without a check: its items fail as outcome unknown and stay
marked in the journal, so a resumed run checks each (the step's `check:`) before any resend.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from .. import catalog
from ..core.errors import APIError, InvalidResponseError, OutcomeUnknownError, ParameterError, TripletexError
from ..core.invoke import decode_page, prepare
from .errors import ExpressionError
from .expressions import Unsent
from .failures import item_ref
from .model import API_MODULE, DATASTORE_MODULES, Step

if TYPE_CHECKING:
    from .expressions import Context
    from .results import RunResult

UNKNOWN = "?unknown:"
"""Journal key prefix of an item whose batch's outcome is unknown: check before sending it again."""


class Runner(Protocol):
    """What batching needs of the scenario runner (runner.Runner): its client, options, journal and scope."""

    client: Any
    opts: Any
    journal: dict[str, Any]
    prefailed: dict[str, TripletexError]
    scope: list[str]
    unknown_at: str | None

    def wanted(self, step: Step, ctx: Context) -> bool:
        """False when the step's `when` says to skip the item."""

    def render(self, step: Step, value: Any, ctx: Context, where: str) -> Any:
        """A step's template evaluated."""


@dataclass(frozen=True)
class _Pending:
    index: int
    item: Any
    position: str
    body: Any


def batch_key(step: Step) -> str | None:
    """The `create_many` operation a foreach step's items can go through, or None when it cannot batch."""
    if step.foreach is None or step.steps or step.branches or step.aggregate is not None or step.params:
        return None
    if step.module in (None, API_MODULE, *DATASTORE_MODULES):
        return None
    try:
        op = catalog.get(str(step.module))
        many = catalog.get(f"{op.key.rsplit('.', 1)[0]}.create_many")
    except KeyError:
        return None
    return many.key if op.kind == catalog.Kind.CREATE and many.batch and many.path == f"{op.path}/list" else None


def prefetch(runner: Runner, step: Step, ctx: Context, items: list[Any], run: RunResult) -> None:
    """Create the foreach's items through the batch endpoint, chunk by chunk, until a chunk fails.

    Items of a chunk that was written get their results in the journal; a chunk refused (4xx, nothing written)
    and every item after it are left to the loop, which sends them one by one under the step's handler (so a
    `stop` still stops before the items after a bad one); a chunk whose outcome is unknown marks its items.
    """
    key = batch_key(step)
    size = int(getattr(runner.client, "batch_size", 0) or 0)
    if key is None or runner.opts.dry_run or size < 2 or len(items) < 2:
        return
    pending = _collect(runner, step, ctx, items)
    op = catalog.get(key)
    for start in range(0, len(pending), size):
        chunk = pending[start:start + size]
        if len(chunk) < 2 or not _send(runner, step, run, op, chunk):
            return


def _send(runner: Runner, step: Step, run: RunResult, op: catalog.Operation, chunk: list[_Pending]) -> bool:
    """One chunk through `/list`; True when it was written (its items settled), False when the loop takes over."""
    try:
        call = prepare(op, {}, body=[p.body for p in chunk])
        payload = runner.client.request(call.method, call.path, json=call.json)
        created = decode_page(op, payload).values
    except ParameterError:  # a body the catalog refuses: each item meets its own error in the loop
        return False
    except APIError as error:
        if error.status < 500:  # refused whole (Tripletex's /list is all or nothing): nothing was written
            return False
        _unknown(runner, chunk, error, op)
        return False
    except TripletexError as error:
        _unknown(runner, chunk, error, op)
        return False
    if len(created) != len(chunk):
        _unknown(runner, chunk, InvalidResponseError(f"{op.key}: {len(chunk)} sent, {len(created)} answered"), op)
        return False
    for item, value in zip(chunk, created, strict=True):
        _written(runner, step, run, item, value)
    return True


def _collect(runner: Runner, step: Step, ctx: Context, items: list[Any]) -> list[_Pending]:
    """The items to send, in order, up to the first the loop must meet first (an error, an unknown outcome)."""
    from .runner import _slot

    out: list[_Pending] = []
    for index, item in enumerate(items):
        position = "/".join([*runner.scope, _slot(step.id, index, item), step.id])
        if position in runner.journal:  # done before this run was resumed
            continue
        if UNKNOWN + position in runner.journal or position == runner.unknown_at:
            break
        inner = ctx.child(**{step.item_name: item, "index": index})
        try:
            if not runner.wanted(step, inner):
                continue
            body = runner.render(step, step.body, inner, "body")
        except (ExpressionError, Unsent, TripletexError):  # the loop meets the same error and handles it
            break
        out.append(_Pending(index, item, position, body))
    return out


def _written(runner: Runner, step: Step, run: RunResult, item: _Pending, value: Any) -> None:
    """An item the batch created: its result in the journal (the loop takes it from there) and its write noted."""
    from .runner import to_output

    output = to_output(value)
    runner.journal[item.position] = output
    entry: dict[str, Any] = {"step": step.id, "module": step.label, "method": "POST",
                             "item": item_ref((step.id, item.index, item.item))}
    if isinstance(output, dict) and output.get("id") is not None:
        entry["id"] = output["id"]
    run.writes.append(entry)


def _unknown(runner: Runner, chunk: list[_Pending], error: TripletexError, op: catalog.Operation) -> None:
    """A chunk that may or may not have been written: each item fails as outcome unknown, marked for a check."""
    unknown = error if isinstance(error, OutcomeUnknownError) else OutcomeUnknownError(
        method=op.method, path=op.path, status=getattr(error, "status", None), code=getattr(error, "code", None),
        request_id=getattr(error, "request_id", None),
        cause=f"the batch this item was sent in failed: {str(error).splitlines()[0] if str(error) else error}")
    for item in chunk:
        runner.journal[UNKNOWN + item.position] = True
        runner.prefailed[item.position] = unknown
