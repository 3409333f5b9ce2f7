"""Answers like the real Tripletex's: `fields` on the answers of writes and actions, the fields the API
always shows for an object, Norwegian alphabetical sorting, and the session answer's references."""

from __future__ import annotations

from typing import Any

from tripletex_connect import Tripletex
from tripletex_connect.sandbox import SandboxCompany
from tripletex_connect.sandbox.store import Store, sort_key

from .conftest import BASE, Api


def post(api: Api, path: str, body: Any, **params: str) -> Any:
    return api.http.post("/v2" + path, json=body, params=params, headers=api.auth)


def put(api: Api, path: str, body: Any = None, **params: str) -> Any:
    return api.http.put("/v2" + path, json=body, params=params, headers=api.auth)


# 1. `fields` on writes and actions


def test_fields_narrow_the_answer_of_a_create(api: Api) -> None:
    answer = post(api, "/customer", {"name": "Fjord AS"}, fields="id,name")
    assert answer.status_code == 201
    assert set(answer.json()["value"]) == {"id", "name"}


def test_fields_narrow_and_expand_the_answer_of_an_update(api: Api) -> None:
    made = post(api, "/product", {"name": "Kaffe", "number": "10"}).json()["value"]
    answer = put(api, f"/product/{made['id']}", {"version": 0, "name": "Kaffe 1 kg"}, fields="name,vatType(number)")
    assert answer.status_code == 200
    assert answer.json()["value"] == {"name": "Kaffe 1 kg", "vatType": {"number": "3"}}


def test_fields_narrow_each_answer_of_a_list_create(api: Api) -> None:
    answer = post(api, "/customer/list", [{"name": "A"}, {"name": "B"}], fields="name")
    assert [v for v in answer.json()["values"]] == [{"name": "A"}, {"name": "B"}]


def test_fields_narrow_the_answer_of_an_action(api: Api) -> None:
    relative = put(api, "/ledger/vatType/createRelativeVatType", name="Halv", vatTypeId="3", percentage="50",
                   fields="id,percentage")
    assert relative.status_code == 200, relative.text
    assert set(relative.json()["value"]) == {"id", "percentage"}


def test_fields_naming_a_field_the_model_lacks_is_400_code_11000_on_create_update_and_action(api: Api) -> None:
    created = post(api, "/project", {"name": "P"}, fields="id,fixedPrice")
    assert (created.status_code, created.json()["code"]) == (400, 11000)
    assert "fixedPrice" in created.json()["validationMessages"][0]["message"]
    assert api.get("/project").json()["fullResultSize"] == 0  # refused before anything was written
    made = post(api, "/customer", {"name": "C"}).json()["value"]
    updated = put(api, f"/customer/{made['id']}", {"version": 0, "name": "D"}, fields="nosuch")
    assert (updated.status_code, updated.json()["code"]) == (400, 11000)
    assert api.get(f"/customer/{made['id']}").json()["value"]["name"] == "C"
    action = put(api, "/ledger/vatType/createRelativeVatType", name="Halv", vatTypeId="3", percentage="50",
                 fields="rate")
    assert (action.status_code, action.json()["code"]) == (400, 11000)


# 2. Fields the real API always shows


def test_a_new_product_answers_zero_prices_active_nok_and_its_display_name(api: Api) -> None:
    value = post(api, "/product", {"name": "Kaffe", "number": "1001"}).json()["value"]
    assert value["priceExcludingVatCurrency"] == 0 and value["costExcludingVatCurrency"] == 0
    assert value["isInactive"] is False and value["isStockItem"] is False
    assert value["currency"] == {"id": 1, "url": f"{BASE}/currency/1"}
    assert value["displayName"] == "1001 Kaffe"
    assert post(api, "/product", {"name": "Te"}).json()["value"]["displayName"] == "Te"


def test_a_new_customer_answers_its_number_language_send_method_and_flags(api: Api) -> None:
    value = post(api, "/customer", {"name": "Fjord AS"}).json()["value"]
    assert value["customerNumber"] == 10000
    assert (value["language"], value["invoiceSendMethod"]) == ("NO", "EMAIL")
    assert value["isPrivateIndividual"] is False and value["isSupplier"] is False and value["isCustomer"] is True
    assert value["currency"]["id"] == 1 and value["displayName"] == "Fjord AS"
    assert value["bankAccounts"] == []


