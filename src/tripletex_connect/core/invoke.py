"""Turn a catalog operation plus arguments into a checked HTTP call, and its answer into values.

Everything here is pure (no network I/O; an upload reads its local file), shared by the sync and async
clients, the CLI and scenarios.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from ..catalog import Kind, Operation, Param
from .errors import InvalidResponseError, ParameterError
from .paging import Page
from .suggest import suggest as suggest  # re-exported for older imports
from .upload import file_part

# Arguments the SDK adds to operations; never sent as query parameters.
CONTROL_ARGS = ("limit", "page_size", "body", "self", "extra_params", "file")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Call:
    """A checked request ready for the transport."""

    op: Operation
    method: str
    path: str
    params: dict[str, str | list[str]] = field(default_factory=dict)
    json: Any = None
    idempotent: bool = True
    files: dict[str, tuple[str, bytes, str]] | None = None


def _fail(op: Operation, param: Param, problem: str) -> ParameterError:
    return ParameterError(f"{op.key}: parameter {param.python_name!r} ({param.name}) {problem}")


def _as_int(op: Operation, param: Param, value: Any) -> str:
    if isinstance(value, bool):
        raise _fail(op, param, f"must be a whole number, got {value!r}")
    try:
        return str(int(str(value).strip()))
    except ValueError:
        raise _fail(op, param, f"must be a whole number, got {value!r}") from None


def _as_bool(op: Operation, param: Param, value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value).strip().lower()
    if text in ("true", "1", "yes"):
        return "true"
    if text in ("false", "0", "no"):
        return "false"
    raise _fail(op, param, f"must be true or false, got {value!r}")


def _as_date(op: Operation, param: Param, value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    try:
        if _DATE.match(text):
            dt.date.fromisoformat(text)
            return text
    except ValueError:
        pass
    raise _fail(op, param, f"must be a date as YYYY-MM-DD, got {value!r}")


def _as_ids(op: Operation, param: Param, value: Any) -> str:
    items: Sequence[Any]
    if isinstance(value, str):
        items = [v for v in value.split(",") if v.strip()]
    elif isinstance(value, int) and not isinstance(value, bool):
        items = [value]
    elif isinstance(value, Iterable):
        items = list(value)
    else:
        raise _fail(op, param, f"must be an id or a list of ids, got {value!r}")
    return ",".join(_as_int(op, param, item) for item in items)


def _as_strings(op: Operation, param: Param, value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, Iterable) and not isinstance(value, Mapping | bytes):
        return [str(v) for v in value]
    raise _fail(op, param, f"must be a text or a list of texts, got {value!r}")


def coerce(op: Operation, param: Param, value: Any) -> str:
    """The query-string form of a parameter value, checked against the parameter's type and enum."""
    if param.type == "strings":
        return ",".join(_as_strings(op, param, value))
    if param.type == "integer":
        text = _as_int(op, param, value)
    elif param.type == "number":
        try:
            text = repr(float(value)) if not isinstance(value, bool) else ""
        except (TypeError, ValueError):
            text = ""
        if not text:
            raise _fail(op, param, f"must be a number, got {value!r}")
    elif param.type == "boolean":
        text = _as_bool(op, param, value)
    elif param.type == "date":
        text = _as_date(op, param, value)
    elif param.type == "ids":
        text = _as_ids(op, param, value)
    elif isinstance(value, dt.datetime | dt.date):
        text = value.isoformat()
    else:
        text = str(value)
    if param.enum and text not in param.enum:
        raise _fail(op, param, f"must be one of {', '.join(param.enum)}; got {value!r}")
    return text


def _resolve_args(op: Operation, args: Mapping[str, Any]) -> dict[str, Any]:
    # Keyed by API name: a Param's dataclass hash covers every field and cost more than the rest of `prepare`.
    resolved: dict[str, Any] = {}
    for name, value in args.items():
        if name in CONTROL_ARGS or value is None:
            continue
        param = op.param(name)
        if param is None or (op.paged and param.name in ("from", "count")):
            known = [p.python_name for p in (*op.path_params, *op.query_params)]
            raise ParameterError(
                f"{op.key} has no parameter {name!r}{suggest(name, known)}; "
                f"known parameters: {', '.join(known) or 'none'}"
            )
        resolved[param.name] = value
    return resolved


def prepare(
    op: Operation,
    args: Mapping[str, Any] | None = None,
    *,
    body: Any = None,
    extra_params: Mapping[str, Any] | None = None,
    file: Any = None,
) -> Call:
    """Check the arguments of an operation and build its call; raises ParameterError before any network I/O."""
    resolved = _resolve_args(op, args or {})
    if op.selector:
        return _dispatch(op, resolved, body, extra_params)
    path = op.path
    for param in op.path_params:
        if param.name not in resolved:
            raise _fail(op, param, "is required")
        value = coerce(op, param, resolved[param.name])
        quoted = value if value.isascii() and value.isalnum() else quote(value, safe="")
        path = path.replace("{" + param.name + "}", quoted)
    params: dict[str, str | list[str]] = {}
    for param in op.query_params:
        if param.name not in resolved:
            if param.required:
                raise _fail(op, param, "is required")
        elif param.type == "strings":
            params[param.name] = _as_strings(op, param, resolved[param.name])
        else:
            params[param.name] = coerce(op, param, resolved[param.name])
    for name, value in (extra_params or {}).items():
        if value is not None:
            params[name] = str(value)
    payload = None
    if op.body is not None:
        payload = prepare_body(op, body)
    elif body is not None:
        raise ParameterError(f"{op.key} takes no body")
    return Call(op, op.method, path, params, payload, idempotent=is_idempotent(op), files=prepare_file(op, file))


