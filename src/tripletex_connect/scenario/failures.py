"""What a step's error was, as data for history and stderr: step, item, HTTP status, code, messages, request id."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..core.errors import APIError, OutcomeUnknownError

OUTCOME_UNKNOWN = "unknown"


def item_ref(frame: tuple[str, int, Any] | None) -> dict[str, Any] | None:
    """The foreach item an error concerned: its index, and its id when it has one."""
    if frame is None:
        return None
    _, index, item = frame
    ref: dict[str, Any] = {"index": index}
    if isinstance(item, dict) and item.get("id") is not None:
        ref["id"] = item["id"]
    return ref


def failure_record(
    step_id: str, module: str, exc: BaseException, item: dict[str, Any] | None, clean: Callable[[str], str]
) -> dict[str, Any]:
    """One failed item as data (the `handled` field is filled in by the handler that dealt with it)."""
    record: dict[str, Any] = {"step": step_id, "module": module, "item": item}
    if isinstance(exc, APIError):
        record.update(status=exc.status, code=exc.code, message=clean(exc.message),
                      validation=[clean(str(m)) for m in exc.validation_messages], request_id=exc.request_id)
    elif isinstance(exc, OutcomeUnknownError):
        record.update(status=exc.status, code=exc.code, message=clean(str(exc)), validation=[],
                      request_id=exc.request_id, outcome=OUTCOME_UNKNOWN)
    else:
        record.update(status=None, code=None, message=clean(str(exc) or type(exc).__name__), validation=[],
                      request_id=None)
    record["handled"] = "stop"
    return record


def render_failure(record: dict[str, Any]) -> str:
    """A failure as one line for stderr."""
    where = f"step {record['step']!r}"
    item = record.get("item")
    if item:
        where += f" item {item['index']}" + (f" (id {item['id']})" if "id" in item else "")
    head = ""
    if record.get("status"):
        head = f"{record['status']}" + (f" code {record['code']}" if record.get("code") else "") + ": "
    message = str(record.get("message") or "").splitlines()[0] if record.get("message") else ""
    parts = [f"{where}: {head}{message}"]
    parts += [str(m) for m in record.get("validation") or ()]
    if record.get("request_id"):
        parts.append(f"request id {record['request_id']}")
    if record.get("outcome") == OUTCOME_UNKNOWN:
        parts.append("outcome unknown")
    attempts = record.get("attempts")
    handled = record.get("handled", "stop") + (f" after {attempts} attempts" if attempts else "")
    return "; ".join(parts) + f" [{handled}]"
