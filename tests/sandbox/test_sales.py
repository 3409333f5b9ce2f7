"""Products, orders and invoicing in the sandbox, as the real API behaves (through the SDK)."""

from __future__ import annotations

from typing import Any

import pytest

from tripletex_connect import BatchError, PermissionDeniedError, Tripletex, ValidationError
from tripletex_connect.sandbox import SandboxCompany
from tripletex_connect.sandbox.reference import BANK_ACCOUNT
from tripletex_connect.sandbox.rules.modules import LOGISTICS, turn_module
from tripletex_connect.sandbox.rules.money import money
from tripletex_connect.sandbox.server import Sandbox


def register_bank_account(tx: Tripletex) -> None:
    bank = tx.ledger_accounts.search(number=[1920]).first()
    assert bank is not None
    tx.ledger_accounts.update(bank.id, {"version": bank.version, "bankAccountNumber": BANK_ACCOUNT})


def order_with_lines(tx: Tripletex, *lines: dict[str, Any]) -> Any:
    customer = tx.customers.create({"name": "Kunde AS", "invoicesDueIn": 30})
    return tx.orders.create({"customer": {"id": customer.id}, "orderDate": "2026-11-20",
                             "deliveryDate": "2026-11-20", "orderLines": list(lines)})


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


def test_product_groups_and_logistics_settings_fail_without_the_logistics_module(
        tripletex_sandbox_server: Sandbox, tripletex_sandbox: SandboxCompany) -> None:
    tx = tripletex_sandbox.client
    assert tx.logistics_settings.get().id  # on by default
    turn_module(tripletex_sandbox_server.store, tripletex_sandbox.company_id, LOGISTICS, False)
    for call in (tx.logistics_settings.get, lambda: tx.product_groups.create({"name": "Drikke"}),
                 lambda: tx.product_groups.search().to_list()):
        with pytest.raises(PermissionDeniedError, match="Logistikk"):
            call()
    assert tx.products.create({"name": "Kaffe"}).id  # products need no logistics module
    turn_module(tripletex_sandbox_server.store, tripletex_sandbox.company_id, LOGISTICS, True)
    assert tx.product_groups.create({"name": "Drikke"}).id


def test_external_products_are_seeded_from_the_wholesalers(tx: Tripletex) -> None:
    everything = tx.external_products.search().to_list()
    assert len(everything) == 20 and all(p.el_number and p.nrf_number for p in everything)
    ahlsell = tx.external_products.search(wholesaler="AHLSELL").to_list()
    assert 0 < len(ahlsell) < 20
    by_org = tx.external_products.search(organization_number="910000012").to_list()
    assert [p.id for p in by_org] == [p.id for p in ahlsell]
    cable = tx.external_products.search(el_number="1012345").first()
    assert cable is not None and cable.price_including_vat_currency == 2362.5


def test_several_orders_of_one_customer_become_one_invoice(tx: Tripletex) -> None:
    register_bank_account(tx)
    first = order_with_lines(tx, {"description": "A", "unitPriceExcludingVatCurrency": 100.0})
    second = tx.orders.create({"customer": first.customer, "orderDate": "2026-11-20", "deliveryDate": "2026-11-20",
                               "orderLines": [{"description": "B", "unitPriceExcludingVatCurrency": 200.0}]})
    invoice = tx.orders.invoice_multiple(id=[first.id, second.id], invoice_date="2026-11-21")
    assert (invoice.amount, invoice.amount_excluding_vat) == (375.0, 300.0)
    assert [o.id for o in invoice.orders or []] == [first.id, second.id]
    with pytest.raises(ValidationError, match="allerede fakturert"):
        tx.orders.invoice(second.id, invoice_date="2026-11-21")


def test_orders_of_different_customers_cannot_share_an_invoice(tx: Tripletex) -> None:
    register_bank_account(tx)
    one, other = (order_with_lines(tx, {"description": "A", "unitPriceExcludingVatCurrency": 1.0}) for _ in "ab")
    with pytest.raises(ValidationError, match="samme kunde"):
        tx.orders.invoice_multiple(id=[one.id, other.id], invoice_date="2026-11-21")
    assert not tx.invoices.search(invoice_date_from="2026-11-01", invoice_date_to="2026-12-01").to_list()


def test_an_invoice_is_created_with_its_order_and_lines_inline(tx: Tripletex) -> None:
    register_bank_account(tx)
    customer = tx.customers.create({"name": "Kunde AS"})
    invoice = tx.invoices.create({"invoiceDate": "2026-11-21", "invoiceDueDate": "2026-12-05", "orders": [{
        "customer": {"id": customer.id}, "orderDate": "2026-11-21", "deliveryDate": "2026-11-21",
        "orderLines": [{"description": "Rådgivning", "count": 2, "unitPriceExcludingVatCurrency": 500.0}]}]})
    assert (invoice.invoice_number, invoice.amount, invoice.invoice_due_date) == (1, 1250.0, "2026-12-05")
    order = tx.orders.get(invoice.orders[0].id)  # type: ignore[index]
    assert order.is_closed and tx.order_lines.get(order.order_lines[0].id).amount_excluding_vat_currency == 1000.0  # type: ignore[index]


