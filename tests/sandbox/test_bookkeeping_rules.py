"""Vouchers as the real API books them: customers on receivables, suppliers on supplier debt, row 0 the system's."""

from __future__ import annotations

from typing import Any

import pytest

from tests.sandbox.conftest import Api
from tests.sandbox.rules_helpers import by_field, locations, messages
from tripletex_connect import Tripletex, ValidationError
from tripletex_connect.sandbox import SandboxCompany


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


@pytest.fixture
def tx(tripletex_sandbox: SandboxCompany) -> Tripletex:
    return tripletex_sandbox.client


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
