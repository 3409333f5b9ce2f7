"""Every sales module of issue 4 (products, orders, invoicing and the ledger they need) through the SDK, sync
and async, against the sandbox fixture: one table, one runner per client."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from tripletex_connect import AsyncTripletex, NotFoundError, Tripletex
from tripletex_connect import catalog as cat
from tripletex_connect.catalog import Kind, snake_case
from tripletex_connect.sandbox import SandboxCompany
from tripletex_connect.sandbox.reference import BANK_ACCOUNT
from tripletex_connect.sandbox.rules.batch import is_list_operation

CRUD = ("create", "get", "update", "search", "delete")
SALES_CATALOG = (cat.products, cat.orders, cat.ledger)


@dataclass
class Refs:
    """Objects the modules refer to, made with the sync client before a run."""

    product: int
    group: int
    supplier: int
    warehouse: int
    customer: int
    order: int
    line: int
    invoice: int


Body = Callable[[Refs], dict[str, Any]]


@dataclass(frozen=True)
class Case:
    """How to run one resource's modules: what to create, change and search for."""

    resource: str
    create: Body | None = None
    update: dict[str, Any] = field(default_factory=dict)
    search: Callable[[Refs], dict[str, Any]] | None = None
    delete: bool = False
    get: bool = True
    singleton: bool = False
    update_in_body: bool = False

    def kinds(self) -> set[str]:
        """The module kinds this case runs."""
        named = {"create": self.create, "get": self.get, "update": self.update, "search": self.search,
                 "delete": self.delete}
        return {kind for kind, present in named.items() if present}


def _order(refs: Refs) -> dict[str, Any]:
    return {"customer": {"id": refs.customer}, "orderDate": "2026-11-20", "deliveryDate": "2026-11-20",
            "orderLines": [{"product": {"id": refs.product}, "count": 1}]}


CASES = [
    Case("products", lambda r: {"name": "Kaffe", "number": "K-1", "priceExcludingVatCurrency": 80.0},
         {"description": "Mørkbrent"}, lambda r: {"name": "kaffe"}, delete=True),
    Case("product_prices", search=lambda r: {"product_id": [r.product]}, get=False),
    Case("product_groups", lambda r: {"name": "Drikke"}, {"name": "Drikkevarer"}, lambda r: {"name": "drikke"},
         delete=True),
    Case("product_group_relations", lambda r: {"product": {"id": r.product}, "productGroup": {"id": r.group}},
         search=lambda r: {"product_id": [r.product]}, delete=True),
    Case("product_units", lambda r: {"name": "Kasse", "nameShort": "ks"}, {"name": "Kartong"},
         lambda r: {"name": "Kartong"}, delete=True),
    Case("product_unit_masters", search=lambda r: {"name": "Stykk"}),
    Case("external_products", search=lambda r: {"name": "kabel"}),
    Case("supplier_products", lambda r: {"name": "Kaffebønner", "supplier": {"id": r.supplier},
                                         "costExcludingVatCurrency": 40.0},
         {"name": "Kaffebønner, hele"}, lambda r: {"vendor_id": [r.supplier]}, delete=True),
    Case("suppliers", lambda r: {"name": "Kaffegrossisten AS"}, {"email": "post@kaffegrossisten.no"},
         lambda r: {"is_inactive": False}, delete=True),
    Case("inventories", search=lambda r: {"is_main_inventory": True}),
    Case("product_inventory_locations", lambda r: {"product": {"id": r.product}, "inventory": {"id": r.warehouse}},
         {"isMainLocation": True}, lambda r: {"product_id": [r.product]}, delete=True),
    Case("logistics_settings", update={"hasWarehouseLocation": True}, singleton=True),
    Case("orders", _order, {"deliveryComment": "Levers bakdøren"},
         lambda r: {"order_date_from": "2026-11-01", "order_date_to": "2026-12-01", "customer_id": [r.customer]}),
    Case("order_groups", lambda r: {"order": {"id": r.order}, "title": "Fase 1"}, {"title": "Fase 2"},
         lambda r: {"order_ids": [r.order]}, delete=True, update_in_body=True),
    Case("order_lines", lambda r: {"order": {"id": r.order}, "description": "Frakt",
                                   "unitPriceExcludingVatCurrency": 99.0}, {"count": 3.0}, delete=True),
    Case("invoices", lambda r: {"invoiceDate": "2026-11-22", "orders": [_order(r)]},
         search=lambda r: {"invoice_date_from": "2026-11-01", "invoice_date_to": "2026-12-01"}),
    Case("invoice_details", search=lambda r: {"invoice_date_from": "2026-11-01", "invoice_date_to": "2026-12-01"}),
    Case("invoice_payment_types", search=lambda r: {"description": "bank"}),
    Case("ledger_accounts", lambda r: {"number": 1921, "name": "Sparekonto"}, {"description": "Høyrente"},
         lambda r: {"number": [1920, 1921]}, delete=True),
    Case("vat_types", search=lambda r: {"number": [3]}),
    Case("postings", search=lambda r: {"date_from": "2026-11-01", "date_to": "2026-12-01"}),
    Case("voucher_types", search=lambda r: {"name": "faktura"}),
    Case("accounting_periods", search=lambda r: {"start_from": "2026-11-01", "start_to": "2026-12-01"}),
    Case("annual_accounts", search=lambda r: {"year_from": 2026, "year_to": 2027}),
]
# Reads without the shape of the table (no ids, or objects only a paid invoice makes): test_ledger_reads.py
OWN_TESTS = {"ledgers", "close_groups"}
BY_RESOURCE = {case.resource: case for case in CASES}


