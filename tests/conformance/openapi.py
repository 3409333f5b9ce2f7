"""Validate HTTP exchanges against the official Tripletex spec (../shared, else its derived copy; normalised in memory).

Normalisations (quirks of the official spec, see DESIGN.md):
- integer/number parameters whose default is a string ("0") get a numeric default;
- request bodies declared as `application/json; charset=utf-8` are also declared as `application/json`;
- the real API sends null where the spec says a value: nulls are stripped from bodies before validating;
- the servers entry is replaced by one neutral base (`http://tripletex.local/v2`): exchanges are validated
  by their path relative to /v2, whatever host and port they went to;
- object schemas marked readOnly as a whole (ProductInventoryLocation, the body of its own POST) lose that
  mark: only their properties' readOnly marks are meaningful;
- only the paths the catalog uses are kept, so building the validator stays fast.
Error answers: the spec declares only a `default` response (the success schema) per operation, so error
bodies (status >= 400) are validated against the spec's `ApiError` schema instead.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx

from tests.helpers.shared import spec
from tripletex_connect import catalog

HOST = "http://tripletex.local"


def _normalise_parameters(operation: dict[str, Any]) -> None:
    for param in operation.get("parameters", []):
        schema = param.get("schema", {})
        default = schema.get("default")
        if schema.get("type") in ("integer", "number") and isinstance(default, str):
            try:
                schema["default"] = int(default) if schema["type"] == "integer" else float(default)
            except ValueError:
                schema.pop("default")


def _normalise_body(operation: dict[str, Any]) -> None:
    content = operation.get("requestBody", {}).get("content", {})
    for media in list(content):
        if media.startswith("application/json") and "application/json" not in content:
            content["application/json"] = content[media]
    # Upload bodies declare their file part as `type: object`; a file is bytes (`string`, format binary).
    form = content.get("multipart/form-data", {}).get("schema", {}).get("properties", {})
    for part in form.values():
        if part.get("type") == "object":
            part.update(type="string", format="binary")


@cache
def normalised_spec() -> dict[str, Any]:
    """The official spec with its quirks normalised, trimmed to the catalog's paths."""
    raw = spec()
    wanted = {op.path for op in catalog.all_operations() if op.path.startswith("/")}
    doc = {
        "openapi": raw["openapi"], "info": raw["info"], "servers": [{"url": HOST + "/v2"}],
        "paths": copy.deepcopy({p: item for p, item in raw["paths"].items() if p in wanted}),
        "components": {**raw["components"], "schemas": {
            # Some object schemas (ProductInventoryLocation) are marked readOnly as a whole although they are
            # the request body of their own POST; only properties can be read-only in practice.
            name: {k: v for k, v in schema.items() if k != "readOnly"} if "properties" in schema else schema
            for name, schema in raw["components"]["schemas"].items()
        }},
    }
    for item in doc["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict):
                _normalise_parameters(operation)
                _normalise_body(operation)
    return doc


@cache
def openapi() -> Any:
    """The openapi-core object of the normalised spec (built once per test session)."""
    from openapi_core import OpenAPI

    return OpenAPI.from_dict(normalised_spec())


def strip_nulls(value: Any) -> Any:
    """The value without nulls (the real API sends them where the spec says non-nullable)."""
    if isinstance(value, dict):
        return {k: strip_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [strip_nulls(v) for v in value if v is not None]
    return value


def _json_bytes(content: bytes) -> bytes | None:
    if not content:
        return None
    try:
        return json.dumps(strip_nulls(json.loads(content))).encode()
    except ValueError:
        return content


def _relative(url: httpx.URL) -> str:
    path = unquote(urlsplit(str(url)).path)
    return path[path.index("/v2") :] if "/v2" in path else path


@dataclass
class OpenAPIRequest:
    """An httpx request as openapi-core's Request protocol sees it."""

    request: httpx.Request

    def __post_init__(self) -> None:
        from openapi_core.datatypes import RequestParameters
        from werkzeug.datastructures import Headers, ImmutableMultiDict

        self.parameters = RequestParameters(
            query=ImmutableMultiDict(list(self.request.url.params.multi_items())),
            header=Headers(dict(self.request.headers)),
            cookie=ImmutableMultiDict(),
        )

    @property
    def host_url(self) -> str:
        return HOST

    @property
    def path(self) -> str:
        return _relative(self.request.url)

    @property
    def full_url_pattern(self) -> str:
        return HOST + self.path

    @property
    def method(self) -> str:
        return self.request.method.lower()

    @property
    def body(self) -> bytes | None:
        return _json_bytes(self.request.content)

    @property
    def content_type(self) -> str:
        value = self.request.headers.get("content-type", "application/json")
        # A multipart body is parsed by its boundary, which is a parameter of the content type.
        return value if value.startswith("multipart/") else value.split(";")[0]


@dataclass
class OpenAPIResponse:
    """An httpx response as openapi-core's Response protocol sees it."""

    response: httpx.Response

    @property
    def status_code(self) -> int:
        return self.response.status_code

    @property
    def content_type(self) -> str:
        return self.response.headers.get("content-type", "application/json").split(";")[0]

    @property
    def headers(self) -> Any:
        from werkzeug.datastructures import Headers

        return Headers(dict(self.response.headers))

    @property
    def data(self) -> bytes | None:
        return _json_bytes(self.response.content)


@cache
def _error_validator() -> Any:
    from openapi_schema_validator import OAS30Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    registry = Registry().with_resource("urn:tripletex", Resource(normalised_spec(), DRAFT4))
    return OAS30Validator({"$ref": "urn:tripletex#/components/schemas/ApiError"}, registry=registry)


def validate_exchange(request: httpx.Request, response: httpx.Response) -> None:
    """Raise AssertionError naming the operation and what was wrong, unless both sides follow the spec."""
    where = f"{request.method} {_relative(request.url)} -> {response.status_code}"
    api = openapi()
    try:
        api.validate_request(OpenAPIRequest(request))
    except Exception as error:
        raise AssertionError(f"request {where} breaks the spec: {_explain(error)}") from None
    validate_answer(request, response)


def validate_answer(request: httpx.Request, response: httpx.Response) -> None:
    """Raise AssertionError unless the answer follows the spec (whatever the request was, garbage too)."""
    where = f"{request.method} {_relative(request.url)} -> {response.status_code}"
    api = openapi()
    if response.status_code in (204, 304):
        return
    if response.status_code >= 400:
        errors = sorted(_error_validator().iter_errors(strip_nulls(response.json())), key=str)
        assert not errors, f"error body of {where} is not an ApiError: {errors[0].message}"
        return
    try:
        api.validate_response(OpenAPIRequest(request), OpenAPIResponse(response))
    except Exception as error:
        raise AssertionError(f"response {where} breaks the spec: {_explain(error)}") from None


def _explain(error: Exception) -> str:
    details = [str(error)]
    for inner in getattr(error, "schema_errors", None) or getattr(error, "errors", None) or []:
        details.append(f"{'.'.join(str(p) for p in getattr(inner, 'path', []))}: {getattr(inner, 'message', inner)}")
    cause = error.__cause__
    if cause is not None:
        details.append(_explain(cause) if isinstance(cause, Exception) else str(cause))
    return "; ".join(details)


class RecordingTransport(httpx.BaseTransport):
    """Wraps a transport and keeps every exchange, for `validate_exchange` afterwards."""

    def __init__(self, inner: httpx.BaseTransport | None = None) -> None:
        self.inner = inner or httpx.HTTPTransport()
        self.exchanges: list[tuple[httpx.Request, httpx.Response]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        response = self.inner.handle_request(request)
        response.read()
        self.exchanges.append((request, response))
        return response

    def close(self) -> None:
        self.inner.close()


def assert_all_valid(recorder: RecordingTransport) -> None:
    """Every recorded request and response follows the spec (and there was traffic at all)."""
    assert recorder.exchanges
    problems: list[str] = []
    for request, response in recorder.exchanges:
        validate_exchange(request, response)
        problems += shape_problems(request, response)
    assert not problems, "answers the real API would shape otherwise:\n" + "\n".join(dict.fromkeys(problems))


# What the spec's schemas cannot say and the real API always does (see ../shared/tripletex-behaviour.md):
# dates are YYYY-MM-DD, every object with an id carries its `url`, a reference the `fields` did not expand
# is exactly {"id", "url"}, no field the model lacks, and amounts are numbers, never strings.
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,), "integer": (int,), "number": (int, float), "boolean": (bool,), "array": (list,),
    "object": (dict,),
}


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = normalised_spec()["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _response_schema(request: httpx.Request, status: int) -> dict[str, Any] | None:
    from tripletex_connect.sandbox import routes

    found = routes.match(request.method, _relative(request.url)[len("/v2"):])
    if not found or isinstance(found, bool):
        return None
    operation = normalised_spec()["paths"].get(found[0].path, {}).get(request.method.lower(), {})
    responses = operation.get("responses", {})
    answer = responses.get(str(status)) or responses.get("default") or {}
    schema = answer.get("content", {}).get("application/json", {}).get("schema")
    return _resolve(schema) if schema else None


def _is_date_field(name: str) -> bool:
    return name == "date" or name.endswith("Date")


def _points_to(url: str, id: int) -> bool:
    """Whether a `url` reads the object: `.../{id}`, a search of its id, or the singleton it is."""
    if url.endswith((f"/{id}", f"?ids={id}")):
        return True
    from tripletex_connect.sandbox import routes

    found = routes.resolve("GET", urlsplit(url).path.split("/v2", 1)[-1]) if "/v2/" in url else None
    return isinstance(found, routes.Served) and not found.values and found.op.envelope == "value"


def _shape(value: Any, schema: dict[str, Any], where: str, nested: bool, expanded: bool, out: list[str]) -> None:
    """Collect in `out` what in `value` breaks the rules above (`expanded`: a `fields` selection shaped it)."""
    schema = _resolve(schema)
    kind = schema.get("type", "object" if "properties" in schema else None)
    if value is None or kind is None:
        return
    allowed = _JSON_TYPES.get(kind)
    if allowed and (not isinstance(value, allowed) or (kind in ("integer", "number") and isinstance(value, bool))):
        out.append(f"{where}: {type(value).__name__} where the spec says {kind}")
        return
    if kind == "array":
        for i, item in enumerate(value):
            _shape(item, schema.get("items", {}), f"{where}[{i}]", nested, expanded, out)
        return
    if kind != "object" or "properties" not in schema:
        return
    props = schema["properties"]
    if "id" in props and "url" in props and isinstance(value.get("id"), int) and not expanded:
        if not _points_to(str(value.get("url", "")), value["id"]):
            out.append(f"{where}: an object with id {value['id']} without its url")
        if nested and not expanded and set(value) != {"id", "url"}:
            out.append(f"{where}: an unexpanded reference is {{id, url}}, not {sorted(value)}")
    for name, item in value.items():
        prop = props.get(name)
        if prop is None:
            out.append(f"{where}.{name}: not a field of the model")
            continue
        is_date = _resolve(prop).get("type") == "string" and _is_date_field(name)
        if is_date and isinstance(item, str) and item and not _DATE.match(item):
            out.append(f"{where}.{name}: {item!r} is not a date (YYYY-MM-DD)")
        _shape(item, prop, f"{where}.{name}", True, expanded, out)


def shape_problems(request: httpx.Request, response: httpx.Response) -> list[str]:
    """What in a successful JSON answer the real API would render otherwise (beyond the spec's types)."""
    if response.status_code >= 300 or not response.content or "json" not in response.headers.get("content-type", ""):
        return []
    schema = _response_schema(request, response.status_code)
    if schema is None:
        return []
    # Without `fields` (or with `*`) every object shows its url and every reference is {id, url}; a
    # selection shows what it names.
    expanded = request.url.params.get("fields", "*").replace(" ", "") != "*"
    out: list[str] = []
    body, where = response.json(), f"{request.method} {_relative(request.url)}"
    props = schema.get("properties", {})
    if isinstance(body, dict) and "value" in props:  # an envelope: its objects are top level, not references
        _shape(body.get("value"), props["value"], f"{where} value", False, expanded, out)
    elif isinstance(body, dict) and "values" in props:
        for i, item in enumerate(body.get("values") or []):
            _shape(item, props["values"].get("items", {}), f"{where} values[{i}]", False, expanded, out)
    else:
        _shape(body, schema, where, False, expanded, out)
    return out
