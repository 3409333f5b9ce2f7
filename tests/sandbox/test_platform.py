"""Platform semantics every resource shares: envelopes, paging, sorting, fields, filters, versions, errors."""

from __future__ import annotations

import threading
from typing import Any

from tripletex_connect.client import WHOAMI_FIELDS
from tripletex_connect.sandbox import Backend, Store
from tripletex_connect.sandbox.backend import Request

from .conftest import BASE, Api, Clock


def post(api: Api, path: str, body: Any) -> Any:
    return api.http.post("/v2" + path, json=body, headers=api.auth)


def customers(api: Api, *names: str) -> list[dict[str, Any]]:
    made = [post(api, "/customer", {"name": n, "email": f"{n.lower().replace(' ', '.')}@example.no"}) for n in names]
    return [answer.json()["value"] for answer in made]


def test_create_answers_201_with_a_value_envelope_and_version_0(api: Api) -> None:
    answer = post(api, "/customer", {"name": "Acme AS"})
    value = answer.json()["value"]
    assert answer.status_code == 201
    assert value["version"] == 0 and value["url"] == f"{BASE}/customer/{value['id']}"
    assert value["customerNumber"] == 10000


def test_search_answers_the_list_envelope_and_pages_with_from_and_count(api: Api) -> None:
    customers(api, "A", "B", "C", "D", "E")
    page = api.get("/customer", **{"from": 1, "count": 2, "sorting": "name"}).json()
    assert {k: page[k] for k in ("fullResultSize", "from", "count")} == {"fullResultSize": 5, "from": 1, "count": 2}
    assert [v["name"] for v in page["values"]] == ["B", "C"]
    assert page["versionDigest"]


def test_sorting_takes_a_comma_list_with_minus_for_descending(api: Api) -> None:
    customers(api, "B", "A", "C")
    names = [v["name"] for v in api.get("/customer", sorting="-name").json()["values"]]
    assert names == ["C", "B", "A"]


def test_sorting_by_a_dotted_sub_field_follows_the_reference(api: Api) -> None:
    for name, city in (("X", "Oslo"), ("Y", "Bergen"), ("Z", "Tromsø")):
        post(api, "/customer", {"name": name, "postalAddress": {"city": city}})
    names = [v["name"] for v in api.get("/customer", sorting="postalAddress.city").json()["values"]]
    assert names == ["Y", "X", "Z"]
    descending = [v["name"] for v in api.get("/customer", sorting="-postalAddress.city,name").json()["values"]]
    assert descending == ["Z", "X", "Y"]


def test_a_malformed_sorting_is_422_code_17000(api: Api) -> None:
    answer = api.get("/customer", sorting="name;drop")
    assert (answer.status_code, answer.json()["code"]) == (422, 17000)


def test_fields_select_and_expand_references(api: Api) -> None:
    category = post(api, "/customer/category", {"name": "Nøkkel", "number": "1"}).json()["value"]
    created = post(api, "/customer", {"name": "Acme", "category1": {"id": category["id"]}}).json()["value"]
    assert created["category1"] == {"id": category["id"], "url": f"{BASE}/customer/category/{category['id']}"}
    slim = api.get(f"/customer/{created['id']}", fields="id,name").json()["value"]
    assert slim == {"id": created["id"], "name": "Acme"}
    expanded = api.get(f"/customer/{created['id']}", fields="*,category1(name)").json()["value"]
    assert expanded["category1"] == {"name": "Nøkkel"} and expanded["customerNumber"]


def test_fields_naming_a_field_the_model_lacks_is_400_code_11000_on_get_and_search(api: Api) -> None:
    created = customers(api, "Acme")[0]
    for answer in (api.get(f"/customer/{created['id']}", fields="id,xyz"), api.get("/customer", fields="xyz")):
        body = answer.json()
        assert (answer.status_code, body["code"]) == (400, 11000)
        assert body["message"] == ("Illegal field in fields filter: xyz. xyz does not match a field in the model: "
                                   "CustomerDTO")


def test_fields_naming_a_nested_field_the_referenced_model_lacks_is_400_code_11000(api: Api) -> None:
    for path, fields, model in (("/order", "id,project(nope)", "ProjectDTO"),
                                ("/customer", "*,category1(name,nope)", "CustomerCategoryDTO"),
                                ("/token/session/>whoAmI", "employee(id,nope)", "EmployeeDTO")):
        answer = api.get(path, fields=fields)
        assert (answer.status_code, answer.json()["code"]) == (400, 11000), path
        assert answer.json()["message"].endswith(f"nope does not match a field in the model: {model}")


