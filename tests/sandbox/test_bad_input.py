"""Garbage in never gets a 500: every catalog route answers bad bodies and bad query values with a 4xx envelope."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest

from tripletex_connect import catalog
from tripletex_connect.catalog import Kind, Operation
from tripletex_connect.sandbox import Backend, Store
from tripletex_connect.sandbox.backend import Request
from tripletex_connect.sandbox.defaults import CONSUMER_TOKEN
from tripletex_connect.sandbox.reply import Reply

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
    # No rate limit: thousands of requests here must each reach the route, not a 429.
    backend = Backend(Store(), base_url=BASE, clock=Clock(), rate_limit=10**9)
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


def call(backend: tuple[Backend, dict[str, str]], method: str, path: str, query: dict[str, str] | None = None,
         body: object = None) -> Reply:
    sandbox, auth = backend
    raw = json.dumps(body).encode() if body is not None else b""
    return sandbox.handle(Request(method, path, list((query or {}).items()), auth, raw))


def open_order(backend: tuple[Backend, dict[str, str]]) -> int:
    customer = call(backend, "POST", "/customer", body={"name": "Kunde AS"}).body["value"]["id"]
    order = call(backend, "POST", "/order", body={
        "customer": {"id": customer}, "orderDate": "2026-11-20", "deliveryDate": "2026-11-20",
        "orderLines": [{"description": "Arbeid", "count": 1, "unitPriceExcludingVatCurrency": 100.0}]})
    return int(order.body["value"]["id"])


def invoice_count(backend: tuple[Backend, dict[str, str]]) -> int:
    found = call(backend, "GET", "/invoice", {"invoiceDateFrom": "1900-01-01", "invoiceDateTo": "2999-01-01"})
    return int(found.body["fullResultSize"])


@pytest.mark.parametrize("body", [
    {}, {"comment": "tom"}, {"invoiceDate": "2026-11-21"}, {"invoiceDate": "2026-11-21", "orders": []},
    {"invoiceDate": "2026-11-21", "orders": 5}, {"invoiceDate": "2026-11-21", "orders": [None]},
    {"invoiceDate": "2026-11-21", "orders": [{}]}, {"invoiceDate": "2026-11-21", "orders": [{"id": True}]},
    {"invoiceDate": "2026-11-21", "customer": {"id": 1}},
    {"invoiceDate": "2026-11-21", "orders": [{"orderDate": "2026-11-21", "deliveryDate": "2026-11-21"}]},
    {"invoiceDate": "i går", "orders": ["ORDER"]}, {"invoiceDate": 20261121, "orders": ["ORDER"]},
    {"invoiceDate": "2026-02-30", "orders": ["ORDER"]},
    {"invoiceDate": "2026-11-21", "invoiceDueDate": "snart", "orders": ["ORDER"]},
], ids=lambda body: json.dumps(body))
def test_an_invoice_body_without_orders_customer_or_valid_dates_is_refused_with_422_and_not_stored(
    backend: tuple[Backend, dict[str, str]], body: dict[str, Any]
) -> None:
    if body.get("orders") == ["ORDER"]:
        body = {**body, "orders": [{"id": open_order(backend)}]}
    before = invoice_count(backend)
    reply = call(backend, "POST", "/invoice", body=body)
    assert reply.status == 422 and reply.body["validationMessages"], reply.body
    assert invoice_count(backend) == before


GARBAGE = ["abc", HUGE, "nan", "inf", "-inf", "1e999", "2026-02-30", "☃", "1,,x", ",", "tru"]
SALES_ACTIONS = ["order.invoice", "order.invoice_multiple", "invoice.create", "invoice.payment",
                 "invoice.credit_note", "invoice.send"]


def _valid_query(backend: tuple[Backend, dict[str, str]], op: Operation) -> tuple[str, dict[str, str]]:
    order = open_order(backend)
    invoice = call(backend, "PUT", f"/order/{order}/:invoice", {"invoiceDate": "2026-11-21"}).body["value"]["id"]
    path = op.path.replace("{id}", str(order if op.path.startswith("/order") else invoice))
    query = {"invoiceDate": "2026-11-21", "paymentDate": "2026-11-22", "paymentTypeId": "1", "paidAmount": "10",
             "date": "2026-11-22", "sendType": "EMAIL", "id": f"{open_order(backend)},{open_order(backend)}"}
    return path, {p.name: query[p.name] for p in op.query_params if p.name in query}


@pytest.mark.parametrize("key", SALES_ACTIONS)
def test_garbage_query_values_on_real_orders_and_invoices_are_4xx_never_500(
    backend: tuple[Backend, dict[str, str]], key: str
) -> None:
    op = catalog.get(key)
    body = {"invoiceDate": "2026-11-21", "orders": [{"id": open_order(backend)}]} if op.body else None
    for param in (p for p in op.query_params if p.type != "string"):
        for value in GARBAGE:
            path, query = _valid_query(backend, op)
            if param.name in ("paidAmount", "paymentTypeId"):
                query = {**query, "paidAmount": "10", "paymentTypeId": "1"}
            reply = call(backend, op.method, path, {**query, param.name: value}, body)
            assert 400 <= reply.status < 500, (key, param.name, value, reply.body)


def test_every_stored_invoice_and_credit_note_has_a_pdf(backend: tuple[Backend, dict[str, str]]) -> None:
    invoice = call(backend, "PUT", f"/order/{open_order(backend)}/:invoice", {"invoiceDate": "2026-11-21"})
    invoice_id = invoice.body["value"]["id"]
    call(backend, "PUT", f"/invoice/{invoice_id}/:payment",
         {"paymentDate": "2026-11-22", "paymentTypeId": "1", "paidAmount": "10"})
    call(backend, "PUT", f"/invoice/{invoice_id}/:createCreditNote", {"date": "2026-11-23"})
    call(backend, "POST", "/invoice", body={"invoiceDate": "2026-11-21", "orders": [{"id": open_order(backend)}]})
    found = call(backend, "GET", "/invoice", {"invoiceDateFrom": "1900-01-01", "invoiceDateTo": "2999-01-01"})
    for value in found.body["values"]:
        for query in ({}, {"download": "true"}, {"download": "kanskje"}):
            reply = call(backend, "GET", f"/invoice/{value['id']}/pdf", query)
            assert reply.status < 500 and (reply.status != 200 or reply.content[:5] == b"%PDF-"), reply.body
        assert call(backend, "GET", f"/invoice/{value['id']}/pdf").status == 200


def test_a_query_date_with_surrounding_spaces_is_taken_as_the_date(backend: tuple[Backend, dict[str, str]]) -> None:
    reply = call(backend, "PUT", f"/order/{open_order(backend)}/:invoice", {"invoiceDate": " 2026-11-21 "})
    assert reply.status == 200 and reply.body["value"]["invoiceDate"] == "2026-11-21"
