"""JSON schemas of tool inputs and outputs, derived from the catalog's parameters and the generated models."""

from __future__ import annotations

from typing import Any

from .. import models
from ..catalog import Kind, Operation, Param

JsonSchema = dict[str, Any]

DEFAULT_LIMIT = 100
MAX_LIMIT = 10_000
CONFIRM_ARG = "confirmation_token"

_PARAM_TYPES: dict[str, JsonSchema] = {
    "string": {"type": "string"},
    "integer": {"type": "integer"},
    "number": {"type": "number"},
    "boolean": {"type": "boolean"},
    "date": {"type": "string", "format": "date"},
    "datetime": {"type": "string"},
    "ids": {"anyOf": [{"type": "integer"}, {"type": "array", "items": {"type": "integer"}}, {"type": "string"}]},
    "strings": {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
}
_SCALARS = {"string": "string", "integer": "integer", "number": "number", "boolean": "boolean"}


def param_schema(param: Param) -> JsonSchema:
    """The schema of one path or query parameter, with its help, enum and default."""
    schema = dict(_PARAM_TYPES[param.type])
    if param.enum:
        schema["enum"] = list(param.enum)
    if param.help:
        schema["description"] = param.help + (" (YYYY-MM-DD)" if param.type == "date" else "")
    if param.default is not None:
        schema["default"] = param.default
    return schema


def _input_field(spec: models.FieldSpec) -> JsonSchema:
    if spec.kind == "ref":
        target = spec.ref or "object"
        return {"type": "object", "description": f"A {target}: a reference {{\"id\": N}}, or its fields"}
    if spec.kind == "array":
        inner = spec.ref or "value"
        if inner in _SCALARS:
            return {"type": "array", "items": {"type": _SCALARS[inner]}}
        return {"type": "array", "items": {"type": "object"}, "description": f"A list of {inner}"}
    schema: JsonSchema = {"type": _SCALARS.get(spec.kind, "object")}
    if spec.enum:
        schema["enum"] = list(spec.enum)
    return schema


def body_schema(model: str) -> JsonSchema:
    """A request body of `model`: its writable fields (read-only ones are left out), by API name."""
    fields = models.field_types(model)
    properties = {api: _input_field(spec) for api, spec in fields.items() if not spec.read_only}
    return {"type": "object", "description": f"A {model} (API field names)", "properties": properties}


def _output_field(spec: models.FieldSpec) -> JsonSchema:
    # Null is allowed everywhere: the real API sends nulls where the spec promises values.
    if spec.kind == "ref":
        return {"type": ["object", "null"]}
    if spec.kind == "array":
        return {"type": ["array", "null"]}
    return {"type": [_SCALARS.get(spec.kind, "object"), "null"]}


def model_schema(model: str | None) -> JsonSchema:
    """An object of `model` as the API answers it (fields by API name; unknown fields allowed)."""
    if model is None:
        return {"type": ["object", "null"]}
    fields = models.field_types(model)
    return {
        "type": ["object", "null"],
        "description": f"A {model}",
        "properties": {api: _output_field(spec) for api, spec in fields.items()},
    }


def input_schema(op: Operation, *, destructive: bool) -> JsonSchema:
    """The tool's arguments: path and query parameters by Python name, `body`, `limit` and `file` as they apply."""
    if op.kind is Kind.API_CALL:
        return _api_call_input(destructive)
    properties: JsonSchema = {}
    required: list[str] = []
    for param in (*op.path_params, *op.query_params):
        properties[param.python_name] = param_schema(param)
        if param.required:
            required.append(param.python_name)
    if op.paged:
        properties["limit"] = {
            "type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT,
            "description": "At most this many values (pages are fetched as needed)",
        }
    if op.body is not None:
        one = body_schema(op.body)
        properties["body"] = {"type": "array", "items": one, "description": f"A list of {op.body}"} if (
            op.body_is_list) else one
        required.append("body")
    if op.kind is Kind.UPLOAD:
        properties["file"] = {"type": "string", "description": "Path of a local file (PDF, PNG, JPEG or TIFF)"}
        properties["file_base64"] = {"type": "string", "description": "Or the file's content, base64-encoded"}
        properties["filename"] = {"type": "string", "description": "The file name to send with file_base64"}
    if destructive:
        properties[CONFIRM_ARG] = confirm_schema()
    schema: JsonSchema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    return schema


def confirm_schema() -> JsonSchema:
    """The confirmation-token argument of a destructive tool."""
    return {
        "type": "string",
        "description": "Leave out to get a preview; give the preview's token to run exactly those arguments",
    }


def _api_call_input(destructive: bool) -> JsonSchema:
    properties: JsonSchema = {
        "method": {"type": "string", "enum": ["GET", "POST", "PUT", "DELETE"]},
        "path": {"type": "string", "description": "A path under the base URL, e.g. /ledger/account"},
        "params": {"type": "object", "description": "Query parameters"},
        "body": {"description": "JSON body"},
    }
    if destructive:
        properties[CONFIRM_ARG] = confirm_schema()
    return {"type": "object", "properties": properties, "required": ["method", "path"]}


_REQUEST_ID = {"type": ["string", "null"], "description": "Tripletex's request id (x-tlx-request-id)"}
PREVIEW_PROPERTIES: JsonSchema = {
    "preview": {"type": "object", "description": "What would be sent, and to which company"},
    CONFIRM_ARG: {"type": "string", "description": "Give this back to run exactly the previewed call"},
    "expiresInSeconds": {"type": "integer"},
    "message": {"type": "string"},
}


def output_schema(op: Operation, *, destructive: bool) -> JsonSchema:
    """The structured result of the tool: one object, a list of values, a confirmation, or PDF bytes."""
    properties: JsonSchema = {"requestId": _REQUEST_ID}
    if op.kind is Kind.API_CALL:
        properties["value"] = {"description": "The decoded answer"}
    elif op.envelope == "binary":
        properties |= {"contentType": {"type": "string"}, "size": {"type": "integer"},
                       "base64": {"type": "string"}}
    elif op.envelope == "none":
        properties["done"] = {"type": "boolean"}
    elif op.envelope in ("list", "values"):
        properties |= {"values": {"type": "array", "items": model_schema(op.response)}, "count": {"type": "integer"}}
        if op.paged:
            properties["fullResultSize"] = {"type": ["integer", "null"]}
    else:
        properties["value"] = model_schema(op.response)
    if destructive:
        properties |= PREVIEW_PROPERTIES
    return {"type": "object", "properties": properties}
