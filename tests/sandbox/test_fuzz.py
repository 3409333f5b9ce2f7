"""Property-based fuzzing of every served operation: no 5xx, always the envelope, always the spec's shapes.

Bounded and reproducible: a fixed number of examples per operation, derandomised, no deadline.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from tests.helpers.shared import SPEC_PATH
from tripletex_connect.catalog import Operation
from tripletex_connect.models import SCHEMA_FIELDS, FieldSpec, field_types
from tripletex_connect.sandbox import Backend, Store, routes
from tripletex_connect.sandbox.app import create_app
from tripletex_connect.sandbox.backend import Request
from tripletex_connect.sandbox.defaults import CONSUMER_TOKEN
from tripletex_connect.sandbox.validate import is_date_field

from .conftest import BASE, Clock

EXAMPLES = int(os.environ.get("TTX_FUZZ_EXAMPLES", "2"))  # raise it to fuzz harder locally
OPERATIONS = [r.op for r in routes.ROUTES if r.op not in routes.SANDBOX_ONLY]
ERROR_KEYS = {"status", "code", "message", "link", "developerMessage", "validationMessages", "requestId"}

# Values that found 500s before: amounts beyond 28 digits, lone surrogates, NaN-like and huge numbers.
NUMBERS = st.one_of(st.sampled_from([0, 1, -1, 0.005, 2.675, 1e15, 1e26, -1e26, 1e300, 10**30]),
                    st.floats(allow_nan=False, allow_infinity=False), st.integers(-(10**20), 10**20))
TEXTS = st.one_of(st.sampled_from(["", "\ud800", "x\udfff", "2026-11-20", "2026-13-45", "a@b.no", "☃" * 3]),
                  st.text(max_size=12))
QUERY_TEXTS = st.one_of(
    st.sampled_from(["", "1", "-1", "0", "1e26", "9" * 30, "abc", "2026-11-20", "2026-13-45", "true", "*", "id,name",
                     "name(", "-name", "1,2,x", "NaN", "inf"]),
    st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=8))
PATH_VALUES = st.one_of(st.integers(-2, 40).map(str), st.sampled_from(["0", "abc", "9" * 30, ">x", ":y", "1e3"]))


@pytest.fixture(scope="module")
def fuzzed() -> Iterator[tuple[TestClient, dict[str, str], list[int]]]:
    backend = Backend(Store(), base_url=BASE, clock=Clock(), rate_limit=10**9)
    company = backend.new_company(employee_token="fuzz", seed="demo")
    session = backend.handle(Request("PUT", "/token/session/:create", [
        ("consumerToken", CONSUMER_TOKEN), ("employeeToken", "fuzz"), ("expirationDate", "2026-11-27")]))
    token = session.body["value"]["token"]
    auth = {"Authorization": "Basic " + base64.b64encode(f"0:{token}".encode()).decode()}
    with TestClient(create_app(backend)) as http:
        yield http, auth, [*range(1, 12), company.employee_id]


def _text(name: str, spec: FieldSpec) -> st.SearchStrategy[Any]:
    """Mostly a value the field takes (so requests get past validation to the rules), sometimes not."""
    if spec.enum:
        plausible: st.SearchStrategy[Any] = st.sampled_from(spec.enum)
    elif is_date_field(name):
        plausible = st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)).map(dt.date.isoformat)
    elif "email" in name.lower():
        plausible = st.just("ola@example.no")
    else:
        plausible = st.sampled_from(["Acme AS", "1", "Ærlig Østre Å"])
    return st.one_of(plausible, plausible, TEXTS)


def _value(name: str, spec: FieldSpec, depth: int, ids: list[int]) -> st.SearchStrategy[Any]:
    if spec.kind == "ref" and spec.ref in SCHEMA_FIELDS:
        known = st.fixed_dictionaries({"id": st.sampled_from(ids) | st.integers(-1, 40)})
        return known | (_body(spec.ref, ids, depth + 1) if depth < 1 else st.just({}))
    if spec.kind == "array":
        item = _body(spec.ref, ids, depth + 1) if spec.ref in SCHEMA_FIELDS and depth < 1 else NUMBERS | TEXTS
        return st.lists(item, max_size=2)
    by_kind: dict[str, st.SearchStrategy[Any]] = {
        "string": _text(name, spec), "number": NUMBERS, "integer": st.integers(0, 40) | NUMBERS,
        "boolean": st.booleans() | st.just("yes"),
    }
    return by_kind.get(spec.kind, st.none() | TEXTS)


def _body(model: str | None, ids: list[int], depth: int = 0) -> st.SearchStrategy[Any]:
    specs = {n: s for n, s in field_types(model or "").items() if not s.read_only and n not in ("id", "version")}
    if not specs:
        return st.just({})
    names = st.lists(st.sampled_from(sorted(specs)), max_size=6, unique=True)
    return names.flatmap(lambda chosen: st.fixed_dictionaries(
        {n: _value(n, specs[n], depth, ids) for n in sorted({*chosen, *(n for n in ("name",) if n in specs)})}))


HUGE = st.sampled_from([1e26, -1e26, 1e300, 10**30, 1e15, 9.99e14])


def _extreme(model: str | None, ids: list[int], text: st.SearchStrategy[Any], number: st.SearchStrategy[Any],
             depth: int = 0) -> st.SearchStrategy[Any]:
    """A body plausible in every field but with every number (or every text) extreme: reaches the rules."""
    fields: dict[str, st.SearchStrategy[Any]] = {}
    for name, spec in field_types(model or "").items():
        if spec.read_only or name in ("id", "version"):
            continue
        if spec.kind == "number":
            fields[name] = number
        elif spec.kind == "string" and not spec.enum:
            fields[name] = _text(name, spec) if is_date_field(name) or "email" in name.lower() else text
        elif spec.kind == "ref" and spec.ref in SCHEMA_FIELDS and depth == 0:
            fields[name] = st.fixed_dictionaries({"id": st.sampled_from(ids)})
        elif spec.kind == "array" and spec.ref in SCHEMA_FIELDS and depth == 0:
            fields[name] = st.lists(_extreme(spec.ref, ids, text, number, 1), min_size=1, max_size=1)
    return st.fixed_dictionaries(fields)


def _bodies(op: Operation, ids: list[int]) -> list[st.SearchStrategy[bytes]]:
    """One strategy per kind of body: mixed fields, extreme numbers, lone surrogates, and not a body at all."""
    plain = st.sampled_from(["Acme AS", "1"])
    kinds = [_body(op.body, ids), _extreme(op.body, ids, plain, HUGE),
             _extreme(op.body, ids, st.sampled_from(["\ud800", "x\udfff"]), st.just(100.0))]
    shapes = [st.lists(k, min_size=1, max_size=2) if op.body_is_list else k for k in kinds]
    raw = st.sampled_from([b"", b"null", b"{", b"[]", b'"x"', b'{"a": NaN}', b"1e999"])
    return [*(shape.map(lambda v: json.dumps(v).encode()) for shape in shapes), raw]


def _requests(op: Operation, data: st.DataObject, ids: list[int]) -> list[tuple[str, list[tuple[str, str]], bytes]]:
    path = op.path
    for param in op.path_params:
        value = data.draw(st.sampled_from([str(i) for i in ids]) | PATH_VALUES, label=param.name)
        path = path.replace("{" + param.name + "}", value)
    names = [p.name for p in op.query_params]
    chosen = data.draw(st.lists(st.sampled_from(names), max_size=3, unique=True) if names else st.just([]))
    query = [(name, data.draw(QUERY_TEXTS, label=name)) for name in chosen]
    if not op.body:
        return [(path, query, b"")]
    return [(path, query, data.draw(body, label="body")) for body in _bodies(op, ids)]


def _check(answer: httpx.Response) -> None:
    where = f"{answer.request.method} {answer.request.url} -> {answer.status_code}: {answer.text[:300]}"
    assert answer.status_code < 500 or answer.status_code == 501, where
    assert answer.headers.get("x-tlx-request-id"), where
    if answer.status_code in (204, 304) or answer.headers.get("content-type", "").startswith("application/pdf"):
        return
    assert answer.headers.get("content-type", "").startswith("application/json"), where
    body = answer.json()
    if answer.status_code >= 400:
        assert set(body) == ERROR_KEYS and body["status"] == answer.status_code, where
        assert body["requestId"] == answer.headers["x-tlx-request-id"], where
    else:
        assert isinstance(body, dict) and ("value" in body or "values" in body), where
    if SPEC_PATH.exists():
        from tests.conformance.openapi import validate_answer

        validate_answer(answer.request, answer)


@pytest.mark.parametrize("op", OPERATIONS, ids=lambda op: op.key)
def test_fuzzed_requests_get_no_5xx_and_spec_valid_envelopes(
    fuzzed: tuple[TestClient, dict[str, str], list[int]], op: Operation
) -> None:
    http, auth, known_ids = fuzzed

    @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        headers = {**auth, "Content-Type": "application/json"} if op.body else auth
        for path, query, body in _requests(op, data, known_ids):
            _check(http.request(op.method, "/v2" + path, params=query, content=body or None, headers=headers))

    run()
