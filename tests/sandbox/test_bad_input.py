"""Garbage in never gets a 500: every catalog route answers bad bodies and bad query values with a 4xx envelope."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import pytest

from tripletex_connect import catalog
from tripletex_connect.catalog import Kind, Operation
from tripletex_connect.sandbox import Backend, Store
from tripletex_connect.sandbox.backend import Request
from tripletex_connect.sandbox.defaults import CONSUMER_TOKEN

from .conftest import BASE, Clock

HUGE = "9" * 30
BODIES = [
    b"null", b"[]", b'"text"', b"123", b"1e999", b"[1, 2]", b"[null]", b"\xff\xfe", b'{"a":', b"[" * 50_000,
    b'{"id": "x"}', b'{"version": "x"}', b'{"id": ' + HUGE.encode() + b"}", b'{"version": ' + HUGE.encode() + b"}",
    b'{"customer": 5}', b'{"customer": {"id": "abc"}}', b'{"category1": {"id": ' + HUGE.encode() + b"}}",
    b'{"orderLines": "x"}', b'{"orderLines": [1]}', '{"name": ["☃"], "email": {}}'.encode(),
]
QUERY_VALUES = ["abc", "-1", HUGE, "1,2,,x", "☃", "%", "1e5", "2026-13-45", "()", "a(b", "*,(", "x(" * 3000]
OPERATIONS = [op for op in catalog.all_operations() if op.kind is not Kind.API_CALL]


@pytest.fixture(scope="module")
def backend() -> Iterator[tuple[Backend, dict[str, str]]]:
    backend = Backend(Store(), base_url=BASE, clock=Clock())
    backend.new_company(employee_token="garbage", seed="demo")
    session = backend.handle(Request("PUT", "/token/session/:create", [
        ("consumerToken", CONSUMER_TOKEN), ("employeeToken", "garbage"), ("expirationDate", "2026-11-27")]))
    token = session.body["value"]["token"]
    yield backend, {"authorization": "Basic " + base64.b64encode(f"0:{token}".encode()).decode()}


def _path(op: Operation) -> str:
    path = op.path
    for param in op.path_params:
        path = path.replace("{" + param.name + "}", "1")
    return path


@pytest.mark.parametrize("op", OPERATIONS, ids=lambda op: op.key)
def test_garbage_input_never_answers_500(backend: tuple[Backend, dict[str, str]], op: Operation) -> None:
    sandbox, auth = backend
    requests = [Request(op.method, _path(op), [], auth, body) for body in (BODIES if op.body else [b""])]
    names = [p.name for p in op.query_params] + ["from", "count", "sorting", "fields"]
    requests += [Request(op.method, _path(op), [(name, value)], auth, b"null" if op.body else b"")
                 for name in names for value in QUERY_VALUES]
    requests += [Request(op.method, _path(op).replace("/1", "/" + HUGE), [], auth, b"null")]
    for request in requests:
        reply = sandbox.handle(request)
        assert reply.status < 500 or reply.status == 501, (request.query, request.body[:60], reply.body)
        if reply.status >= 400:
            assert reply.body["requestId"] == reply.headers["x-tlx-request-id"]


@pytest.mark.parametrize("fields", ["x(" * 3000, "(((", "a(b", "id,,name)"])
def test_an_illegal_fields_pattern_is_400_code_11000(backend: tuple[Backend, dict[str, str]], fields: str) -> None:
    sandbox, auth = backend
    reply = sandbox.handle(Request("GET", "/customer", [("fields", fields)], auth))
    assert (reply.status, reply.body["code"]) == (400, 11000)


def test_a_number_too_large_to_store_is_a_validation_error(backend: tuple[Backend, dict[str, str]]) -> None:
    sandbox, auth = backend
    body = b'{"name": "Stor", "customerNumber": ' + HUGE.encode() + b"}"
    reply = sandbox.handle(Request("POST", "/customer", [], auth, body))
    assert reply.status == 422 and reply.body["validationMessages"][0]["field"] == "customerNumber"
    search = sandbox.handle(Request("GET", "/customer", [("id", HUGE)], auth))
    assert search.status == 422 and search.body["validationMessages"][0]["field"] == "id"


def test_a_body_nested_too_deeply_is_invalid_json_code_22000(backend: tuple[Backend, dict[str, str]]) -> None:
    sandbox, auth = backend
    reply = sandbox.handle(Request("POST", "/customer", [], auth, b'{"a":' * 50_000))
    assert (reply.status, reply.body["code"]) == (422, 22000)