def test_fields_with_stars_and_known_nested_fields_still_answer_200(api: Api) -> None:
    dates = {"orderDateFrom": "2026-01-01", "orderDateTo": "2027-01-01"}
    for path, fields, params in (("/order", "*,project(*),customer(name,postalAddress(city))", dates),
                                 ("/customer", "id,version,url,changes", {}),
                                 ("/token/session/>whoAmI", WHOAMI_FIELDS, {})):
        assert api.get(path, fields=fields, **params).status_code == 200, (path, fields)


def test_an_inline_address_is_stored_and_expandable(api: Api) -> None:
    created = post(api, "/customer", {"name": "A", "postalAddress": {"addressLine1": "Gate 1", "city": "Bergen"}})
    value = created.json()["value"]
    assert set(value["postalAddress"]) == {"id", "url"}
    city = api.get(f"/customer/{value['id']}", fields="postalAddress(city)").json()["value"]
    assert city == {"postalAddress": {"city": "Bergen"}}


def test_filters_by_kind_in_eq_contains_and_changed_since(api: Api) -> None:
    a, _, c = customers(api, "Alfa Bygg", "Beta Bygg", "Gamma Mat")
    by_ids = api.get("/customer", id=f"{a['id']},{c['id']}").json()["values"]
    assert {v["name"] for v in by_ids} == {"Alfa Bygg", "Gamma Mat"}
    assert [v["name"] for v in api.get("/customer", email="beta.bygg@example.no").json()["values"]] == ["Beta Bygg"]
    assert len(api.get("/customer", customerName="BYGG").json()["values"]) == 2
    assert api.get("/customer", changedSince="2999-01-01T00:00:00").json()["fullResultSize"] == 0
    assert api.get("/customer", changedSince="2000-01-01T00:00:00").json()["fullResultSize"] == 3


def test_contains_ignores_case_in_norwegian_letters_too(api: Api) -> None:
    customers(api, "Ærlig Øl på Ås AS", "Bryggen AS")
    for typed in ("ærlig øl på ås", "ÆRLIG ØL PÅ ÅS", "Øl På"):
        assert [v["name"] for v in api.get("/customer", customerName=typed).json()["values"]] == ["Ærlig Øl på Ås AS"]


def test_is_inactive_filters_active_and_inactive_objects(api: Api) -> None:
    _, dormant = customers(api, "Aktiv", "Sovende")
    api.http.put(f"/v2/customer/{dormant['id']}", json={"version": 0, "isInactive": True}, headers=api.auth)
    names = {flag: [v["name"] for v in api.get("/customer", isInactive=flag).json()["values"]]
             for flag in ("true", "false")}
    assert names == {"true": ["Sovende"], "false": ["Aktiv"]}


def test_changed_since_compares_with_the_time_of_the_last_change_in_oslo_time(api: Api) -> None:
    customers(api, "Kunde")  # the test clock stands at 2026-11-25 12:00 Oslo time (11:00 UTC)
    found = {when: api.get("/customer", changedSince=when).json()["fullResultSize"]
             for when in ("2026-11-25T11:59:59", "2026-11-25T12:00:01", "2026-11-25T11:30:00Z", "2026-11-25")}
    assert found == {"2026-11-25T11:59:59": 1, "2026-11-25T12:00:01": 0, "2026-11-25T11:30:00Z": 0,
                     "2026-11-25": 1}


def test_a_malformed_changed_since_is_422_naming_it(api: Api) -> None:
    body = api.get("/customer", changedSince="yesterday").json()
    assert body["status"] == 422 and [m["field"] for m in body["validationMessages"]] == ["changedSince"]


def test_date_ranges_are_inclusive_from_and_exclusive_to(api: Api) -> None:
    customer = customers(api, "Kunde")[0]
    for day in ("2026-01-01", "2026-01-15", "2026-02-01"):
        post(api, "/order", {"customer": {"id": customer["id"]}, "orderDate": day, "deliveryDate": day})
    found = api.get("/order", orderDateFrom="2026-01-01", orderDateTo="2026-02-01").json()["values"]
    assert [o["orderDate"] for o in found] == ["2026-01-01", "2026-01-15"]


def test_a_missing_required_query_parameter_is_422_naming_it(api: Api) -> None:
    body = api.get("/order", orderDateFrom="2026-01-01").json()
    assert body["status"] == 422 and [m["field"] for m in body["validationMessages"]] == ["orderDateTo"]


def test_a_malformed_query_value_is_422_naming_it(api: Api) -> None:
    body = api.get("/order", orderDateFrom="01.01.2026", orderDateTo="2026-02-01").json()
    assert body["status"] == 422 and body["validationMessages"][0]["field"] == "orderDateFrom"


