"""Validate HTTP exchanges against the official Tripletex spec (read from ../shared, normalised in memory).

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
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx
import pytest

from tests.helpers.shared import SPEC_PATH, spec
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
    if not SPEC_PATH.exists():
        pytest.skip(f"official spec not found at {SPEC_PATH}; conformance tests skipped")
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
    for request, response in recorder.exchanges:
        validate_exchange(request, response)
