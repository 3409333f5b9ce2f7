"""Change tracking: `fields=*,changes`, versions that move on every write, and `If-None-Match` on lists."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tripletex_connect.sandbox import changes
from tripletex_connect.sandbox.changes import NO_DIGEST
from tripletex_connect.sandbox.reference import BANK_ACCOUNT
from tripletex_connect.sandbox.store import Store

from .conftest import Api


def post(api: Api, path: str, body: Any) -> dict[str, Any]:
    answer = api.http.post("/v2" + path, json=body, headers=api.auth)
    assert answer.status_code == 201, answer.text
    return answer.json()["value"]  # type: ignore[no-any-return]


def put(api: Api, path: str, body: Any = None, **params: Any) -> dict[str, Any]:
    answer = api.http.put("/v2" + path, json=body, params=params, headers=api.auth)
    assert answer.status_code == 200, answer.text
    return answer.json()["value"]  # type: ignore[no-any-return]


def get(api: Api, path: str, **params: Any) -> dict[str, Any]:
    answer = api.http.get("/v2" + path, params=params, headers=api.auth)
    assert answer.status_code == 200, answer.text
    return answer.json()  # type: ignore[no-any-return]


def employee_id(api: Api) -> int:
    return int(get(api, "/token/session/>whoAmI")["value"]["employeeId"])


def test_changes_list_who_created_and_updated_an_object_and_when(api: Api) -> None:
    customer = post(api, "/customer", {"name": "Acme AS"})
    api.clock.now += dt.timedelta(hours=1)
    put(api, f"/customer/{customer['id']}", {"version": 0, "email": "post@acme.no"})
    value = get(api, f"/customer/{customer['id']}", fields="*,changes")["value"]
    me = employee_id(api)
    assert [(c["changeType"], c["employeeId"]) for c in value["changes"]] == [("CREATE", me), ("UPDATE", me)]
    first, second = (dt.datetime.fromisoformat(c["timestamp"]) for c in value["changes"])
    assert second - first == dt.timedelta(hours=1)


def test_changes_come_only_when_asked_for(api: Api) -> None:
    customer = post(api, "/customer", {"name": "Acme AS"})
    assert "changes" not in get(api, f"/customer/{customer['id']}")["value"]
    assert "changes" not in get(api, f"/customer/{customer['id']}", fields="*")["value"]
    assert get(api, "/customer", fields="id,changes")["values"][0]["changes"][0]["changeType"] == "CREATE"


def test_an_object_created_and_changed_in_one_request_has_one_create(api: Api) -> None:
    customer = post(api, "/customer", {"name": "Kunde AS"})
    order = post(api, "/order", {"customer": {"id": customer["id"]}, "orderDate": "2026-11-20",
                                 "deliveryDate": "2026-11-20", "orderLines": [{"description": "Arbeid", "count": 1}]})
    changes = get(api, f"/order/{order['id']}", fields="changes")["value"]["changes"]
    assert [c["changeType"] for c in changes] == ["CREATE"]


def invoiced_order(api: Api) -> tuple[dict[str, Any], dict[str, Any]]:
    bank = get(api, "/ledger/account", number="1920")["values"][0]
    put(api, f"/ledger/account/{bank['id']}", {"version": bank["version"], "bankAccountNumber": BANK_ACCOUNT})
    customer = post(api, "/customer", {"name": "Kunde AS"})
    order = post(api, "/order", {"customer": {"id": customer["id"]}, "orderDate": "2026-11-20",
                                 "deliveryDate": "2026-11-20",
                                 "orderLines": [{"description": "Arbeid", "count": 2,
                                                 "unitPriceExcludingVatCurrency": 100}]})
    invoice = put(api, f"/order/{order['id']}/:invoice", invoiceDate="2026-11-20")
    return order, invoice


def test_actions_move_the_version_of_what_they_change_and_record_an_update(api: Api) -> None:
    order, invoice = invoiced_order(api)
    assert get(api, f"/order/{order['id']}")["value"]["version"] > order["version"]
    paid = put(api, f"/invoice/{invoice['id']}/:payment", paymentDate="2026-11-21", paymentTypeId=1,
               paidAmount=invoice["amount"])
    assert paid["version"] == invoice["version"] + 1
    changes = get(api, f"/invoice/{invoice['id']}", fields="changes")["value"]["changes"]
    assert [c["changeType"] for c in changes] == ["CREATE", "UPDATE"]


def test_an_inline_change_of_a_referenced_object_moves_its_version(api: Api) -> None:
    customer = post(api, "/customer", {"name": "Acme AS", "postalAddress": {"addressLine1": "Gata 1"}})
    address_id = customer["postalAddress"]["id"]
    put(api, f"/customer/{customer['id']}", {"version": 0, "postalAddress": {"id": address_id,
                                                                            "addressLine1": "Gata 2"}})
    address = get(api, f"/customer/{customer['id']}", fields="postalAddress(*)")["value"]["postalAddress"]
    assert (address["addressLine1"], address["version"]) == ("Gata 2", 1)


def test_lists_without_if_none_match_say_so_in_the_version_digest(api: Api) -> None:
    post(api, "/customer", {"name": "A"})
    assert get(api, "/customer")["versionDigest"] == NO_DIGEST


def test_if_none_match_answers_304_until_something_changes_and_then_a_new_digest(api: Api) -> None:
    customer = post(api, "/customer", {"name": "A"})

    def ask(digest: str) -> Any:
        return api.http.get("/v2/customer", params={"fields": "id,name"}, headers={**api.auth, "If-None-Match": digest})

    first = ask("none").json()["versionDigest"]
    assert first != NO_DIGEST
    assert [ask(first).status_code for _ in range(3)] == [304, 304, 304]
    put(api, f"/customer/{customer['id']}", {"version": 0, "name": "B"})
    changed = ask(first)
    assert changed.status_code == 200 and changed.json()["values"][0]["name"] == "B"
    second = changed.json()["versionDigest"]
    assert second != first and ask(second).status_code == 304


def test_an_empty_list_answers_304_too_and_not_after_a_first_object(api: Api) -> None:
    headers = {**api.auth, "If-None-Match": "x"}
    digest = api.http.get("/v2/supplier", headers=headers).json()["versionDigest"]
    headers["If-None-Match"] = digest
    assert api.http.get("/v2/supplier", headers=headers).status_code == 304
    post(api, "/supplier", {"name": "Leverandør AS"})
    assert api.http.get("/v2/supplier", headers=headers).status_code == 200


def test_reads_and_failed_writes_leave_the_digest_alone(api: Api) -> None:
    customer = post(api, "/customer", {"name": "A"})
    headers = {**api.auth, "If-None-Match": "x"}
    digest = api.http.get("/v2/customer", headers=headers).json()["versionDigest"]
    headers["If-None-Match"] = digest
    get(api, f"/customer/{customer['id']}")
    stale = api.http.put(f"/v2/customer/{customer['id']}", json={"version": 7, "name": "Z"}, headers=api.auth)
    assert stale.status_code == 409
    assert api.http.get("/v2/customer", headers=headers).status_code == 304


def test_a_transaction_of_more_objects_than_one_insert_holds_records_each_change_in_order() -> None:
    store = Store()
    changes.install(store)
    with store.transaction() as tx:
        ids = [tx.insert(1, "Customer", {"name": f"K{i}"}, "2026-01-02T03:04:05").id for i in range(2345)]
        changes.record(tx, 7, "2026-01-02T03:04:05")
    with store.read() as tx:
        assert changes.changes_of(tx, 1, "Customer", ids[-1]) == [
            {"employeeId": 7, "timestamp": "2026-01-02T03:04:05", "changeType": "CREATE"}]
        recorded = [r[0] for r in tx.conn.execute("SELECT id FROM changes ORDER BY rowid")]
    assert recorded == ids
