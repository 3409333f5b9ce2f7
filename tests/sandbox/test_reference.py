"""The reference data of a new company: complete, consistent, and in the API's shape."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest

from tripletex_connect.models import field_types
from tripletex_connect.sandbox.reference import BANK_ACCOUNT, company_reference, demo_seed, is_valid_norwegian_account
from tripletex_connect.sandbox.reference.demo import WRITTEN_FOR, demo_vouchers

from .conftest import Api

REFERENCE = company_reference(2026)
WRITTEN = WRITTEN_FOR.isoformat()


@pytest.mark.parametrize("model", sorted({*REFERENCE, *demo_seed(WRITTEN)}))
def test_every_field_exists_in_the_spec_schema_and_ids_are_unique(model: str) -> None:
    objects = REFERENCE.get(model, []) + demo_seed(WRITTEN).get(model, [])
    known = set(field_types(model))
    for obj in objects:
        assert set(obj) <= known, f"{model}: {set(obj) - known}"
    reference_ids = [o["id"] for o in REFERENCE.get(model, [])]
    assert len(reference_ids) == len(set(reference_ids))


def test_references_point_to_existing_objects() -> None:
    data = {model: {o["id"] for o in objs} for model, objs in REFERENCE.items()}
    for model, objects in {**REFERENCE, **demo_seed(WRITTEN)}.items():
        specs = field_types(model)
        for obj in objects:
            for name, value in obj.items():
                if specs[name].kind == "ref" and isinstance(value, dict) and specs[name].ref in data:
                    assert value["id"] in data[specs[name].ref], f"{model}.{name} -> {value}"


def test_the_standard_accounts_and_vat_types_are_there() -> None:
    accounts = {a["number"]: a for a in REFERENCE["Account"]}
    assert accounts[1500]["name"] == "Kundefordringer" and accounts[1500]["ledgerType"] == "CUSTOMER"
    assert accounts[2400]["ledgerType"] == "VENDOR" and accounts[1920]["isBankAccount"]
    assert {1209, 1249, 1259, 1700, 1720, 2700, 2710, 2900, 3000, 4000, 5000, 6010, 6300, 7700, 8060, 8160,
            8800} <= set(accounts)
    vat = {v["number"]: v["percentage"] for v in REFERENCE["VatType"]}
    assert {k: vat[k] for k in ("0", "1", "11", "13", "3", "31", "33", "5", "6")} == {
        "0": 0.0, "1": 25.0, "11": 15.0, "13": 12.0, "3": 25.0, "31": 15.0, "33": 12.0, "5": 0.0, "6": 0.0}


def test_accounting_periods_cover_three_years_without_gaps_or_overlaps() -> None:
    periods = sorted(REFERENCE["AccountingPeriod"], key=lambda p: p["start"])
    assert len(periods) == 36
    assert periods[0]["start"] == "2025-01-01" and periods[-1]["end"] == "2028-01-01"
    for before, after in itertools.pairwise(periods):
        assert before["end"] == after["start"]
        assert dt.date.fromisoformat(before["start"]) < dt.date.fromisoformat(before["end"])
    assert [a["year"] for a in REFERENCE["AnnualAccount"]] == [2025, 2026, 2027]


def test_the_demo_bank_account_number_passes_mod_11_and_a_wrong_digit_fails() -> None:
    assert is_valid_norwegian_account(BANK_ACCOUNT)
    assert not is_valid_norwegian_account(BANK_ACCOUNT[:-1] + str((int(BANK_ACCOUNT[-1]) + 1) % 10))
    assert not is_valid_norwegian_account("1234")


def test_reference_data_is_deterministic() -> None:
    assert company_reference(2026) == REFERENCE


def stored(api: Api, company_id: int, model: str) -> list[dict[str, Any]]:
    with api.backend.store.transaction() as tx:
        return [row.full() for row in tx.search(company_id, model, [], [], [], 0, 10_000)[1]]


def test_a_new_company_is_set_up_with_every_reference_list(api: Api) -> None:
    company = api.company.company_id
    assert {"NOK", "EUR", "USD", "SEK", "DKK"} <= {c["code"] for c in stored(api, company, "Currency")}
    assert {"NO", "SE", "DK"} <= {c["isoAlpha2Code"] for c in stored(api, company, "Country")}
    voucher_types = {v["name"] for v in stored(api, company, "VoucherType")}
    assert {"Utgående faktura", "Leverandørfaktura", "Manuelt bilag"} <= voucher_types
    assert stored(api, company, "Department")
    assert "Prosjektarbeid" in {a["name"] for a in stored(api, company, "Activity")}
    starts = sorted(p["start"] for p in stored(api, company, "AccountingPeriod"))
    assert (len(starts), starts[0], starts[-1]) == (36, "2025-01-01", "2027-12-01")  # the clock is in 2026
    assert sorted(a["year"] for a in stored(api, company, "AnnualAccount")) == [2025, 2026, 2027]


def test_the_reference_lists_with_routes_answer_through_the_api(api: Api) -> None:
    for path in ("/invoice/paymentType", "/product/unit", "/product/unit/master", "/ledger/vatType", "/ledger/account"):
        answer = api.get(path, count=1000)
        assert answer.status_code == 200 and answer.json()["values"], path
    who = api.get("/token/session/>whoAmI", fields="employee(firstName),company(name)").json()["value"]
    assert who["employee"]["firstName"] and who["company"]["name"]


def test_the_client_company_has_its_own_books(api: Api) -> None:
    client = api.company.client_company_id or 0
    assert len(stored(api, client, "Account")) == len(stored(api, api.company.company_id, "Account"))
    assert stored(api, client, "Company")[0]["name"] != stored(api, api.company.company_id, "Company")[0]["name"]


def test_the_demo_seed_adds_customers_products_projects_orders_hours_and_balanced_vouchers(api: Api) -> None:
    demo = api.backend.new_company(employee_token="demo-token", seed="demo")
    auth = api.session(employee_token=demo.employee_token)

    def values(path: str, **params: object) -> list[dict[str, Any]]:
        return api.http.get("/v2" + path, params={"count": 1000, **params}, headers=auth).json()["values"]  # type: ignore[no-any-return]

    assert len(values("/customer")) == 8 and len(values("/product")) == 10
    orders = values("/order", orderDateFrom="2026-01-01", orderDateTo="2027-01-01",
                    fields="customer(name),orderLines(amountExcludingVatCurrency)")
    assert len(orders) == 4
    assert all(line["amountExcludingVatCurrency"] > 0 for order in orders for line in order["orderLines"])
    postings = values("/ledger/posting", dateFrom="2026-01-01", dateTo="2027-01-01", fields="amountGross,voucher")
    assert postings and abs(sum(p["amountGross"] for p in postings)) < 0.005
    with api.backend.store.transaction() as tx:
        hours = tx.search(demo.company_id, "TimesheetEntry", [], [], [], 0, 100)[1]
        projects = tx.search(demo.company_id, "Project", [], [], [], 0, 100)[0]
    assert projects == 3 and len(hours) >= 5 and all(h.data["hours"] > 0 for h in hours)
    created = api.http.post("/v2/customer", json={"name": "Ny"}, headers=auth).json()["value"]
    assert created["customerNumber"] == 10009  # numbering continues after the demo customers


def test_the_demo_data_moves_with_the_day_it_is_seeded_on() -> None:
    a_year_on = "2027-11-25"  # 365 days later: every date keeps its month and day
    written, later = demo_seed(WRITTEN), demo_seed(a_year_on)
    assert [h["date"] for h in later["TimesheetEntry"]] == [
        h["date"].replace("2026-", "2027-") for h in written["TimesheetEntry"]]
    assert [o["orderDate"] for o in later["Order"]] == [
        o["orderDate"].replace("2026-", "2027-") for o in written["Order"]]
    assert demo_vouchers(a_year_on)[0][0] == "2027-01-02" and demo_vouchers(WRITTEN)[0][0] == "2026-01-02"
    assert later["Account"] == written["Account"]  # no date in it: the bank account number is left alone
