"""Every answer is the Tripletex envelope: unserved operations 501, unknown paths 404, wrong methods 405."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.helpers.shared import OFFICIAL_SPEC_PATH
from tripletex_connect.sandbox import routes
from tripletex_connect.sandbox.spec_paths import SPEC_PATHS

from .conftest import Api

ENVELOPE = {"status", "code", "message", "link", "developerMessage", "validationMessages", "requestId"}


def _envelope(answer: Any, status: int) -> dict[str, object]:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/json")
    body = answer.json()
    assert set(body) == ENVELOPE and body["status"] == status
    assert body["requestId"] == answer.headers["x-tlx-request-id"]
    assert "X-Rate-Limit-Remaining" in answer.headers
    return dict(body)


def test_an_operation_the_real_api_has_and_the_sandbox_does_not_serve_answers_501_naming_it(api: Api) -> None:
    body = _envelope(api.get("/travelExpense/rate"), 501)
    assert body["message"] == "GET /travelExpense/rate is not served by the local sandbox."


def test_an_unserved_method_on_a_served_path_answers_501_not_405(api: Api) -> None:
    body = _envelope(api.http.delete("/v2/inventory/5", headers=api.auth), 501)
    assert "DELETE /inventory/{id}" in str(body["message"])


def test_a_named_path_under_a_resource_never_falls_into_its_id_route(api: Api) -> None:
    for named in ("/timesheet/timeClock/present", "/customer/category", "/ledger/voucher/>nonPosted"):
        found = routes.resolve("GET", named)
        assert isinstance(found, routes.NotServed | routes.Served) and "{" not in _path_of(found), named
    body = _envelope(api.get("/customer/>something"), 404)
    assert "is not a path of the Tripletex API" in str(body["developerMessage"])
    assert _envelope(api.get("/customer/:somethingElse"), 404)


def _path_of(found: routes.Match) -> str:
    return found.op.path if isinstance(found, routes.Served) else getattr(found, "path", "")


def test_a_path_the_real_api_does_not_have_answers_404_in_the_envelope(api: Api) -> None:
    body = _envelope(api.get("/no/such/thing"), 404)
    assert body["code"] == 6000 and "/no/such/thing" in str(body["message"])


@pytest.mark.parametrize("path", ["/v3/customer", "/v2", "/no/such/page/anywhere"])
def test_paths_outside_v2_answer_404_in_the_envelope(api: Api, path: str) -> None:
    _envelope(api.http.get(path, headers=api.auth), 404)


def test_a_wrong_method_on_a_served_path_answers_405_in_the_envelope_with_allow(api: Api) -> None:
    answer = api.http.post("/v2/invoice/1/:send", headers=api.auth)
    _envelope(answer, 405)
    assert answer.headers["allow"] == "PUT"
    _envelope(api.http.patch("/v2/customer", headers=api.auth), 405)
    _envelope(api.http.request("PROPFIND", "/v2/customer", headers=api.auth), 405)


def test_an_id_route_still_answers_404_object_not_found_for_an_id_that_is_not_stored(api: Api) -> None:
    body = _envelope(api.get("/customer/424242"), 404)
    assert body["developerMessage"] is None


def test_the_table_of_the_real_apis_paths_covers_every_catalog_route() -> None:
    shapes = {routes.segments(path) for path in SPEC_PATHS}
    sandbox_only = {op.key for op in routes.SANDBOX_ONLY}
    assert all(routes.segments(r.op.path) in shapes for r in routes.ROUTES if r.op.key not in sandbox_only)
    assert ("GET", "/travelExpense/rate") in routes.unserved()


def test_the_table_of_the_real_apis_paths_is_every_path_of_the_spec_with_its_methods() -> None:
    if not OFFICIAL_SPEC_PATH.exists():
        pytest.skip(f"official spec not found at {OFFICIAL_SPEC_PATH}")
    spec = json.loads(OFFICIAL_SPEC_PATH.read_text(encoding="utf-8"))
    methods = ("get", "post", "put", "delete", "patch")
    official = {path: tuple(m.upper() for m in methods if m in item) for path, item in spec["paths"].items()}
    assert {path: taken for path, taken in official.items() if taken} == SPEC_PATHS


def test_a_method_a_page_outside_v2_does_not_take_answers_405_in_the_envelope(api: Api) -> None:
    answer = api.http.post("/books/1/customers", headers=api.auth)
    assert answer.status_code == 405 and set(answer.json()) == ENVELOPE