def make_refs(tx: Tripletex) -> Refs:
    """Register the bank account and make what the modules refer to, including one invoice."""
    bank = tx.ledger_accounts.search(number=[1920]).first()
    assert bank is not None
    tx.ledger_accounts.update(bank.id, {"bankAccountNumber": BANK_ACCOUNT})
    product = tx.products.create({"name": "Referanseprodukt", "priceExcludingVatCurrency": 100.0})
    warehouse = tx.inventories.search(is_main_inventory=True).first()
    assert warehouse is not None
    customer = tx.customers.create({"name": "Kunde AS"})
    refs = Refs(product.id, tx.product_groups.create({"name": "Referansegruppe"}).id,
                tx.suppliers.create({"name": "Leverandør AS"}).id, warehouse.id, customer.id, 0, 0, 0)
    order = tx.orders.create(_order(refs))
    refs.order, refs.line = order.id, order.order_lines[0].id  # type: ignore[index]
    refs.invoice = tx.orders.invoice(tx.orders.create(_order(refs)).id, invoice_date="2026-11-21").id
    return refs


def _params(case: Case, refs: Refs) -> dict[str, Any]:
    assert case.search is not None
    return case.search(refs)


def _check_update(case: Case, updated: Any) -> None:
    for name, value in case.update.items():
        assert getattr(updated, snake_case(name)) == value, (case.resource, name)


def run_sync(tx: Tripletex, case: Case, refs: Refs) -> None:
    """Create, get, update, search and delete as the case says, checking each answer."""
    res = getattr(tx, case.resource)
    if case.singleton:
        assert res.get().id
        _check_update(case, res.update(case.update))
        return
    found = [o.id for o in res.search(**_params(case, refs))] if case.search else []
    own = res.create(case.create(refs)).id if case.create else found[0]
    if case.get:
        assert res.get(own).id == own
    if case.update:
        body = {"id": own, **case.update}
        _check_update(case, res.update(body) if case.update_in_body else res.update(own, body))
    if case.search and case.create:
        assert own in [o.id for o in res.search(**_params(case, refs))], case.resource
    if case.delete:
        res.delete(own)
        if case.get:
            with pytest.raises(NotFoundError):
                res.get(own)


async def run_async(tx: AsyncTripletex, case: Case, refs: Refs) -> None:
    """The async twin of `run_sync`."""
    res = getattr(tx, case.resource)
    if case.singleton:
        assert (await res.get()).id
        _check_update(case, await res.update(case.update))
        return
    found = [o.id async for o in res.search(**_params(case, refs))] if case.search else []
    own = (await res.create(case.create(refs))).id if case.create else found[0]
    if case.get:
        assert (await res.get(own)).id == own
    if case.update:
        body = {"id": own, **case.update}
        _check_update(case, await (res.update(body) if case.update_in_body else res.update(own, body)))
    if case.search and case.create:
        assert own in [o.id async for o in res.search(**_params(case, refs))], case.resource
    if case.delete:
        await res.delete(own)
        if case.get:
            with pytest.raises(NotFoundError):
                await res.get(own)


def catalog_kinds() -> dict[str, set[str]]:
    """The plain module kinds (create/get/update/search/delete) of every sales resource in the catalog."""
    out: dict[str, set[str]] = {}
    for module in SALES_CATALOG:
        for op in module.OPERATIONS:
            if op.name in CRUD and op.kind is not Kind.ACTION and op.resource not in OWN_TESTS:
                out.setdefault(op.resource, set()).add(op.name)
    return out


