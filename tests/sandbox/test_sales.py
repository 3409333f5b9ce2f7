"""Products, orders and invoicing in the sandbox, as the real API behaves (through the SDK)."""

from __future__ import annotations

from typing import Any

import pytest

from tripletex_connect import Tripletex, ValidationError
from tripletex_connect.sandbox import SandboxCompany
from tripletex_connect.sandbox.reference import BANK_ACCOUNT


def register_bank_account(tx: Tripletex) -> None:
    bank = tx.ledger_accounts.search(number=[1920]).first()
    assert bank is not None
    tx.ledger_accounts.update(bank.id, {"version": bank.version, "bankAccountNumber": BANK_ACCOUNT})


def order_with_lines(tx: Tripletex, *lines: dict[str, Any]) -> Any:
    customer = tx.customers.create({"name": "Kunde AS", "invoicesDueIn": 30})
    return tx.orders.create({"customer": {"id": customer.id}, "orderDate": "2026-11-20",
                             "deliveryDate": "2026-11-20", "orderLines": list(lines)})


@pytest.fixture
def tx(tripletex_sandbox: SandboxCompany) -> Tripletex:
    return tripletex_sandbox.client


def test_a_product_keeps_prices_with_and_without_vat_consistent(tx: Tripletex) -> None:
    product = tx.products.create({"name": "Kaffe", "number": "K1", "priceExcludingVatCurrency": 100.0})
    assert product.price_including_vat_currency == 125.0  # VAT type 3 (25 %) by default
    food = tx.vat_types.search(number=[31]).first()
    assert food is not None
    updated = tx.products.update(product.id, {"version": 0, "vatType": {"id": food.id},
                                              "priceIncludingVatCurrency": 230.0})
    assert (updated.price_excluding_vat_currency, updated.price_including_vat_currency) == (200.0, 230.0)


def test_a_second_product_with_the_same_number_is_refused(tx: Tripletex) -> None:
    tx.products.create({"name": "A", "number": "100"})
    with pytest.raises(ValidationError) as caught:
        tx.products.create({"name": "B", "number": "100"})
    assert caught.value.validation_messages[0].field == "number"


def test_a_product_on_an_order_line_cannot_be_deleted_but_an_unused_one_can(tx: Tripletex) -> None:
    used = tx.products.create({"name": "Brukt", "priceExcludingVatCurrency": 10.0})
    unused = tx.products.create({"name": "Ubrukt"})
    order_with_lines(tx, {"product": {"id": used.id}})
    with pytest.raises(ValidationError, match="ordrelinje"):
        tx.products.delete(used.id)
    tx.products.delete(unused.id)


def test_order_requires_customer_and_dates(tx: Tripletex) -> None:
    with pytest.raises(ValidationError) as caught:
        tx.orders.create({"orderLines": []})
    assert {m.field for m in caught.value.validation_messages} == {"customer", "orderDate", "deliveryDate"}


def test_line_amounts_are_computed_and_rounded_half_up(tx: Tripletex) -> None:
    product = tx.products.create({"name": "Time", "priceExcludingVatCurrency": 1250.0})
    order = order_with_lines(
        tx,
        {"product": {"id": product.id}, "count": 2, "discount": 10},
        {"description": "Småting", "unitPriceExcludingVatCurrency": 0.5, "count": 21},
    )
    lines = [tx.order_lines.get(ref.id) for ref in order.order_lines]
    assert [(line.amount_excluding_vat_currency, line.amount_including_vat_currency) for line in lines] == [
        (2250.0, 2812.5), (10.5, 13.13)]  # 13.125 rounds half up
    assert lines[0].order.id == order.id


def test_lines_can_be_added_one_by_one(tx: Tripletex) -> None:
    order = order_with_lines(tx)
    tx.order_lines.create({"order": {"id": order.id}, "description": "Ekstra", "unitPriceExcludingVatCurrency": 80})
    assert len(tx.orders.get(order.id).order_lines) == 1


def test_invoicing_needs_a_registered_bank_account_number(tx: Tripletex) -> None:
    order = order_with_lines(tx, {"description": "Arbeid", "unitPriceExcludingVatCurrency": 100.0})
    with pytest.raises(ValidationError, match="bankkontonummer ikke registrert"):
        tx.orders.invoice(order.id, invoice_date="2026-11-21")


def test_a_bank_account_number_must_pass_mod_11(tx: Tripletex) -> None:
    bank = tx.ledger_accounts.search(number=[1920]).first()
    assert bank is not None
    with pytest.raises(ValidationError) as caught:
        tx.ledger_accounts.update(bank.id, {"version": bank.version, "bankAccountNumber": "12345678901"})
    assert caught.value.validation_messages[0].field == "bankAccountNumber"


def test_an_order_without_lines_cannot_be_invoiced(tx: Tripletex) -> None:
    register_bank_account(tx)
    with pytest.raises(ValidationError, match="ordrelinjer"):
        tx.orders.invoice(order_with_lines(tx).id, invoice_date="2026-11-21")


