"""`ttx` runs every sales group (products, orders, invoicing and the ledger they need) against the sandbox."""

from __future__ import annotations

import shlex
from pathlib import Path
from string import Template
from typing import Any

import pytest

from tests.cli.sandbox_cli import first_id, ttx_json
from tests.cli.test_reference_cli import LEDGER_READS
from tests.sandbox.test_sales_modules import make_refs
from tripletex_connect.sandbox import SandboxCompany
from tripletex_connect.sandbox.reference import BANK_ACCOUNT

ORDER = ('{"customer": {"id": $customer}, "orderDate": "2026-11-20", "deliveryDate": "2026-11-20", '
         '"orderLines": [{"product": {"id": $product}}]}')
# Per group, the commands to run in order; `$id` is the object the first command made (or found).
GROUPS: dict[str, list[str]] = {
    "Products": ["products create --set name=Kaffe --set number=K1", "products update $id --set description=Mørk",
                 "products get $id", "products search --name kaffe", "products delete $id",
                 "products create-many --data '[{\"name\": \"A\"}, {\"name\": \"B\"}]'"],
    "Product Prices": ["product-prices search --product-id $product --show-only-last-price"],
    "Product Groups": ["product-groups create --set name=Drikke", "product-groups update $id --set name=Mat",
                       "product-groups get $id", "product-groups search --name mat", "product-groups delete $id"],
    "Product Groups Relations": [
        "product-group-relations create --set product.id=$product --set productGroup.id=$group",
        "product-group-relations get $id", "product-group-relations search --product-id $product",
        "product-group-relations delete $id"],
    "Product Units": ["product-units create --set name=Kasse", "product-units update $id --set nameShort=ks",
                      "product-units get $id", "product-units search --name Kasse", "product-units delete $id"],
    "Product Unit Masters": ["product-unit-masters search --name Stykk", "product-unit-masters get $id"],
    "External Products": ["external-products search --name kabel", "external-products get $id"],
    "Supplier Products": [
        "supplier-products create --set name=Bønner --set supplier.id=$supplier",
        "supplier-products update $id --set costExcludingVatCurrency=40", "supplier-products get $id",
        "supplier-products search --vendor-id $supplier", "supplier-products delete $id"],
    "Suppliers": ["suppliers create --set name=Grossist", "suppliers get $id", "suppliers search"],
    "Inventories": ["inventories search --is-main-inventory", "inventories get $id"],
    "Product Inventories Locations": [
        "product-inventory-locations create --set product.id=$product --set inventory.id=$warehouse",
        "product-inventory-locations update $id --set isMainLocation=true", "product-inventory-locations get $id",
        "product-inventory-locations search --product-id $product", "product-inventory-locations delete $id"],
    "Logistics Settings": ["logistics-settings get", "logistics-settings update --set hasWarehouseLocation=true"],
    "Orders": [f"orders create --data '{ORDER}'", "orders update $id --set deliveryComment=Bakdøren",
               "orders get $id", "orders search --order-date-from 2026-11-01 --order-date-to 2026-12-01",
               "orders invoice $id --invoice-date 2026-11-21",
               f"orders create --data '{ORDER}'", "orders invoice-multiple --id $id --invoice-date 2026-11-21"],
    "Order Groups": ["order-groups create --set order.id=$order --set title=Fase",
                     "order-groups update --data '{\"id\": $id, \"title\": \"Fase 2\"}'", "order-groups get $id",
                     "order-groups search --order-ids $order", "order-groups delete $id"],
    "Order Lines": ["order-lines create --set order.id=$order --set description=Frakt",
                    "order-lines update $id --set count=2", "order-lines get $id", "order-lines delete $id",
                    "order-lines create-many --data '[{\"order\": {\"id\": $order}, \"description\": \"X\"}]'"],
    "Invoices": ["invoices search --invoice-date-from 2026-11-01 --invoice-date-to 2026-12-01",
                 "invoices get $id", "invoices send $id --send-type EMAIL",
                 "invoices payment $id --payment-date 2026-11-22 --payment-type-id 1 --paid-amount 10",
                 "invoices pdf $id --out $tmp/faktura.pdf", "invoices credit-note $id --date 2026-11-23",
                 f"invoices create --data '{{\"invoiceDate\": \"2026-11-24\", \"orders\": [{ORDER}]}}'"],
    "Invoice Details": ["invoice-details search --invoice-date-from 2026-11-01 --invoice-date-to 2026-12-01",
                        "invoice-details get $id"],
    "Invoice Payment Types": ["invoice-payment-types search", "invoice-payment-types get $id"],
    "Ledger Accounts": ["ledger-accounts search --number 1920", "ledger-accounts get $id",
                        f"ledger-accounts update $id --set bankAccountNumber={BANK_ACCOUNT}"],
    "Ledger VAT Types": ["vat-types search --number 1", "vat-types get $id",
                         "vat-types create-relative --name R50 --vat-type-id $id --percentage 50"],
    "Ledger Postings": ["postings search --date-from 2026-11-01 --date-to 2026-12-01", "postings get $id"],
}


@pytest.mark.parametrize("group", GROUPS)
def test_every_sales_group_runs_in_the_cli(tripletex_sandbox: SandboxCompany, tmp_path: Path, group: str) -> None:
    refs = make_refs(tripletex_sandbox.client)
    names: dict[str, Any] = {**vars(refs), "id": refs.invoice if group == "Invoices" else None, "tmp": tmp_path}
    for command in GROUPS[group]:
        args = shlex.split(Template(command).substitute(names))
        result = ttx_json(tripletex_sandbox, args)
        assert result.exit_code == 0, f"ttx {' '.join(args)}: {result.stderr}"
        made = first_id(result.stdout)
        if names["id"] is None or (args[1].startswith("create") and made):
            names["id"] = made
    if group == "Invoices":
        assert (tmp_path / "faktura.pdf").read_bytes().startswith(b"%PDF-")


def test_the_cli_covers_every_sales_group_of_the_catalog() -> None:
    from tripletex_connect import catalog

    sales = {op.group for module in (catalog.products, catalog.orders, catalog.ledger) for op in module.OPERATIONS}
    assert set(GROUPS) == sales - LEDGER_READS