def test_a_new_supplier_is_a_supplier_in_norwegian_and_nok(api: Api) -> None:
    value = post(api, "/supplier", {"name": "Leverandør AS"}).json()["value"]
    assert (value["isSupplier"], value["isCustomer"], value["language"]) == (True, False, "NO")
    assert value["currency"]["id"] == 1


def test_a_new_project_answers_number_name_as_display_name_and_empty_lists(api: Api) -> None:
    employee = api.get("/employee").json()["values"][0]["id"]
    value = post(api, "/project", {"name": "Nybygg", "projectManager": {"id": employee},
                                   "startDate": "2026-11-01"}).json()["value"]
    assert value["displayName"] == f"{value['number']} Nybygg"
    assert value["isClosed"] is False and value["isInternal"] is False
    assert value["participants"] == [] and value["projectActivities"] == []


def test_a_display_name_follows_a_rename(api: Api) -> None:
    made = post(api, "/product", {"name": "Kaffe", "number": "7"}).json()["value"]
    renamed = put(api, f"/product/{made['id']}", {"version": 0, "name": "Espresso"}).json()["value"]
    assert renamed["displayName"] == "7 Espresso"


def test_a_field_asked_for_by_name_answers_its_default(api: Api) -> None:
    made = post(api, "/product", {"name": "Kaffe"}).json()["value"]
    value = api.get(f"/product/{made['id']}", fields="id,isStockItem,weight,displayName").json()["value"]
    assert value == {"id": made["id"], "isStockItem": False, "weight": 0, "displayName": "Kaffe"}


def test_a_voucher_answers_its_number_and_postings(api: Api) -> None:
    accounts = {a["number"]: a["id"] for a in api.get("/ledger/account", number="1920,3000").json()["values"]}
    value = post(api, "/ledger/voucher", {"date": "2026-11-20", "description": "Salg", "postings": [
        {"account": {"id": accounts[1920]}, "amountGross": 100, "amountGrossCurrency": 100},
        {"account": {"id": accounts[3000]}, "amountGross": -100, "amountGrossCurrency": -100},
    ]}).json()["value"]
    assert value["number"] >= 1 and value["year"] == 2026
    assert [set(p) for p in value["postings"]] == [{"id", "url"}, {"id", "url"}]


# 3. Norwegian alphabetical order


def test_sorting_by_name_puts_ae_oe_aa_after_z_and_ignores_case(api: Api) -> None:
    for name in ("Åsen", "Zeta", "Øst", "alfa", "Ærlig", "Beta", "Alfa", "Éclair"):
        post(api, "/customer", {"name": name})
    names = [v["name"] for v in api.get("/customer", sorting="name").json()["values"]]
    assert names[:2] in (["alfa", "Alfa"], ["Alfa", "alfa"])
    assert names[2:] == ["Beta", "Éclair", "Zeta", "Ærlig", "Øst", "Åsen"]
    descending = [v["name"] for v in api.get("/customer", sorting="-name").json()["values"]]
    assert descending[:3] == ["Åsen", "Øst", "Ærlig"]


def test_sorting_by_a_dotted_text_field_is_norwegian_too(api: Api) -> None:
    for name, city in (("X", "Ålesund"), ("Y", "bergen"), ("Z", "Oslo")):
        post(api, "/customer", {"name": name, "postalAddress": {"city": city}})
    names = [v["name"] for v in api.get("/customer", sorting="postalAddress.city").json()["values"]]
    assert names == ["Y", "Z", "X"]


def test_numbers_and_dates_still_sort_as_numbers_and_dates(api: Api) -> None:
    for number in (10010, 9, 200):
        post(api, "/customer", {"name": f"K{number}", "customerNumber": number})
    numbers = [v["customerNumber"] for v in api.get("/customer", sorting="customerNumber").json()["values"]]
    assert numbers == [9, 200, 10010]


def test_the_sort_key_orders_norwegian_letters_after_z_and_folds_case_and_accents() -> None:
    words = ["Åsen", "zeta", "Øst", "Ærlig", "alfa", "Ångström", "ære", "Ecole", "école", "Ødegård", "Aa"]
    assert sorted(words, key=lambda w: (sort_key(w), w)) == [
        "Aa", "alfa", "Ecole", "école", "zeta", "ære", "Ærlig", "Ødegård", "Øst", "Ångström", "Åsen"]
    assert sort_key(42) == 42 and sort_key(None) is None