def test_invoicing_an_order_posts_a_balanced_voucher(tx: Tripletex) -> None:
    register_bank_account(tx)
    order = order_with_lines(
        tx,
        {"description": "Rådgivning", "unitPriceExcludingVatCurrency": 14300.0},
        {"description": "Lunsj", "unitPriceExcludingVatCurrency": 1000.0,
         "vatType": {"id": tx.vat_types.search(number=[31]).first().id}},  # type: ignore[union-attr]
    )
    invoice = tx.orders.invoice(order.id, invoice_date="2026-11-21")
    assert (invoice.invoice_number, invoice.amount, invoice.amount_excluding_vat) == (1, 19025.0, 15300.0)
    assert (invoice.invoice_date, invoice.invoice_due_date, invoice.amount_outstanding) == (
        "2026-11-21", "2026-12-21", 19025.0)
    postings = tx.postings.search(date_from="2026-11-21", date_to="2026-11-22",
                                  fields="account(number),amountGross").to_list()
    booked: dict[int, float] = {}
    for p in postings:
        booked[p.account.number] = booked.get(p.account.number, 0.0) + p.amount_gross  # type: ignore[union-attr]
    assert booked == {1500: 19025.0, 3000: -15300.0, 2700: -3575.0, 2701: -150.0}
    assert sum(booked.values()) == 0
    with pytest.raises(ValidationError, match="allerede fakturert"):
        tx.orders.invoice(order.id, invoice_date="2026-11-21")


def test_a_payment_reduces_the_outstanding_amount_and_a_credit_note_reverses_the_invoice(tx: Tripletex) -> None:
    register_bank_account(tx)
    order = order_with_lines(tx, {"description": "Arbeid", "unitPriceExcludingVatCurrency": 1000.0})
    invoice = tx.orders.invoice(order.id, invoice_date="2026-11-21")
    paid = tx.invoices.payment(invoice.id, payment_date="2026-11-25", payment_type_id=1, paid_amount=250.0)
    assert paid.amount_outstanding == 1000.0
    note = tx.invoices.credit_note(invoice.id, date="2026-11-26")
    assert (note.is_credit_note, note.amount, note.credited_invoice) == (True, -1250.0, invoice.id)
    assert tx.invoices.get(invoice.id).is_credited
    postings = tx.postings.search(date_from="2026-11-01", date_to="2026-12-01", fields="amountGross").to_list()
    assert sum(p.amount_gross for p in postings) == 0  # type: ignore[misc]


def test_the_invoice_pdf_is_a_pdf_and_sending_is_accepted(tx: Tripletex, tmp_path: Any) -> None:
    register_bank_account(tx)
    invoice = tx.orders.invoice(order_with_lines(tx, {"description": "A", "unitPriceExcludingVatCurrency": 1.0}).id,
                                invoice_date="2026-11-21")
    pdf = tx.invoices.pdf(invoice.id)
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    tx.invoices.send(invoice.id, send_type="EMAIL")


def test_the_cli_invoices_an_order_and_writes_the_pdf(tripletex_sandbox: SandboxCompany, tmp_path: Any) -> None:
    import json

    from typer.testing import CliRunner

    from tripletex_connect.cli.main import app

    tx = tripletex_sandbox.client
    register_bank_account(tx)
    order = order_with_lines(tx, {"description": "Arbeid", "unitPriceExcludingVatCurrency": 100.0})
    env = {"TRIPLETEX_CONSUMER_TOKEN": tripletex_sandbox.consumer_token,
           "TRIPLETEX_EMPLOYEE_TOKEN": tripletex_sandbox.employee_token, "TRIPLETEX_CONFIG": str(tmp_path / "c.toml")}
    base = ["--base-url", tripletex_sandbox.base_url, "-o", "json"]
    invoiced = CliRunner().invoke(app, [*base, "orders", "invoice", str(order.id), "--invoice-date", "2026-11-21"],
                                  env=env)
    assert invoiced.exit_code == 0, invoiced.stderr
    invoice_id = json.loads(invoiced.stdout)["id"]
    target = tmp_path / "faktura.pdf"
    pdf = CliRunner().invoke(app, [*base, "invoices", "pdf", str(invoice_id), "--out", str(target)], env=env)
    assert pdf.exit_code == 0, pdf.stderr
    assert target.read_bytes().startswith(b"%PDF-")
    products = CliRunner().invoke(app, [*base, "products", "create", "--set", "name=Kaffe", "--set", "number=K9"],
                                  env=env)
    assert products.exit_code == 0 and json.loads(products.stdout)["number"] == "K9"


def test_product_prices_keep_the_history_and_show_only_the_last_on_request(tx: Tripletex) -> None:
    product = tx.products.create({"name": "Kaffe", "priceExcludingVatCurrency": 100.0})
    tx.products.update(product.id, {"version": 0, "priceExcludingVatCurrency": 120.0})
    history = tx.product_prices.search(product_id=[product.id]).to_list()
    assert [p.sales_price_excluding_vat for p in history] == [100.0, 120.0]
    assert history[0].to_date and not history[1].to_date
    last = tx.product_prices.search(product_id=[product.id], show_only_last_price=True).to_list()
    assert [p.sales_price_including_vat for p in last] == [150.0]


def test_a_new_company_has_a_main_warehouse_for_inventory_locations(tx: Tripletex) -> None:
    warehouse = tx.inventories.search(is_main_inventory=True).first()
    assert warehouse is not None and warehouse.name == "Hovedlager"
    product = tx.products.create({"name": "Kabel"})
    location = tx.product_inventory_locations.create({"product": {"id": product.id},
                                                      "inventory": {"id": warehouse.id}, "isMainLocation": True})
    found = tx.product_inventory_locations.search(product_id=[product.id]).to_list()
    assert [f.id for f in found] == [location.id]