def test_put_is_a_partial_update_that_bumps_the_version(api: Api) -> None:
    created = customers(api, "Acme")[0]
    answer = api.http.put(f"/v2/customer/{created['id']}", json={"version": 0, "phoneNumber": "22 00 00 00"},
                          headers=api.auth)
    value = answer.json()["value"]
    assert answer.status_code == 200
    assert (value["version"], value["name"], value["phoneNumber"]) == (1, "Acme", "22 00 00 00")


def test_stale_version_is_rejected_with_409_code_8000(api: Api) -> None:
    created = customers(api, "Acme")[0]
    api.http.put(f"/v2/customer/{created['id']}", json={"version": 0, "name": "B"}, headers=api.auth)
    answer = api.http.put(f"/v2/customer/{created['id']}", json={"version": 0, "name": "C"}, headers=api.auth)
    assert (answer.status_code, answer.json()["code"]) == (409, 8000)


def test_delete_answers_204_and_then_the_object_is_404_code_6000(api: Api) -> None:
    created = customers(api, "Acme")[0]
    assert api.http.delete(f"/v2/customer/{created['id']}", headers=api.auth).status_code == 204
    answer = api.get(f"/customer/{created['id']}")
    assert (answer.status_code, answer.json()["code"]) == (404, 6000)


def test_unknown_paths_are_404_and_wrong_methods_405(api: Api) -> None:
    assert api.get("/nothing/here").status_code == 404
    assert api.http.post("/v2/invoice/1/:send", headers=api.auth).status_code == 405


def test_malformed_json_is_422_code_22000(api: Api) -> None:
    answer = api.http.post("/v2/customer", content=b"{name: nope", headers=api.auth)
    assert (answer.status_code, answer.json()["code"]) == (422, 22000)


def test_each_bad_field_gets_its_own_validation_message(api: Api) -> None:
    answer = post(api, "/customer", {"email": "not-an-email", "invoiceSendMethod": "PIGEON", "fixedPrice": 1})
    messages = {m["field"]: m["message"] for m in answer.json()["validationMessages"]}
    assert answer.status_code == 422
    assert set(messages) == {"name", "email", "invoiceSendMethod", "fixedPrice"}
    assert "eksisterer ikke" in messages["fixedPrice"]


def test_a_malformed_date_in_a_body_is_422_naming_the_field(api: Api) -> None:
    customer = customers(api, "Kunde")[0]
    body = post(api, "/order", {"customer": {"id": customer["id"]}, "orderDate": "25.11.2026",
                                "deliveryDate": "2026-02-30"}).json()
    assert body["status"] == 422
    assert {m["field"] for m in body["validationMessages"]} == {"orderDate", "deliveryDate"}


def test_a_boolean_version_is_a_type_error_not_a_stale_version(api: Api) -> None:
    created = customers(api, "Acme")[0]
    answer = api.http.put(f"/v2/customer/{created['id']}", json={"version": True, "name": "B"}, headers=api.auth)
    assert (answer.status_code, answer.json()["validationMessages"][0]["field"]) == (422, "version")


def test_a_value_of_the_wrong_type_is_422_code_16000(api: Api) -> None:
    body = post(api, "/customer", {"name": "A", "customerNumber": "ten"}).json()
    assert body["code"] == 16000 and body["validationMessages"][0]["field"] == "customerNumber"


def test_a_reference_to_a_missing_object_is_refused_on_its_id(api: Api) -> None:
    body = post(api, "/customer", {"name": "A", "category1": {"id": 999}}).json()
    assert body["status"] == 422 and body["validationMessages"][0]["field"] == "category1.id"


def test_a_customer_number_in_use_is_refused(api: Api) -> None:
    post(api, "/customer", {"name": "A", "customerNumber": 20000})
    body = post(api, "/customer", {"name": "B", "customerNumber": 20000}).json()
    assert body["validationMessages"][0]["field"] == "customerNumber"


def test_every_response_carries_a_request_id_that_error_bodies_repeat(api: Api) -> None:
    ok = api.get("/customer")
    error = api.get("/customer/424242")
    assert ok.headers["x-tlx-request-id"]
    assert error.json()["requestId"] == error.headers["x-tlx-request-id"]


