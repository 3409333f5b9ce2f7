"""The client: raw API calls, decoding of answers and dispatch by catalog key (transport mocked with respx)."""

from __future__ import annotations

import httpx
import pytest
import respx

from tripletex_connect import ParameterError, Tripletex, UnsafePathError

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
    assert [r.request.url.params["from"] for r in route.calls] == ["0", "2", "4"]
    assert all(r.request.url.params["customerName"] == "C" for r in route.calls)


def test_repr_of_the_client_shows_no_token(tx: Tripletex) -> None:
    assert "c-tok" not in repr(tx) and "e-tok" not in repr(tx)