def test_the_table_runs_every_sales_module_of_the_catalog() -> None:
    assert {r: BY_RESOURCE[r].kinds() for r in catalog_kinds() if r in BY_RESOURCE} == catalog_kinds()


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.resource)
def test_every_sales_module_through_the_sync_sdk(tripletex_sandbox: SandboxCompany, case: Case) -> None:
    tx = tripletex_sandbox.client
    run_sync(tx, case, make_refs(tx))


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.resource)
async def test_every_sales_module_through_the_async_sdk(tripletex_sandbox: SandboxCompany, case: Case) -> None:
    refs = make_refs(tripletex_sandbox.client)
    atx = tripletex_sandbox.async_client()
    try:
        await run_async(atx, case, refs)
    finally:
        await atx.aclose()


ACTIONS_RUN = {"order.invoice", "order.invoice_multiple", "invoice.send", "invoice.payment", "invoice.credit_note",
               "invoice.pdf", "product.create_many", "product.update_many", "order_line.create_many",
               "vat_type.create_relative"}


def test_the_action_runs_cover_every_sales_action_of_the_catalog() -> None:
    actions = {op.key for module in SALES_CATALOG for op in module.OPERATIONS
               if op.name not in CRUD or op.kind is Kind.ACTION}
    # The other `/list` forms run in test_batch_rules.py (every one of them, all or nothing).
    elsewhere = {op.key for op in cat.all_operations() if is_list_operation(op)} - ACTIONS_RUN
    assert actions - elsewhere == ACTIONS_RUN


def test_every_sales_action_through_the_sync_sdk(tripletex_sandbox: SandboxCompany) -> None:
    tx = tripletex_sandbox.client
    refs = make_refs(tx)
    lines = tx.order_lines.create_many([{"order": {"id": refs.order}, "description": f"Linje {i}",
                                         "unitPriceExcludingVatCurrency": 10.0} for i in range(2)])
    assert [line.amount_including_vat_currency for line in lines] == [12.5, 12.5]
    two = [tx.orders.create(_order(refs)).id for _ in range(2)]
    combined = tx.orders.invoice_multiple(id=two, invoice_date="2026-11-23")
    assert combined.amount == 250.0 and sorted(o.id for o in combined.orders or []) == two
    invoice = tx.orders.invoice(refs.order, invoice_date="2026-11-23", payment_type_id=1, paid_amount=50.0)
    assert invoice.amount_outstanding == 100.0  # 125 + 2 x 12.50 - 50
    tx.invoices.send(invoice.id, send_type="EMAIL")
    paid = tx.invoices.payment(invoice.id, payment_date="2026-11-24", payment_type_id=1, paid_amount=100.0)
    assert paid.amount_outstanding == 0.0
    assert tx.invoices.credit_note(combined.id, date="2026-11-25").amount == -250.0
    assert tx.invoices.pdf(invoice.id).startswith(b"%PDF-")
    created = tx.products.create_many([{"name": "A"}, {"name": "B"}])
    renamed = tx.products.update_many([{"id": p.id, "name": f"{p.name}2"} for p in created])
    assert [p.name for p in renamed] == ["A2", "B2"]
    vat = tx.vat_types.search(number=[1]).first()
    assert vat is not None
    assert tx.vat_types.create_relative(name="R50", vat_type_id=vat.id, percentage=50).deduction_percentage == 50


async def test_every_sales_action_through_the_async_sdk(tripletex_sandbox: SandboxCompany) -> None:
    refs = make_refs(tripletex_sandbox.client)
    tx = tripletex_sandbox.async_client()
    try:
        await tx.order_lines.create_many([{"order": {"id": refs.order}, "description": "Linje"}])
        two = [(await tx.orders.create(_order(refs))).id for _ in range(2)]
        combined = await tx.orders.invoice_multiple(id=two, invoice_date="2026-11-23")
        invoice = await tx.orders.invoice(refs.order, invoice_date="2026-11-23")
        await tx.invoices.send(invoice.id, send_type="EMAIL")
        paid = await tx.invoices.payment(invoice.id, payment_date="2026-11-24", payment_type_id=1, paid_amount=25.0)
        assert paid.amount_outstanding == 100.0
        assert (await tx.invoices.credit_note(combined.id, date="2026-11-25")).is_credit_note
        assert (await tx.invoices.pdf(invoice.id)).startswith(b"%PDF-")
        created = await tx.products.create_many([{"name": "A"}])
        assert [p.name for p in await tx.products.update_many([{"id": created[0].id, "name": "A2"}])] == ["A2"]
        note = await tx.vat_types.create_relative(name="R50", vat_type_id=1, percentage=50)
        assert note.parent_type is not None and note.parent_type.id == 1
    finally:
        await tx.aclose()