def test_rate_limit_headers_on_every_response_and_429_once_exceeded(clock: Clock) -> None:
    backend = Backend(Store(), base_url=BASE, clock=clock, rate_limit=2, monotonic=lambda: 100.0)
    replies = [backend.handle(Request("GET", "/customer", headers={"authorization": "x"})) for _ in range(3)]
    assert [r.headers["X-Rate-Limit-Remaining"] for r in replies] == ["1", "0", "0"]
    assert replies[2].status == 429 and replies[2].headers["X-Rate-Limit-Limit"] == "2"
    assert replies[0].headers["X-Rate-Limit-Reset"] == "60"


def test_the_rate_limit_opens_again_when_its_period_has_passed(clock: Clock) -> None:
    seconds = [100.0]
    backend = Backend(Store(), base_url=BASE, clock=clock, rate_limit=1, rate_period=10, monotonic=lambda: seconds[0])
    ask = lambda: backend.handle(Request("GET", "/customer", headers={"authorization": "x"}))  # noqa: E731
    assert [ask().status, ask().status] == [401, 429]
    seconds[0] = 106.2
    assert ask().headers["X-Rate-Limit-Reset"] == "4"
    seconds[0] = 110.0
    reply = ask()
    assert (reply.status, reply.headers["X-Rate-Limit-Remaining"]) == (401, "0")


def test_an_unchanged_search_answers_304_to_its_version_digest(api: Api) -> None:
    customers(api, "A")
    digest = api.http.get("/v2/customer", headers={**api.auth, "If-None-Match": "0"}).json()["versionDigest"]
    headers = {**api.auth, "If-None-Match": digest}
    assert api.http.get("/v2/customer", headers=headers).status_code == 304
    customers(api, "B")
    assert api.http.get("/v2/customer", headers=headers).status_code == 200


def test_a_new_company_has_the_standard_reference_data(api: Api) -> None:
    numbers = {a["number"]: a for a in api.get("/ledger/account", count=1000).json()["values"]}
    assert {1500, 1920, 2400, 2700, 2710, 3000, 4000, 5000, 6300, 7700} <= set(numbers)
    assert numbers[1500]["ledgerType"] == "CUSTOMER" and numbers[1920]["isBankAccount"]
    vat = {v["number"]: v["percentage"] for v in api.get("/ledger/vatType").json()["values"]}
    assert (vat["3"], vat["31"], vat["33"], vat["0"], vat["1"]) == (25.0, 15.0, 12.0, 0.0, 25.0)
    assert {"5", "6", "11", "13"} <= set(vat)
    assert len(api.get("/product/unit/master").json()["values"]) >= 8
    assert api.get("/invoice/paymentType").json()["fullResultSize"] >= 2


def test_concurrent_writers_never_lose_an_update(clock: Clock) -> None:
    backend = Backend(Store(), base_url=BASE, clock=clock)
    api_company = backend.new_company(employee_token="t")
    from tripletex_connect.sandbox.defaults import CONSUMER_TOKEN

    session = backend.handle(Request("PUT", "/token/session/:create", [
        ("consumerToken", CONSUMER_TOKEN), ("employeeToken", "t"), ("expirationDate", "2026-11-27")]))
    import base64

    auth = {"authorization": "Basic " + base64.b64encode(f"0:{session.body['value']['token']}".encode()).decode()}
    created = backend.handle(Request("POST", "/customer", headers=auth, body=b'{"name": "Teller"}')).body["value"]
    wins: list[int] = []

    def writer(n: int) -> None:
        for _ in range(20):
            while True:
                current = backend.handle(Request("GET", f"/customer/{created['id']}", headers=auth)).body["value"]
                body = f'{{"version": {current["version"]}, "description": "{n}"}}'.encode()
                reply = backend.handle(Request("PUT", f"/customer/{created['id']}", headers=auth, body=body))
                if reply.status == 200:
                    wins.append(n)
                    break
                assert reply.status == 409

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    final = backend.handle(Request("GET", f"/customer/{created['id']}", headers=auth)).body["value"]
    assert final["version"] == len(wins) == 80
    assert api_company.company_id


def test_an_internal_failure_is_a_500_envelope_without_internals(api: Api, monkeypatch: Any) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret stack detail")

    monkeypatch.setattr(api.backend.engine, "get", explode)
    answer = api.get("/customer/1")
    body = answer.json()
    assert (answer.status_code, body["code"]) == (500, 1000)
    assert "secret" not in answer.text and body["requestId"] == answer.headers["x-tlx-request-id"]


def test_sorting_by_a_field_the_model_lacks_is_422_code_17000(api: Api) -> None:
    answer = api.get("/customer", sorting="-nosuchfield")
    body = answer.json()
    assert (answer.status_code, body["code"]) == (422, 17000)
    assert "nosuchfield" in body["validationMessages"][0]["message"]
