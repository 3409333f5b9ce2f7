"""The spec's `/list` operations: every item through its single-item rules, all or nothing, a bad item named by
its index; the SDK's create_many / update_many / delete_many on them."""

from __future__ import annotations

from typing import Any

import pytest

from tests.sandbox.conftest import Api
from tests.sandbox.rules_helpers import locations, messages
from tripletex_connect import BatchError, Tripletex, catalog
from tripletex_connect.sandbox.rules.batch import is_list_operation, single

PROJECT_WORK, GENERAL = 2, 1


def call(api: Api, method: str, path: str, body: Any = None, **params: Any) -> Any:
    return api.http.request(method, "/v2" + path, json=body, params=params, headers=api.auth)


def project_body(api: Api, name: str) -> dict[str, Any]:
    return {"name": name, "projectManager": {"id": api.company.employee_id}, "startDate": "2026-11-01",
            "projectActivities": [{"activity": {"id": PROJECT_WORK}}]}


def entry(api: Api, **changes: Any) -> dict[str, Any]:
    return {"employee": {"id": api.company.employee_id}, "activity": {"id": GENERAL}, "date": "2026-11-20",
            "hours": 1.0, **changes}


def hours_on(api: Api, date_from: str = "2026-11-01", date_to: str = "2026-12-01") -> list[dict[str, Any]]:
    answer = call(api, "GET", "/timesheet/entry", dateFrom=date_from, dateTo=date_to)
    return list(answer.json()["values"])


def test_every_list_operation_of_the_catalog_has_a_single_item_operation() -> None:
    lists = [op for op in catalog.all_operations() if is_list_operation(op)]
    assert {"timesheet_entry.create_many", "timesheet_entry.update_many", "project.create_many",
            "project.update_many", "project.delete_many", "ledger_account.create_many", "activity.create_many",
            "order.create_many", "customer.update_many"} <= {op.key for op in lists}
    for op in lists:
        assert single(op.key).method == op.method and single(op.key).path.startswith(op.path[: -len("/list")])


def test_post_timesheet_entry_list_is_all_or_nothing_and_names_the_bad_items_index(api: Api) -> None:
    body = [entry(api, date="2026-11-18"), entry(api, date="2026-11-19", hours=25.0), entry(api, date="2026-11-20")]
    answer = call(api, "POST", "/timesheet/entry/list", body)
    assert answer.status_code == 422
    assert "[1].hours" in locations(answer.json()) and "24 timer" in messages(answer.json())["hours"]
    assert hours_on(api) == []  # the good items were not written either
    made = call(api, "POST", "/timesheet/entry/list", [entry(api, date="2026-11-18"), entry(api, date="2026-11-19")])
    assert made.status_code == 201, made.text
    assert [v["date"] for v in made.json()["values"]] == ["2026-11-18", "2026-11-19"]


def test_a_duplicate_inside_one_list_is_refused_as_when_sent_one_by_one(api: Api) -> None:
    answer = call(api, "POST", "/timesheet/entry/list", [entry(api), entry(api, hours=2.0)])
    assert answer.status_code == 422 and "[1].date" in locations(answer.json())
    assert hours_on(api) == []


def test_put_timesheet_entry_list_updates_every_item_or_none(api: Api) -> None:
    made = call(api, "POST", "/timesheet/entry/list", [entry(api, date="2026-11-18"), entry(api, date="2026-11-19")])
    first, second = made.json()["values"]
    stale = call(api, "PUT", "/timesheet/entry/list", [{"id": first["id"], "hours": 3.0},
                                                        {"id": second["id"], "version": 99, "hours": 4.0}])
    assert stale.status_code == 409 and "[1]" in locations(stale.json())
    assert sorted(h["hours"] for h in hours_on(api)) == [1.0, 1.0]
    done = call(api, "PUT", "/timesheet/entry/list", [{"id": first["id"], "hours": 3.0},
                                                      {"id": second["id"], "hours": 4.0}], fields="id,hours")
    assert done.status_code == 200, done.text
    assert done.json()["values"] == [{"id": first["id"], "hours": 3.0}, {"id": second["id"], "hours": 4.0}]
    missing_id = call(api, "PUT", "/timesheet/entry/list", [{"hours": 5.0}])
    assert missing_id.status_code == 422 and "[0].id" in locations(missing_id.json())


def test_project_list_creates_updates_and_deletes_all_or_nothing(api: Api) -> None:
    made = call(api, "POST", "/project/list", [project_body(api, "A"), project_body(api, "B")])
    assert made.status_code == 201, made.text
    a, b = made.json()["values"]
    renamed = call(api, "PUT", "/project/list", [{"id": a["id"], "name": "A2"}, {"id": b["id"], "name": "B2"}])
    assert [p["name"] for p in renamed.json()["values"]] == ["A2", "B2"]
    call(api, "POST", "/timesheet/entry", entry(api, project={"id": b["id"]}, activity={"id": PROJECT_WORK}))
    refused = call(api, "DELETE", "/project/list", ids=f"{a['id']},{b['id']}")
    assert refused.status_code == 422 and "[1]" in locations(refused.json())
    assert call(api, "GET", f"/project/{a['id']}").status_code == 200  # the first delete was rolled back
    assert call(api, "DELETE", "/project/list", ids=str(a["id"])).status_code == 204
    assert call(api, "GET", f"/project/{a['id']}").status_code == 404


