"""The traffic of every sales module (the table of tests/sandbox/test_sales_modules.py), the invoice actions and
the sales failures, validated request by request and response by response against the official spec."""

from __future__ import annotations

import pytest

from tests.sandbox.test_sales_modules import CASES, Case, make_refs, run_sync
from tripletex_connect import APIError, Tripletex
from tripletex_connect.sandbox import SandboxCompany
from tripletex_connect.sandbox.rules.modules import LOGISTICS, turn_module
from tripletex_connect.sandbox.server import Sandbox

from .openapi import RecordingTransport, assert_all_valid


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.resource)
def test_every_sales_module_follows_the_spec(recorded: tuple[Tripletex, RecordingTransport], case: Case) -> None:
    tx, recorder = recorded
    run_sync(tx, case, make_refs(tx))
    assert_all_valid(recorder)


def test_the_invoice_actions_follow_the_spec(recorded: tuple[Tripletex, RecordingTransport]) -> None:
    tx, recorder = recorded
    refs = make_refs(tx)
    tx.order_lines.create_many([{"order": {"id": refs.order}, "description": "Frakt"}])
    tx.products.update_many([{"id": refs.product, "name": "Omdøpt"}])
    tx.products.create_many([{"name": "Ny"}])
    other = tx.orders.create({"customer": {"id": refs.customer}, "orderDate": "2026-11-20",
                              "deliveryDate": "2026-11-20", "orderLines": [{"description": "X"}]})
    combined = tx.orders.invoice_multiple(id=[refs.order, other.id], invoice_date="2026-11-22")
    tx.invoices.send(combined.id, send_type="EMAIL")
    tx.invoices.payment(combined.id, payment_date="2026-11-23", payment_type_id=1, paid_amount=10.0)
    tx.invoices.pdf(combined.id)
    tx.invoices.credit_note(combined.id, date="2026-11-24")
    tx.vat_types.create_relative(name="R50", vat_type_id=1, percentage=50)
    assert_all_valid(recorder)


def test_sales_failures_follow_the_spec(recorded: tuple[Tripletex, RecordingTransport],
                                        tripletex_sandbox_server: Sandbox, tripletex_sandbox: SandboxCompany) -> None:
    tx, recorder = recorded
    used = tx.products.create({"name": "Brukt", "number": "1"})
    customer = tx.customers.create({"name": "Kunde AS"})
    empty = tx.orders.create({"customer": {"id": customer.id}, "orderDate": "2026-11-20",
                              "deliveryDate": "2026-11-20", "orderLines": [{"product": {"id": used.id}}]})
    turn_module(tripletex_sandbox_server.store, tripletex_sandbox.company_id, LOGISTICS, False)
    for attempt in (
        lambda: tx.products.create({"name": "Kopi", "number": "1"}),
        lambda: tx.products.delete(used.id),
        lambda: tx.orders.create({"orderLines": []}),
        lambda: tx.orders.invoice(empty.id, invoice_date="2026-11-21"),
        lambda: tx.product_groups.create({"name": "Drikke"}),
        lambda: tx.logistics_settings.get(),
    ):
        with pytest.raises(APIError):
            attempt()
    assert [r.status_code for _, r in recorder.exchanges[-6:]] == [422, 422, 422, 422, 403, 403]
    assert_all_valid(recorder)