def prepare_file(op: Operation, file: Any) -> dict[str, tuple[str, bytes, str]] | None:
    """The multipart files of an upload (a path, bytes or binary file object); None for other operations."""
    if op.kind is not Kind.UPLOAD:
        if file is not None:
            raise ParameterError(f"{op.key} takes no file")
        return None
    if file is None:
        raise ParameterError(f"{op.key} needs a file: a path, bytes or a binary file object")
    return file_part(file, op.key).as_files()


def _dispatch(op: Operation, resolved: dict[str, Any], body: Any, extra_params: Mapping[str, Any] | None) -> Call:
    """The call of the operation a selector's value chooses, with the remaining arguments."""
    from .. import catalog

    selector = op.param(op.selector or "")
    assert selector is not None
    if selector.name not in resolved:
        raise _fail(op, selector, "is required")
    key = op.target(coerce(op, selector, resolved[selector.name]))
    assert key is not None
    rest = {name: value for name, value in resolved.items() if name != selector.name}
    return prepare(catalog.get(key), rest, body=body, extra_params=extra_params)


def is_idempotent(op: Operation) -> bool:
    """True when repeating the operation cannot create a duplicate (reads, updates, deletes)."""
    return op.kind in (Kind.GET, Kind.SEARCH, Kind.UPDATE, Kind.DELETE)


def prepare_body(op: Operation, body: Any) -> Any:
    """The JSON body of a create/update: a model or mapping (a list for batch operations), checked."""
    if body is None:
        raise ParameterError(f"{op.key} needs a body: a {op.body} as a dict or model")
    from ..models.check import check_bodies, check_body  # imported on first use: the import stays light

    assert op.body is not None
    if not op.body_is_list:
        return check_body(op.body, body, where=op.key)
    if isinstance(body, Mapping | str | bytes) or not isinstance(body, Iterable):
        raise ParameterError(f"{op.key} needs a list of {op.body} objects")
    return check_bodies(op.body, body, where=op.key)


def decode(op: Operation, payload: Any, request_id: str | None = None) -> Any:
    """The value of a `{"value": ...}` envelope as the operation's model (None for empty answers).

    Models carry the id of the request that fetched them as `_request_id`, as openai-python's do.
    """
    if op.envelope == "none" or payload is None:
        return None
    if op.envelope in ("values", "first") and isinstance(payload, Mapping):
        values = [_parsed(op, v, request_id) for v in payload.get("values") or []]
        return values if op.envelope == "values" else next(iter(values), None)
    if not isinstance(payload, Mapping) or "value" not in payload:
        return payload
    return _parsed(op, payload["value"], request_id)


def _parsed(op: Operation, value: Any, request_id: str | None) -> Any:
    from .. import models

    if not (op.response and isinstance(value, Mapping)):
        return value
    parsed = models.parse(op.response, value)
    if isinstance(parsed, models.TripletexModel):
        parsed._request_id = request_id
    return parsed


def decode_page(op: Operation, payload: Any, request_id: str | None = None, *, start: int = 0) -> Page[Any]:
    """A list envelope as a Page of the operation's model; the page and its values carry the request id."""
    if not isinstance(payload, Mapping):
        raise InvalidResponseError(f"{op.key}: expected a list envelope, got {type(payload).__name__}")
    parsed = [_parsed(op, v, request_id) for v in payload.get("values") or []]
    size = payload.get("fullResultSize")
    return Page(
        parsed,
        start=int(payload.get("from") or start),
        full_result_size=int(size) if isinstance(size, int) else None,
        version_digest=payload.get("versionDigest"),
        request_id=request_id,
    )


def decode_value_json(op: Operation, content: bytes, request_id: str | None = None) -> Any | None:
    """A `{"value": ...}` answer's JSON bytes as the operation's model, validated in one pass in Rust; None when
    `decode` must read it (another envelope, a null value, anything the model does not fit)."""
    from .. import models

    if op.envelope != "value" or not op.response or not content:
        return None
    parsed = models.parse_value_json(op.response, content)
    if parsed is not None:
        parsed._request_id = request_id
    return parsed


def decode_page_json(
    op: Operation, content: bytes, request_id: str | None = None, *, start: int = 0
) -> Page[Any] | None:
    """A list envelope's JSON bytes as a Page, validated in one pass in Rust; None when `decode_page` must read it.

    The fast path of paging: no Python dict per value and no Python work per value beyond the request id.
    """
    from .. import models

    envelope = models.parse_page_json(op.response, content) if op.response and content else None
    if envelope is None:
        return None
    values = envelope.get("values") or []
    stamp = {"_request_id": request_id}  # one dict shared by the page: setting a new id replaces it, never edits it
    for value in values:
        object.__setattr__(value, "__pydantic_private__", stamp)
    size = envelope.get("fullResultSize")
    return Page(values, start=envelope.get("from") or start, full_result_size=size,
                version_digest=envelope.get("versionDigest"), request_id=request_id)
