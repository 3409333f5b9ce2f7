"""Vouchers as the real API books them: customers on receivables, suppliers on supplier debt, row 0 the system's."""

from __future__ import annotations

from typing import Any

import pytest

from tests.sandbox.conftest import Api
from tests.sandbox.rules_helpers import by_field, locations, messages
from tripletex_connect import Tripletex, ValidationError


def voucher(*postings: dict[str, Any]) -> dict[str, Any]:
    return {"date": "2026-05-04", "description": "Test", "postings": list(postings)}


def post(api: Api, body: Any) -> Any:
    return api.http.post("/v2/ledger/voucher", json=body, headers=api.auth)


def create(api: Api, path: str, body: dict[str, Any]) -> int:
    answer = api.http.post("/v2" + path, json=body, headers=api.auth)
    assert answer.status_code == 201, answer.text
    return int(answer.json()["value"]["id"])


def test_a_posting_on_a_receivable_account_without_a_customer_is_refused_kunde_mangler(api: Api) -> None:
    answer = post(api, voucher({"account": {"number": 1500}, "amountGross": 100.0},
                               {"account": {"number": 3000}, "amountGross": -100.0}))
    assert answer.status_code == 422
    assert messages(answer.json())["postings.customer.id"].startswith("Kunde mangler")
    assert "postings[0].customer.id" in locations(answer.json())
    customer = create(api, "/customer", {"name": "Kunde AS"})
    ok = post(api, voucher({"account": {"number": 1500}, "amountGross": 100.0, "customer": {"id": customer}},
                           {"account": {"number": 3000}, "amountGross": -100.0}))
    assert ok.status_code == 201, ok.text


def test_a_posting_on_supplier_debt_without_a_supplier_is_refused_leverandor_mangler(api: Api) -> None:
    answer = post(api, voucher({"account": {"number": 6800}, "amountGross": 100.0},
                               {"account": {"number": 2400}, "amountGross": -100.0}))
    assert answer.status_code == 422
    assert messages(answer.json())["postings.supplier.id"].startswith("Leverandør mangler")
    assert "postings[1].supplier.id" in locations(answer.json())
    supplier = create(api, "/supplier", {"name": "Leverandør AS"})
    ok = post(api, voucher({"account": {"number": 6800}, "amountGross": 100.0},
                           {"account": {"number": 2400}, "amountGross": -100.0, "supplier": {"id": supplier}}))
    assert ok.status_code == 201, ok.text


def test_a_posting_on_row_0_is_refused_on_postings_row_because_row_0_is_the_systems(api: Api) -> None:
    answer = post(api, voucher({"row": 0, "account": {"number": 6300}, "amountGross": 100.0},
                               {"row": 1, "account": {"number": 1920}, "amountGross": -100.0}))
    assert answer.status_code == 422
    assert "rad 0" in messages(answer.json())["postings.row"]
    assert "postings[0].row" in locations(answer.json())


def test_the_sdk_reports_every_missing_party_at_once(tx: Tripletex) -> None:
    with pytest.raises(ValidationError) as refused:
        tx.vouchers.create(voucher({"account": {"number": 1500}, "amountGross": 100.0},
                                   {"account": {"number": 2400}, "amountGross": -100.0}))
    assert refused.value.status == 422
    found = by_field(refused.value)
    assert "Kunde mangler" in found["postings.customer.id"] and "Leverandør mangler" in found["postings.supplier.id"]


def test_an_update_sending_back_the_system_row_0_postings_regenerates_them(tx: Tripletex) -> None:
    input_vat = tx.vat_types.search(number=["1"]).first()
    assert input_vat is not None
    made = tx.vouchers.create(voucher({"row": 1, "account": {"number": 6800}, "amountGross": 1250.0,
                                       "vatType": {"id": input_vat.id}},
                                      {"row": 2, "account": {"number": 1920}, "amountGross": -1250.0}))
    stored = [tx.postings.get(p.id) for p in made.postings or []]
    sent = [{"row": p.row, "account": {"id": p.account.id}, "amountGross": p.amount_gross,  # type: ignore[union-attr]
             **({"vatType": {"id": p.vat_type.id}} if p.vat_type and p.vat_type.id else {})} for p in stored]
    assert 0 in [p["row"] for p in sent]
    updated = tx.vouchers.update(made.id, {"postings": sent})
    rows = sorted((tx.postings.get(p.id).row or 0) for p in updated.postings or [])
    assert rows == [0, 1, 2]  # one VAT line, made again by the system, not two


def vat_numbers(api: Api, **params: object) -> list[str]:
    answer = api.http.get("/v2/ledger/vatType", params={"fields": "number,name", "count": 1000, **params},
                          headers=api.auth)
    assert answer.status_code == 200, answer.text
    return [v.get("number") or v["name"] for v in answer.json()["values"]]


def test_vat_types_are_listed_by_type_of_vat(api: Api) -> None:
    everything = vat_numbers(api)
    outgoing, incoming = vat_numbers(api, typeOfVat="OUTGOING"), vat_numbers(api, typeOfVat="INCOMING")
    assert {"3", "31", "33", "5", "6"} <= set(outgoing) and not {"1", "11", "13"} & set(outgoing)
    assert {"1", "11", "13"} <= set(incoming) and not {"3", "31", "33"} & set(incoming)
    assert vat_numbers(api, typeOfVat="PROJECT") == outgoing
    assert vat_numbers(api, typeOfVat="INCOMING_INVOICE") == incoming
    assert sorted(vat_numbers(api, typeOfVat="LEDGER")) == sorted(everything)
    bad = api.http.get("/v2/ledger/vatType", params={"typeOfVat": "SIDEWAYS"}, headers=api.auth)
    assert bad.status_code == 422 and "typeOfVat" in messages(bad.json())


def test_vat_date_with_type_of_vat_lists_only_the_types_valid_that_day(api: Api) -> None:
    parent = api.http.get("/v2/ledger/vatType", params={"number": "1"}, headers=api.auth).json()["values"][0]
    made = api.http.put("/v2/ledger/vatType/createRelativeVatType", headers=api.auth,
                        params={"name": "Halv", "vatTypeId": parent["id"], "percentage": 50})
    assert made.status_code == 200, made.text  # the clock says 2026-11-25
    assert "Halv" in vat_numbers(api, typeOfVat="INCOMING", vatDate="2026-11-25")
    assert "Halv" in vat_numbers(api, typeOfVat="INCOMING")  # vatDate defaults to today
    assert "Halv" not in vat_numbers(api, typeOfVat="INCOMING", vatDate="2026-11-24")
    assert "Halv" not in vat_numbers(api, typeOfVat="OUTGOING", vatDate="2026-11-25")  # of its parent's kind
    assert "Halv" in vat_numbers(api, vatDate="2026-01-01")  # vatDate counts only with typeOfVat
    bad = api.http.get("/v2/ledger/vatType", params={"typeOfVat": "INCOMING", "vatDate": "25.11.2026"},
                       headers=api.auth)
    assert bad.status_code == 422 and "vatDate" in messages(bad.json())


def test_the_sdk_searches_vat_types_by_type_of_vat(tx: Tripletex) -> None:
    numbers = [v.number for v in tx.vat_types.search(type_of_vat="OUTGOING", vat_date="2026-11-25")]
    assert "3" in numbers and "1" not in numbers