def test_an_invoice_needs_a_date_and_orders(tx: Tripletex) -> None:
    with pytest.raises(ValidationError) as caught:
        tx.invoices.create({"comment": "tom"})
    assert {m.field for m in caught.value.validation_messages} == {"invoiceDate", "orders"}


def test_invoice_details_follow_the_invoice_and_its_dates(tx: Tripletex) -> None:
    register_bank_account(tx)
    order = order_with_lines(tx, {"description": "Arbeid", "unitPriceExcludingVatCurrency": 800.0})
    invoice = tx.orders.invoice(order.id, invoice_date="2026-11-21")
    found = tx.invoice_details.search(invoice_date_from="2026-11-21", invoice_date_to="2026-11-22").to_list()
    assert [(d.invoice.id, d.amount_order_lines_and_reinvoicing) for d in found] == [(invoice.id, 800.0)]  # type: ignore[union-attr]
    assert not tx.invoice_details.search(invoice_date_from="2026-11-22", invoice_date_to="2026-12-01").to_list()
    assert tx.invoice_details.get(found[0].id).invoice.id == invoice.id  # type: ignore[union-attr]


def test_batch_writes_say_which_products_and_order_lines_failed_and_why(tx: Tripletex) -> None:
    tx.batch_size = 2
    tx.products.create({"name": "Eksisterende", "number": "P1"})
    with pytest.raises(BatchError) as products:
        tx.products.create_many([{"name": "A", "number": "P2"}, {"name": "B", "number": "P1"}, {"name": ""},
                                 {"name": "C"}])
    assert [p.name for p in products.value.created] == ["A", "C"]
    assert [f.index for f in products.value.failures] == [1, 2]
    assert "item 1" in str(products.value) and "Produktnummeret P1 er i bruk" in str(products.value)
    order = order_with_lines(tx)
    with pytest.raises(BatchError) as lines:
        tx.order_lines.create_many([{"order": {"id": order.id}, "description": "Frakt"}, {"order": {"id": order.id}}])
    assert [f.index for f in lines.value.failures] == [1] and "produkt eller en beskrivelse" in str(lines.value)
    assert len(tx.orders.get(order.id).order_lines or []) == 1


def test_a_deleted_order_line_leaves_its_order(tx: Tripletex) -> None:
    order = order_with_lines(tx, {"description": "A"}, {"description": "B"})
    first, second = (ref.id for ref in order.order_lines or [])
    tx.order_lines.delete(first)
    assert [ref.id for ref in tx.orders.get(order.id).order_lines or []] == [second]


def test_the_lines_of_an_invoiced_order_cannot_change(tx: Tripletex) -> None:
    register_bank_account(tx)
    order = order_with_lines(tx, {"description": "A", "unitPriceExcludingVatCurrency": 10.0})
    tx.orders.invoice(order.id, invoice_date="2026-11-21")
    line_id = (order.order_lines or [])[0].id
    for change in (lambda: tx.order_lines.update(line_id, {"count": 5}), lambda: tx.order_lines.delete(line_id),
                   lambda: tx.order_lines.create({"order": {"id": order.id}, "description": "Ekstra"})):
        with pytest.raises(ValidationError, match="fakturert"):
            change()


def test_a_relative_vat_type_deducts_a_share_and_has_a_short_name(tx: Tripletex) -> None:
    incoming = tx.vat_types.search(number=[1]).first()
    assert incoming is not None
    relative = tx.vat_types.create_relative(name="1-50", vat_type_id=incoming.id, percentage=50)
    assert (relative.percentage, relative.deduction_percentage) == (25.0, 50.0)
    with pytest.raises(ValidationError) as caught:
        tx.vat_types.create_relative(name="For langt navn", vat_type_id=incoming.id, percentage=150)
    assert {m.field for m in caught.value.validation_messages} == {"name", "percentage"}


def test_suppliers_are_numbered_in_sequence_and_found_as_active(tx: Tripletex) -> None:
    first, second = tx.suppliers.create({"name": "Grossist AS"}), tx.suppliers.create({"name": "Bønner AS"})
    assert (first.supplier_number, second.supplier_number) == (20000, 20001)
    assert [s.id for s in tx.suppliers.search()] == [first.id, second.id]


def test_money_is_rounded_half_up_to_two_decimals() -> None:
    assert [money(2.675), money(0.125), money(-1.005), money(10.0)] == [2.68, 0.13, -1.01, 10.0]


def test_a_demo_seeded_company_has_a_bank_account_number_and_can_invoice_at_once(
        tripletex_sandbox_server: Sandbox) -> None:
    demo = tripletex_sandbox_server.backend.new_company(seed="demo")
    with Tripletex(tripletex_sandbox_server.consumer_token, demo.employee_token,
                   base_url=tripletex_sandbox_server.base_url) as tx:
        bank = tx.ledger_accounts.search(number=[1920]).first()
        assert bank is not None and bank.bank_account_number == BANK_ACCOUNT
        order = order_with_lines(tx, {"product": {"id": tx.products.search(product_number=["1001"]).first().id}})  # type: ignore[union-attr]
        assert tx.orders.invoice(order.id, invoice_date="2026-11-21").amount == 1562.5