def test_ledger_account_and_activity_lists(api: Api) -> None:
    made = call(api, "POST", "/ledger/account/list", [{"number": 6391, "name": "Ny A"}, {"number": 6392, "name": "B"}])
    assert made.status_code == 201, made.text
    clash = call(api, "POST", "/ledger/account/list", [{"number": 6393, "name": "C"}, {"number": 6391, "name": "D"}])
    assert clash.status_code == 422 and "[1].number" in locations(clash.json())
    assert call(api, "GET", "/ledger/account", number="6393").json()["values"] == []
    ids = ",".join(str(v["id"]) for v in made.json()["values"])
    assert call(api, "DELETE", "/ledger/account/list", ids=ids).status_code == 204
    activities = call(api, "POST", "/activity/list", [{"name": "Kurs", "activityType": "GENERAL_ACTIVITY"},
                                                      {"name": "Oppgave", "activityType": "TASK"}])
    assert activities.status_code == 201 and [a["isTask"] for a in activities.json()["values"]] == [False, True]


def test_voucher_list_updates_through_the_voucher_rules(api: Api) -> None:
    def voucher(amount: float) -> int:
        answer = call(api, "POST", "/ledger/voucher", {"date": "2026-11-02", "description": "V", "postings": [
            {"account": {"number": 6300}, "amountGross": amount},
            {"account": {"number": 1920}, "amountGross": -amount}]})
        return int(answer.json()["value"]["id"])

    first, second = voucher(100.0), voucher(200.0)
    unbalanced = call(api, "PUT", "/ledger/voucher/list", [
        {"id": first, "description": "Ny"},
        {"id": second, "postings": [{"row": 1, "account": {"number": 6300}, "amountGross": 5.0}]}])
    assert unbalanced.status_code == 422 and "[1].postings" in locations(unbalanced.json())
    done = call(api, "PUT", "/ledger/voucher/list", [{"id": first, "description": "Ny"},
                                                     {"id": second, "description": "Nyere"}])
    assert [v["description"] for v in done.json()["values"]] == ["Ny", "Nyere"]


def test_order_list_takes_at_most_100_orders(api: Api) -> None:
    customer = call(api, "POST", "/customer", {"name": "K"}).json()["value"]["id"]
    order = {"customer": {"id": customer}, "orderDate": "2026-11-02", "deliveryDate": "2026-11-02"}
    assert call(api, "POST", "/order/list", [order] * 101).status_code == 422
    assert call(api, "POST", "/order/list", [order] * 2).status_code == 201


def test_the_sdk_writes_many_entries_and_projects_and_reports_the_bad_item(tx: Tripletex) -> None:
    me = tx.employees.search(first_name="Ola").first()
    assert me is not None
    base = {"employee": {"id": me.id}, "activity": {"id": GENERAL}, "hours": 1.0}
    made = tx.timesheet_entries.create_many([{**base, "date": "2026-11-16"}, {**base, "date": "2026-11-17"}])
    assert [e.date for e in made] == ["2026-11-16", "2026-11-17"]
    updated = tx.timesheet_entries.update_many([{"id": e.id, "version": e.version, "hours": 2.0} for e in made])
    assert [e.hours for e in updated] == [2.0, 2.0]
    with pytest.raises(BatchError) as failed:  # the list is refused whole; the SDK then finds the bad item
        tx.timesheet_entries.create_many([{**base, "date": "2026-11-18"}, {**base, "date": "2026-11-16"}])
    assert [f.index for f in failed.value.failures] == [1] and len(failed.value.created) == 1
    projects = tx.projects.create_many([{"name": n, "projectManager": {"id": me.id}, "startDate": "2026-11-01"}
                                        for n in ("X", "Y")])
    tx.projects.delete_many(ids=[p.id for p in projects])
    assert tx.projects.search(id=[p.id for p in projects]).to_list() == []


@pytest.mark.parametrize("key", sorted(op.key for op in catalog.all_operations() if is_list_operation(op)))
def test_every_list_operation_is_served_and_an_unknown_item_is_named_by_its_index(api: Api, key: str) -> None:
    op = catalog.get(key)
    if op.kind.value == "delete":
        answer = call(api, "DELETE", op.path, ids="999999")
        assert answer.status_code == 404
        if key not in api.backend.actions:  # a list operation with its own action names items its own way
            assert locations(answer.json()) == ["[0]"]
        return
    assert call(api, op.method, op.path, []).status_code == (201 if op.method == "POST" else 200)
    if op.method == "PUT":
        unknown = call(api, "PUT", op.path, [{"id": 999999, "version": 0}])
        assert unknown.status_code == 404 and locations(unknown.json()) == ["[0]"]
