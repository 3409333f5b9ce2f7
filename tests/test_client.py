"""The client: raw API calls, decoding of answers and dispatch by catalog key (transport mocked with respx)."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest
import respx

from tripletex_connect import AsyncTripletex, ParameterError, Tripletex, UnsafePathError, models
from tripletex_connect.core.errors import InvalidResponseError, RateLimitError
from tripletex_connect.sandbox import Sandbox
from tripletex_connect.testing import FixtureCompany

BASE = "http://127.0.0.1:9/v2"


@pytest.fixture
def api() -> respx.MockRouter:
    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        router.put("/token/session/:create").respond(
            200, json={"value": {"id": 1, "version": 1, "token": "sess-tok", "expirationDate": "2099-01-01"}}
        )
        yield router


@pytest.fixture
def tx() -> Tripletex:
    return Tripletex("c-tok", "e-tok", base_url=BASE)


def test_request_returns_json_for_json_answers(api: respx.MockRouter, tx: Tripletex) -> None:
    api.get("/customer/5").respond(200, json={"value": {"id": 5, "name": "Acme"}})
    assert tx.request("GET", "/customer/5") == {"value": {"id": 5, "name": "Acme"}}


def test_request_returns_bytes_for_binary_answers(api: respx.MockRouter, tx: Tripletex) -> None:
    api.get("/invoice/1/pdf").respond(200, content=b"%PDF-1.7 fake", headers={"content-type": "application/pdf"})
    assert tx.request("get", "invoice/1/pdf") == b"%PDF-1.7 fake"


def test_request_returns_none_for_no_content(api: respx.MockRouter, tx: Tripletex) -> None:
    api.delete("/customer/5").respond(204)
    assert tx.request("DELETE", "/customer/5") is None


def test_request_merges_query_from_the_path_and_params(api: respx.MockRouter, tx: Tripletex) -> None:
    route = api.get("/customer").respond(200, json={"values": []})
    tx.request("GET", "/customer?customerName=Acme", params={"count": 2})
    assert dict(route.calls.last.request.url.params) == {"customerName": "Acme", "count": "2"}


def test_raw_request_gives_headers_and_status(api: respx.MockRouter, tx: Tripletex) -> None:
    api.get("/customer/5").respond(200, json={"value": {}}, headers={"x-tlx-request-id": "r-1"})
    response = tx.request("GET", "/customer/5", raw=True)
    assert isinstance(response, httpx.Response) and response.headers["x-tlx-request-id"] == "r-1"


@pytest.mark.parametrize("path", ["https://evil.example/v2/customer", "//evil.example/x", "/../../x"])
def test_request_refuses_paths_outside_the_base_url_before_sending(
    api: respx.MockRouter, tx: Tripletex, path: str
) -> None:
    with pytest.raises(UnsafePathError):
        tx.request("GET", path)
    assert not api.calls


def test_request_refuses_an_unknown_method(tx: Tripletex) -> None:
    with pytest.raises(ParameterError, match="unknown HTTP method"):
        tx.request("FETCH", "/customer")


def test_invoke_by_key_with_api_names_returns_models(api: respx.MockRouter, tx: Tripletex) -> None:
    api.get("/customer/5").respond(200, json={"value": {"id": 5, "name": "Acme", "organizationNumber": "9"}})
    customer = tx.invoke("customer.get", {"id": 5})
    assert (customer.id, customer.name, customer.organization_number) == (5, "Acme", "9")


def test_invoke_of_an_unknown_key_suggests_the_right_one(tx: Tripletex) -> None:
    with pytest.raises(ParameterError, match=r"did you mean 'customer\.search'"):
        tx.invoke("customer.serch")


def test_search_pages_through_all_results_lazily(api: respx.MockRouter, tx: Tripletex) -> None:
    def page(request: httpx.Request) -> httpx.Response:
        start, count = int(request.url.params["from"]), int(request.url.params["count"])
        values = [{"id": i, "name": f"C{i}"} for i in range(start, min(start + count, 5))]
        return httpx.Response(200, json={"fullResultSize": 5, "from": start, "count": len(values), "values": values})

    route = api.get("/customer").mock(side_effect=page)
    names = [c.name for c in tx.customers.search(customer_name="C", page_size=2)]
    assert names == ["C0", "C1", "C2", "C3", "C4"]
    # prefetched pages are requested concurrently: which arrives first is up to the threads
    assert sorted(int(r.request.url.params["from"]) for r in route.calls) == [0, 2, 4]
    assert all(r.request.url.params["customerName"] == "C" for r in route.calls)


def test_each_value_of_a_search_page_carries_the_request_id_of_its_page(api: respx.MockRouter, tx: Tripletex) -> None:
    def page(request: httpx.Request) -> httpx.Response:
        start = int(request.url.params["from"])
        values = [{"id": i, "email": None} for i in range(start, min(start + 2, 3))]
        body = {"fullResultSize": 3, "from": start, "count": len(values), "values": values}
        return httpx.Response(200, json=body, headers={"x-tlx-request-id": f"r-{start}"})

    api.get("/customer").mock(side_effect=page)
    found = list(tx.customers.search(page_size=2))
    assert [(c.id, c._request_id) for c in found] == [(0, "r-0"), (1, "r-0"), (2, "r-2")]
    found[0]._request_id = "changed"
    assert found[1]._request_id == "r-0"  # the page's values share no state
    assert all(c.model_fields_set == {"id"} for c in found)


def test_a_search_page_with_a_value_of_an_unexpected_type_is_read_tolerantly(
    api: respx.MockRouter, tx: Tripletex
) -> None:
    values = [{"id": 1, "customerNumber": {"surprise": 1}}, {"id": 2, "name": None}]
    api.get("/customer").respond(200, json={"fullResultSize": 2, "from": 0, "count": 2, "values": values})
    found = list(tx.customers.search())
    assert [c.id for c in found] == [1, 2] and found[0].customer_number == {"surprise": 1}
    assert found[0]._request_id is None and found[1].model_fields_set == {"id"}


def test_a_search_page_of_invalid_json_raises_invalid_response(api: respx.MockRouter, tx: Tripletex) -> None:
    api.get("/customer").respond(200, content=b'{"values": [', headers={"content-type": "application/json"})
    with pytest.raises(InvalidResponseError, match="invalid JSON"):
        list(tx.customers.search())


def test_repr_of_the_client_shows_no_token(tx: Tripletex) -> None:
    assert "c-tok" not in repr(tx) and "e-tok" not in repr(tx)


def test_request_uploads_files_as_multipart(api: respx.MockRouter, tx: Tripletex) -> None:
    route = api.post("/ledger/voucher/importDocument").respond(201, json={"values": []})
    upload = {"file": ("bilag.pdf", b"%PDF-1.7 x", "application/pdf")}
    tx.request("POST", "/ledger/voucher/importDocument", files=upload)
    sent = route.calls.last.request
    assert sent.headers["content-type"].startswith("multipart/form-data")
    assert b'filename="bilag.pdf"' in sent.content and b"%PDF-1.7 x" in sent.content


def test_search_with_a_limit_stops_after_n_values_across_pages(api: respx.MockRouter, tx: Tripletex) -> None:
    def page(request: httpx.Request) -> httpx.Response:
        start, count = int(request.url.params["from"]), int(request.url.params["count"])
        values = [{"id": i} for i in range(start, start + count)]
        return httpx.Response(200, json={"fullResultSize": 100, "from": start, "count": count, "values": values})

    route = api.get("/customer").mock(side_effect=page)
    assert [c.id for c in tx.customers.search(limit=5, page_size=2)] == [0, 1, 2, 3, 4]
    asked = [(r.request.url.params["from"], r.request.url.params["count"]) for r in route.calls]
    assert sorted(asked) == [("0", "2"), ("2", "2"), ("4", "1")]


def test_a_bad_limit_is_refused_before_anything_is_sent(api: respx.MockRouter, tx: Tripletex) -> None:
    with pytest.raises(ParameterError, match="limit must be at least 0"):
        tx.customers.search(limit=-1)
    assert not api.calls


def test_max_retry_time_bounds_the_waits(api: respx.MockRouter) -> None:
    route = api.get("/customer/5").respond(429, headers={"X-Rate-Limit-Reset": "30"})
    tx = Tripletex("c-tok", "e-tok", base_url=BASE, max_retry_time=10)
    with pytest.raises(RateLimitError):
        tx.request("GET", "/customer/5")
    assert route.call_count == 1


def test_with_company_acts_for_the_client_company_as_the_basic_auth_user(api: respx.MockRouter, tx: Tripletex) -> None:
    route = api.get("/customer/5").respond(200, json={"value": {"id": 5}})
    tx.with_company(77).request("GET", "/customer/5")
    user = base64.b64decode(route.calls.last.request.headers["Authorization"].split()[1]).decode()
    assert user == "77:sess-tok"


def test_rate_limit_state_is_readable_on_the_client(api: respx.MockRouter, tx: Tripletex) -> None:
    api.get("/customer/5").respond(200, json={}, headers={"X-Rate-Limit-Remaining": "9", "X-Rate-Limit-Limit": "10"})
    tx.request("GET", "/customer/5")
    assert tx.rate_limit is not None and (tx.rate_limit.limit, tx.rate_limit.remaining) == (10, 9)


async def test_async_request_returns_json_bytes_and_refuses_escaping_paths(api: respx.MockRouter) -> None:
    api.get("/customer/5").respond(200, json={"value": {"id": 5}})
    api.get("/invoice/1/pdf").respond(200, content=b"%PDF", headers={"content-type": "application/pdf"})
    async with AsyncTripletex("c-tok", "e-tok", base_url=BASE) as atx:
        assert await atx.request("GET", "/customer/5") == {"value": {"id": 5}}
        assert await atx.request("GET", "/invoice/1/pdf") == b"%PDF"
        calls = len(api.calls)
        with pytest.raises(UnsafePathError):
            await atx.request("GET", "https://evil.example/v2/customer")
    assert len(api.calls) == calls


async def test_async_search_pages_lazily_with_a_limit_and_get_returns_a_model(api: respx.MockRouter) -> None:
    def page(request: httpx.Request) -> httpx.Response:
        start, count = int(request.url.params["from"]), int(request.url.params["count"])
        values = [{"id": i, "name": f"C{i}"} for i in range(start, start + count)]
        return httpx.Response(200, json={"fullResultSize": 50, "from": start, "count": count, "values": values})

    route = api.get("/customer").mock(side_effect=page)
    api.get("/customer/3").respond(200, json={"value": {"id": 3, "name": "C3"}})
    async with AsyncTripletex("c-tok", "e-tok", base_url=BASE) as atx:
        names = [c.name async for c in atx.customers.search(customer_name="C", limit=3, page_size=2)]
        customer = await atx.customers.get(3)
    assert names == ["C0", "C1", "C2"] and route.call_count == 2
    assert customer.name == "C3"


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({"Authorization": "Basic eA=="}, "set by the client"),
        ({"content-length": "abc"}, "set by the client"),
        ({"X-Note": "blåbær"}, "plain ASCII"),
    ],
)
def test_request_refuses_headers_it_cannot_send_before_sending(
    api: respx.MockRouter, tx: Tripletex, headers: dict[str, str], message: str
) -> None:
    with pytest.raises(ParameterError, match=message):
        tx.request("GET", "/customer/5", headers=headers)
    assert not api.calls


def test_a_key_repeated_in_the_path_query_is_sent_repeated(api: respx.MockRouter, tx: Tripletex) -> None:
    route = api.get("/customer").respond(200, json={"values": []})
    tx.request("GET", "/customer?id=1&id=2&fields=id")
    assert route.calls.last.request.url.params.multi_items() == [("id", "1"), ("id", "2"), ("fields", "id")]


def test_a_client_connects_to_a_sandbox_or_one_of_its_companies_without_the_sandbox_knowing_the_sdk(
    tripletex_sandbox_server: Sandbox, tripletex_sandbox: FixtureCompany
) -> None:
    with Tripletex.for_sandbox(tripletex_sandbox_server) as main:
        assert main.whoami().company_id == tripletex_sandbox_server.company.company_id
    with Tripletex.for_sandbox(tripletex_sandbox.company, max_retries=0) as tx:
        assert tx.whoami().company_id == tripletex_sandbox.company_id


async def test_an_async_client_connects_to_a_sandbox_company(tripletex_sandbox: FixtureCompany) -> None:
    atx = AsyncTripletex.for_sandbox(tripletex_sandbox)
    assert (await atx.whoami()).company_id == tripletex_sandbox.company_id
    await atx.aclose()


@pytest.mark.parametrize(
    ("value", "expected"),
    [({"id": 3, "name": "C3", "email": None}, {"id": 3, "name": "C3"}),
     ({"id": 3, "customerNumber": {"surprise": 1}}, {"id": 3, "customerNumber": {"surprise": 1}})],
    ids=["validated-from-bytes", "read-tolerantly"],
)
async def test_a_get_answers_the_model_with_its_request_id_sync_and_async(
    api: respx.MockRouter, tx: Tripletex, value: dict[str, Any], expected: dict[str, Any]
) -> None:
    api.get("/customer/3").respond(200, json={"value": value}, headers={"x-tlx-request-id": "r-9"})
    async with AsyncTripletex("c-tok", "e-tok", base_url=BASE) as atx:
        for customer in (tx.customers.get(3), await atx.customers.get(3)):
            assert models.to_api_dict(customer) == expected and customer._request_id == "r-9"
