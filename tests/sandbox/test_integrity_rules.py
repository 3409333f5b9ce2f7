"""Referential integrity: what invoices, orders, postings or hours refer to stays, as in the real API."""

from __future__ import annotations

from typing import Any

import pytest

from tests.sandbox.conftest import Api
from tests.sandbox.rules_helpers import messages
from tripletex_connect import Tripletex, ValidationError

PROJECT_WORK = 2


def create(api: Api, path: str, body: dict[str, Any]) -> int:
    answer = api.http.post("/v2" + path, json=body, headers=api.auth)
    assert answer.status_code == 201, answer.text
    return int(answer.json()["value"]["id"])


def delete(api: Api, path: str) -> Any:
    return api.http.delete("/v2" + path, headers=api.auth)


def refusal(answer: Any) -> str:
    assert answer.status_code == 422, answer.text
    return str(answer.json()["validationMessages"][0]["message"])


def account_id(api: Api, number: int) -> int:
    found = api.http.get("/v2/ledger/account", params={"number": str(number)}, headers=api.auth).json()["values"]
    return int(found[0]["id"])


def book(api: Api, *postings: dict[str, Any]) -> None:
    create(api, "/ledger/voucher", {"date": "2026-11-02", "description": "Test", "postings": list(postings)})


def order(api: Api, customer: int, **changes: Any) -> int:
    return create(api, "/order", {"customer": {"id": customer}, "orderDate": "2026-11-02",
                                  "deliveryDate": "2026-11-02", **changes})


def test_a_customer_on_an_order_is_not_deleted_and_an_unused_one_is(api: Api) -> None:
    used, unused = create(api, "/customer", {"name": "Brukt AS"}), create(api, "/customer", {"name": "Ubrukt AS"})
    order(api, used)
    message = refusal(delete(api, f"/customer/{used}"))
    assert message.startswith("Kunden kan ikke slettes") and "ordrer" in message and "inaktiv" in message
    assert api.get(f"/customer/{used}").status_code == 200  # type: ignore[attr-defined]
    assert delete(api, f"/customer/{unused}").status_code == 204


def test_a_customer_on_postings_is_not_deleted(api: Api) -> None:
    customer = create(api, "/customer", {"name": "Postert AS"})
    book(api, {"account": {"number": 1500}, "amountGross": 100.0, "customer": {"id": customer}},
         {"account": {"number": 3000}, "amountGross": -100.0})
    assert "posteringer" in refusal(delete(api, f"/customer/{customer}"))


def test_a_supplier_on_postings_is_not_deleted_and_an_unused_one_is(api: Api) -> None:
    used, unused = create(api, "/supplier", {"name": "Brukt"}), create(api, "/supplier", {"name": "Ubrukt"})
    book(api, {"account": {"number": 6800}, "amountGross": 100.0},
         {"account": {"number": 2400}, "amountGross": -100.0, "supplier": {"id": used}})
    assert refusal(delete(api, f"/supplier/{used}")).startswith("Leverandøren kan ikke slettes")
    assert delete(api, f"/supplier/{unused}").status_code == 204


def test_a_product_on_postings_is_not_deleted(api: Api) -> None:
    product = create(api, "/product", {"name": "Vare"})
    book(api, {"account": {"number": 4000}, "amountGross": 100.0, "product": {"id": product}},
         {"account": {"number": 1920}, "amountGross": -100.0})
    assert "posteringer" in refusal(delete(api, f"/product/{product}"))


def test_a_project_on_an_order_is_not_deleted(api: Api) -> None:
    project = create(api, "/project", {"name": "P", "projectManager": {"id": api.company.employee_id},
                                       "startDate": "2026-11-01"})
    order(api, create(api, "/customer", {"name": "K"}), project={"id": project})
    assert "ordrer" in refusal(delete(api, f"/project/{project}"))


def test_an_account_with_postings_is_not_deleted_and_an_unused_one_is(api: Api) -> None:
    book(api, {"account": {"number": 6300}, "amountGross": 100.0}, {"account": {"number": 1920}, "amountGross": -100.0})
    assert refusal(delete(api, f"/ledger/account/{account_id(api, 6300)}")).startswith("Kontoen kan ikke slettes")
    unused = create(api, "/ledger/account", {"number": 6399, "name": "Ny konto"})
    assert delete(api, f"/ledger/account/{unused}").status_code == 204


def test_an_employee_cannot_be_deleted_at_all(api: Api) -> None:
    answer = delete(api, f"/employee/{api.company.employee_id}")
    assert answer.status_code in (405, 501)  # the real API has no DELETE /employee/{id}
    assert api.get(f"/employee/{api.company.employee_id}").status_code == 200  # type: ignore[attr-defined]


def test_an_order_whose_customer_is_gone_cannot_be_invoiced(api: Api) -> None:
    customer = create(api, "/customer", {"name": "Borte AS"})
    made = order(api, customer)
    with api.backend.store.transaction() as tx:  # gone behind the API's back (the API itself refuses it)
        tx.delete(api.company.company_id, "Customer", customer)
    answer = api.http.put(f"/v2/order/{made}/:invoice", params={"invoiceDate": "2026-11-03"}, headers=api.auth)
    assert answer.status_code == 422
    assert "finnes ikke lenger" in messages(answer.json())["customer.id"]


def test_the_sdk_cannot_delete_an_invoiced_customer_or_its_product(tx: Tripletex) -> None:
    bank = tx.ledger_accounts.search(number=[1920]).first()
    assert bank is not None
    tx.ledger_accounts.update(bank.id, {"bankAccountNumber": "15030100007"})
    customer = tx.customers.create({"name": "Fakturert AS"})
    product = tx.products.create({"name": "Time", "priceExcludingVatCurrency": 100.0})
    made = tx.orders.create({"customer": {"id": customer.id}, "orderDate": "2026-11-02", "deliveryDate": "2026-11-02",
                             "orderLines": [{"product": {"id": product.id}, "count": 1}]})
    tx.orders.invoice(made.id, invoice_date="2026-11-02")
    with pytest.raises(ValidationError) as refused:
        tx.customers.delete(customer.id)
    assert refused.value.status == 422
    message = refused.value.validation_messages[0].message
    assert all(what in message for what in ("ordrer", "fakturaer", "posteringer"))
    with pytest.raises(ValidationError):
        tx.products.delete(product.id)
    assert tx.customers.get(customer.id).name == "Fakturert AS"