def _name_order_plan(store: Store) -> str:
    with store.read() as tx:
        return tx.plan(1, "Customer", [], [], ["tx_sortkey(json_extract(data, '$.name'))"],
                       flags=[("json_extract(data, '$.isInactive')", False)])


def _indexes(store: Store, table: str) -> list[str]:
    with store.read() as tx:
        return [r[0] for r in tx.conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", (table,))]


def test_once_customers_are_searched_the_first_page_sorted_by_name_is_read_off_an_index(api: Api) -> None:
    store = api.backend.store
    post(api, "/customer", {"name": "Fjord AS"})
    assert not any("tx_sortkey" in sql for sql in _indexes(store, "o_Customer"))  # nothing has searched them yet
    assert api.get("/customer", sorting="name").status_code == 200  # type: ignore[attr-defined]
    plan = _name_order_plan(store)
    assert "o_Customer_name" in plan and "TEMP B-TREE" not in plan, plan


def test_a_type_is_indexed_when_first_searched_and_written_before_that_without_indexes(api: Api) -> None:
    store = api.backend.store
    post(api, "/customer", {"name": "Fjord AS", "email": "post@fjord.no"})
    assert not any("json_extract" in sql for sql in _indexes(store, "o_Customer"))  # only written so far
    with store.transaction() as tx:  # a rule's own search (not the API's) makes them as well
        tx.search(api.company.company_id, "Product", [], [], [], 0, 1)
    assert any("'$.number'" in sql for sql in _indexes(store, "o_Product"))
    found = api.get("/customer", email="post@fjord.no").json()["values"]  # type: ignore[attr-defined]
    assert [c["name"] for c in found] == ["Fjord AS"]
    made = _indexes(store, "o_Customer")
    assert any("'$.email'" in sql for sql in made) and any("'$.organizationNumber'" in sql for sql in made)


def test_an_index_made_in_a_search_that_fails_is_made_again_by_the_next_search() -> None:
    store = Store()
    with store.transaction() as tx:
        tx.insert(1, "Customer", {"name": "A"}, "2026-11-25T12:00:00")
    try:
        with store.transaction() as tx:
            tx.layout.declare([("Customer", "email")])
            raise RuntimeError("the search failed")
    except RuntimeError:
        pass
    assert not any("'$.email'" in sql for sql in _indexes(store, "o_Customer"))  # rolled back with it
    with store.transaction() as tx:
        tx.layout.declare([("Customer", "email")])
    assert any("'$.email'" in sql for sql in _indexes(store, "o_Customer"))


# 4. Shapes the spec's types cannot check


def test_a_new_session_answers_its_url_and_its_tokens_as_references(api: Api) -> None:
    answer = api.http.put("/v2/token/session/:create", params={
        "consumerToken": "sandbox-consumer-token", "employeeToken": api.company.employee_token,
        "expirationDate": "2026-11-27"})
    value = answer.json()["value"]
    assert value["url"] == f"{BASE}/token/session/{value['id']}"
    assert set(value["consumerToken"]) == {"id", "url"} and set(value["employeeToken"]) == {"id", "url"}
    assert value["employeeToken"]["url"] == f"{BASE}/token/employee/{value['employeeToken']['id']}"


def test_a_put_command_answers_200_and_a_post_that_creates_answers_201(tripletex_sandbox: SandboxCompany) -> None:
    tx = tripletex_sandbox.client
    me = tx.employees.search(first_name="Ola").first()
    assert me is not None
    month = tx.request("PUT", "/timesheet/month/:complete", params={"employeeIds": me.id, "monthYear": "2026-10"},
                       raw=True)
    assert month.status_code == 200 and month.json()["values"][0]["completed"] is True
    made = tx.request("POST", "/ledger/voucher/historical/historical", raw=True, json=[{
        "date": "2024-06-30", "description": "Åpningsbalanse",
        "postings": [{"account": {"id": _account(tx, 1920)}, "amount": 500.0, "amountGross": 500.0},
                     {"account": {"id": _account(tx, 2000)}, "amount": -500.0, "amountGross": -500.0}]}])
    assert made.status_code == 201, made.text


def _account(tx: Tripletex, number: int) -> int:
    account = tx.ledger_accounts.search(number=[number]).first()
    assert account is not None and account.id is not None
    return account.id
