"""Every request the SDK sends and every response the sandbox returns, for the implemented modules,
validated against the official spec."""

from __future__ import annotations

import json

import httpx
import pytest

from tripletex_connect import APIError, Tripletex, catalog
from tripletex_connect.sandbox import SandboxCompany, routes

from .openapi import RecordingTransport, assert_all_valid


def customer_flow(tx: Tripletex) -> None:
    """Every customer module, with the references and field selections users send."""
    tx.whoami()
    category = tx.customer_categories.create({"name": "Nøkkel", "number": "1", "type": 1})
    created = tx.customers.create({
        "name": "Fjord AS", "email": "post@fjord.no", "organizationNumber": "987654321",
        "category1": {"id": category.id}, "postalAddress": {"addressLine1": "Kaien 1", "city": "Bergen"},
    })
    tx.customers.update(created.id, {"version": created.version, "phoneNumber": "55 00 00 00"})
    tx.customers.get(created.id)
    tx.customers.get(created.id, fields="*,category1(name),postalAddress(*)")
    list(tx.customers.search(customer_name="fjord", is_inactive=False, sorting="-name", page_size=1))
    list(tx.customers.search(id=[created.id], fields="id,name"))
    made = tx.customers.create_many([{"name": "Batch 1"}, {"name": "Batch 2"}])
    tx.customers.update_many([{"id": c.id, "version": c.version, "email": "batch@fjord.no"} for c in made])
    tx.customers.delete(created.id)


def category_flow(tx: Tripletex) -> None:
    """Every customer category module, and the companies an accountant can act for."""
    category = tx.customer_categories.create({"name": "Bedrift", "number": "2", "description": "B2B", "type": 2})
    tx.customer_categories.update(category.id, {"version": 0, "name": "Bedriftskunder"})
    tx.customer_categories.get(category.id)
    list(tx.customer_categories.search(name="bedrift", type=[2]))
    list(tx.companies.with_login_access())


def test_customer_modules_follow_the_spec(recorded: tuple[Tripletex, RecordingTransport]) -> None:
    tx, recorder = recorded
    customer_flow(tx)
    assert_all_valid(recorder)


def test_customer_category_modules_follow_the_spec(recorded: tuple[Tripletex, RecordingTransport]) -> None:
    tx, recorder = recorded
    category_flow(tx)
    assert_all_valid(recorder)


def test_sessions_and_refused_logins_follow_the_spec(
    recorded: tuple[Tripletex, RecordingTransport], tripletex_sandbox: SandboxCompany
) -> None:
    tx, recorder = recorded
    tx.whoami()
    created = [json.loads(r.content)["value"]["token"] for q, r in recorder.exchanges if q.url.path.endswith(":create")]
    tx.session.delete(created[-1])
    tx.whoami()  # the deleted session answers 401; the SDK logs in again
    stranger = Tripletex(tripletex_sandbox.consumer_token, tripletex_sandbox.employee_token, company_id=424242,
                         base_url=tripletex_sandbox.base_url, http_client=httpx.Client(transport=recorder))
    with pytest.raises(APIError):
        stranger.customers.search().first()
    assert {r.status_code for _, r in recorder.exchanges} >= {200, 204, 401, 403}
    assert_all_valid(recorder)


COVERED = ("session.", "company.", "customer.", "customer_category.")


def test_the_traffic_covers_every_session_company_customer_and_category_operation(
    recorded: tuple[Tripletex, RecordingTransport],
) -> None:
    tx, recorder = recorded
    customer_flow(tx)
    category_flow(tx)
    token = [json.loads(r.content)["value"]["token"] for q, r in recorder.exchanges if q.url.path.endswith(":create")]
    tx.session.delete(token[-1])
    exercised = set()
    for request, _ in recorder.exchanges:
        found = routes.match(request.method, request.url.path.split("/v2", 1)[1])
        assert isinstance(found, tuple), request.url
        exercised.add(found[0].key)
    wanted = {op.key for op in catalog.all_operations() if op.key.startswith(COVERED)}
    assert wanted <= exercised, f"not exercised: {sorted(wanted - exercised)}"
    assert_all_valid(recorder)


def test_error_answers_follow_the_spec(recorded: tuple[Tripletex, RecordingTransport]) -> None:
    tx, recorder = recorded
    created = tx.customers.create({"name": "A"})
    tx.customers.update(created.id, {"version": 0, "name": "B"})
    for attempt in (
        lambda: tx.customers.get(999999),
        lambda: tx.customers.create({"name": "", "email": "nope"}),
        lambda: tx.customers.update(created.id, {"version": 0, "name": "C"}),
    ):
        with pytest.raises(APIError):
            attempt()
    assert [r.status_code for _, r in recorder.exchanges[-3:]] == [404, 422, 409]
    assert_all_valid(recorder)


def test_reference_data_searches_follow_the_spec(recorded: tuple[Tripletex, RecordingTransport]) -> None:
    tx, recorder = recorded
    for resource in ("ledger_accounts", "vat_types", "invoice_payment_types", "product_units",
                     "product_unit_masters", "external_products"):
        list(getattr(tx, resource).search(limit=50))
    assert_all_valid(recorder)


def test_sales_modules_follow_the_spec(recorded: tuple[Tripletex, RecordingTransport]) -> None:
    from tripletex_connect.sandbox.reference import BANK_ACCOUNT

    tx, recorder = recorded
    bank = tx.ledger_accounts.search(number=[1920]).first()
    assert bank is not None
    tx.ledger_accounts.update(bank.id, {"version": bank.version, "bankAccountNumber": BANK_ACCOUNT})
    product = tx.products.create({"name": "Kaffe", "number": "K1", "priceExcludingVatCurrency": 100.0})
    tx.products.update(product.id, {"version": 0, "description": "Mørkbrent"})
    list(tx.products.search(name="kaffe", product_number=["K1"], price_excluding_vat_currency_from=50))
    customer = tx.customers.create({"name": "Kunde AS"})
    order = tx.orders.create({"customer": {"id": customer.id}, "orderDate": "2026-11-20", "deliveryDate": "2026-11-20",
                              "orderLines": [{"product": {"id": product.id}, "count": 2}]})
    tx.order_lines.create({"order": {"id": order.id}, "description": "Frakt", "unitPriceExcludingVatCurrency": 99.0})
    list(tx.orders.search(order_date_from="2026-11-01", order_date_to="2026-12-01", customer_id=[customer.id]))
    invoice = tx.orders.invoice(order.id, invoice_date="2026-11-21")
    tx.invoices.payment(invoice.id, payment_date="2026-11-22", payment_type_id=1, paid_amount=100.0)
    tx.invoices.get(invoice.id)
    list(tx.invoices.search(invoice_date_from="2026-11-01", invoice_date_to="2026-12-01"))
    tx.invoices.credit_note(invoice.id, date="2026-11-23")
    list(tx.postings.search(date_from="2026-11-01", date_to="2026-12-01"))
    list(tx.product_units.search(name=["Stykk"]))
    tx.logistics_settings.get()
    list(tx.product_prices.search(product_id=[product.id], show_only_last_price=True))
    warehouse = tx.inventories.search(is_main_inventory=True).first()
    assert warehouse is not None
    tx.product_inventory_locations.create({"product": {"id": product.id}, "inventory": {"id": warehouse.id}})
    assert_all_valid(recorder)
