"""Run one catalog operation for a tool call, and turn its answer or its error into a tool result."""

from __future__ import annotations

import base64
import binascii
import io
import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .. import models
from ..catalog import Kind, Operation
from ..client import Tripletex
from ..core.errors import APIError, OutcomeUnknownError, ParameterError, TripletexError
from ..core.invoke import prepare
from .audit import mask
from .schemas import DEFAULT_LIMIT

LOG = logging.getLogger("tripletex_connect.mcp")
_CONTROL = ("body", "limit", "file", "file_base64", "filename")


@dataclass
class Outcome:
    """A tool result: structured content, and whether it is an error the assistant should act on."""

    structured: dict[str, Any]
    is_error: bool = False
    status: str = "ok"
    request_ids: list[str] = field(default_factory=list)

    def text(self) -> str:
        """The text content: the message of an error, else the structured content as JSON."""
        if self.is_error:
            return str(self.structured.get("error", {}).get("message", "error"))
        return json.dumps(self.structured, ensure_ascii=False, default=str)


def error(message: str, status: str = "error", **details: Any) -> Outcome:
    """A tool error with its message and any details (status, code, validation messages, request id)."""
    return Outcome({"error": {"message": message, **details}}, is_error=True, status=status)


def plain(value: Any) -> Any:
    """A result as JSON-ready data in the API's shape (models become their API dicts)."""
    if isinstance(value, models.TripletexModel):
        return models.to_api_dict(value)
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def _file(args: dict[str, Any]) -> Any:
    encoded, name, path = args.pop("file_base64", None), args.pop("filename", None), args.pop("file", None)
    if encoded is None:
        return path
    try:
        content = base64.b64decode(str(encoded), validate=True)
    except (binascii.Error, ValueError):
        raise ParameterError("file_base64 is not valid base64; nothing was sent") from None
    buffer = io.BytesIO(content)
    buffer.name = str(name or "")
    return buffer


@dataclass(frozen=True)
class Plan:
    """A checked tool call: the arguments split into parameters, body, limit and file, and what would be sent."""

    op: Operation
    params: dict[str, Any]
    body: Any
    limit: int
    file: Any
    method: str
    path: str
    query: dict[str, Any]

    def preview(self) -> dict[str, Any]:
        """What would be sent: method, path, query parameters and body."""
        return {"operation": self.op.key, "method": self.method, "path": self.path, "params": self.query,
                "body": self.body}


def plan(op: Operation, arguments: Mapping[str, Any]) -> Plan:
    """Check the arguments against the catalog (ParameterError with 'did you mean' when wrong); nothing is sent."""
    args = dict(arguments)
    if op.kind is Kind.API_CALL:
        return _plan_api(op, args)
    body = args.pop("body", None)
    limit = _limit(op, args.pop("limit", DEFAULT_LIMIT)) if op.paged else DEFAULT_LIMIT
    file = _file(args) if op.kind is Kind.UPLOAD else None
    for name in args:
        if name in _CONTROL:
            raise ParameterError(f"{op.key} takes no {name!r}")
    call = prepare(op, args, body=body, file=None if file is None else b"")
    return Plan(op, args, body, limit, file, call.method, call.path, dict(call.params))


def _limit(op: Operation, value: Any) -> int:
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit() or int(text) < 1:
        raise ParameterError(f"{op.key}: limit must be a whole number of at least 1, got {value!r}")
    return int(text)


def _plan_api(op: Operation, args: dict[str, Any]) -> Plan:
    unknown = set(args) - {"method", "path", "params", "body"}
    if unknown:
        raise ParameterError(f"api.call takes method, path, params and body, not {', '.join(sorted(unknown))}")
    method = str(args.get("method") or "").upper()
    if method not in ("GET", "POST", "PUT", "DELETE"):
        raise ParameterError(f"api.call: method must be GET, POST, PUT or DELETE, got {args.get('method')!r}")
    path = str(args.get("path") or "")
    params = args.get("params") or {}
    if not isinstance(params, Mapping):
        raise ParameterError("api.call: params must be an object of query parameters")
    return Plan(op, {}, args.get("body"), DEFAULT_LIMIT, None, method, path, dict(params))


def run(client: Tripletex, planned: Plan) -> dict[str, Any]:
    """Send the planned call and shape its answer as the tool's structured content."""
    op = planned.op
    if op.kind is Kind.API_CALL:
        answer = client.request(planned.method, planned.path, params=planned.query, json=planned.body)
        return {"value": _bytes(answer) if isinstance(answer, bytes) else plain(answer)}
    if op.paged:
        paginator = client.invoke(op.key, planned.params, limit=planned.limit,
                                  page_size=min(planned.limit, 1000))
        values, full = [], None
        for page in paginator.pages():
            values += page.values
            full = page.full_result_size if page.full_result_size is not None else full
        return {"values": plain(values), "count": len(values), "fullResultSize": full}
    result = client.invoke(op.key, planned.params, body=planned.body, file=planned.file)
    if op.envelope == "binary" and isinstance(result, bytes):
        return _bytes(result)
    if op.envelope == "none":
        return {"done": True}
    if op.envelope in ("list", "values"):
        values = plain(list(result or []))
        return {"values": values, "count": len(values)}
    return {"value": plain(result)}


def _bytes(content: bytes) -> dict[str, Any]:
    kind = "application/pdf" if content.startswith(b"%PDF") else "application/octet-stream"
    return {"contentType": kind, "size": len(content), "base64": base64.b64encode(content).decode("ascii")}


def failure(exc: Exception, secrets: Iterable[str] = ()) -> Outcome:
    """The tool error for an exception: Tripletex's messages field by field, our own check's message, or a bug's."""
    known = list(secrets)
    if isinstance(exc, APIError):
        messages = [{"field": m.field, "message": m.message} for m in exc.validation_messages]
        return error(mask(str(exc), known), httpStatus=exc.status, code=exc.code, requestId=exc.request_id,
                     validationMessages=mask(messages, known))
    if isinstance(exc, OutcomeUnknownError):
        text = f"{exc} The write may or may not have happened: look it up before trying again."
        return error(mask(text, known), status="outcome_unknown")
    if isinstance(exc, ParameterError):
        return error(mask(str(exc), known), status="invalid_arguments")
    if isinstance(exc, TripletexError):
        return error(mask(str(exc), known))
    # A bug of ours: the assistant gets a short error, the server's log the traceback (secrets scrubbed there).
    LOG.exception("tool call failed")
    return error(mask(f"internal error ({type(exc).__name__}): {exc}", known))
