"""Rules of products, orders and order lines: unique numbers, VAT-consistent prices, computed amounts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..context import Ctx
from ..errors import SandboxError, invalid
from ..reference.external import offered_by
from ..store import Row, Tx
from . import Rules
from .customers import NOK, party_defaults
from .integrity import refuse_delete_if_used
from .money import money

DEFAULT_OUTPUT_VAT = "3"
# Private marker on an invoiced order (keys starting with "_" are never rendered nor accepted).
INVOICED = "_invoice"
FIRST_SUPPLIER_NUMBER = 20000


def vat_percentage(tx: Tx, ctx: Ctx, vat_ref: Any) -> float:
    """The percentage of a referenced VAT type (0 when there is none)."""
    row = tx.get(ctx.company_id, "VatType", vat_ref["id"]) if isinstance(vat_ref, dict) and "id" in vat_ref else None
    return float(row.data.get("percentage", 0.0)) if row else 0.0


def default_vat(tx: Tx, ctx: Ctx) -> dict[str, int]:
    """A reference to VAT type 3 (outgoing, high rate), the default of sales."""
    rows = tx.find(ctx.company_id, "VatType", "number", DEFAULT_OUTPUT_VAT)
    return {"id": rows[0].id} if rows else {}


class ProductRules(Rules):
    """Name required, number unique, prices with and without VAT kept consistent, used products kept."""

    required = ("name",)

    def on_create(self, tx: Tx, ctx: Ctx, data: dict[str, Any]) -> None:
        """Check the number and settle the prices."""
        super().on_create(tx, ctx, data)
        data.setdefault("isInactive", False)
        data.setdefault("currency", {"id": NOK})
        self._number(tx, ctx, data, None)
        self._prices(tx, ctx, data, {})

    def on_update(self, tx: Tx, ctx: Ctx, old: Row, data: dict[str, Any]) -> None:
        """Keep the number unique and the prices consistent with the (maybe new) VAT type."""
        super().on_update(tx, ctx, old, data)
        self._number(tx, ctx, data, old.id)
        self._prices(tx, ctx, data, old.data)
        if any(data.get(k) != old.data.get(k) for k in PRICE_FIELDS):
            record_price(tx, ctx, Row(old.id, old.version, old.changed_at, data))

    def after_create(self, tx: Tx, ctx: Ctx, row: Row) -> None:
        """Start the product's price history."""
        record_price(tx, ctx, row)

    def on_delete(self, tx: Tx, ctx: Ctx, row: Row) -> None:
        """A product on an order line or a posting cannot be deleted."""
        refuse_delete_if_used(tx, ctx, "Product", row)

    @staticmethod
    def _number(tx: Tx, ctx: Ctx, data: dict[str, Any], own: int | None) -> None:
        number = data.get("number")
        if number and any(r.id != own for r in tx.find(ctx.company_id, "Product", "number", number)):
            raise invalid([("number", f"Produktnummeret {number} er i bruk.")])

    @staticmethod
    def _prices(tx: Tx, ctx: Ctx, data: dict[str, Any], old: dict[str, Any]) -> None:
        data.setdefault("vatType", default_vat(tx, ctx))
        factor = 1 + vat_percentage(tx, ctx, data.get("vatType")) / 100
        excl, incl = data.get("priceExcludingVatCurrency"), data.get("priceIncludingVatCurrency")
        if excl is not None and (incl is None or excl != old.get("priceExcludingVatCurrency")):
            data["priceIncludingVatCurrency"] = money(excl * factor)
        elif incl is not None:
            data["priceExcludingVatCurrency"] = money(incl / factor)


PRICE_FIELDS = ("priceExcludingVatCurrency", "priceIncludingVatCurrency", "costExcludingVatCurrency", "vatType")


def record_price(tx: Tx, ctx: Ctx, product: Row) -> None:
    """Close the product's current price and open a new one from today (Product Prices reads these)."""
    for current in tx.find(ctx.company_id, "ProductPrice", "product.id", product.id):
        if not current.data.get("toDate"):
            tx.replace(ctx.company_id, "ProductPrice", current, {**current.data, "toDate": ctx.today}, ctx.now)
    tx.insert(ctx.company_id, "ProductPrice", {
        "product": {"id": product.id}, "fromDate": ctx.today, "vatType": product.data.get("vatType") or {},
        "salesPriceExcludingVat": product.data.get("priceExcludingVatCurrency", 0.0),
        "salesPriceIncludingVat": product.data.get("priceIncludingVatCurrency", 0.0),
        "costPrice": product.data.get("costExcludingVatCurrency", 0.0),
        "purchasePrice": product.data.get("costExcludingVatCurrency", 0.0),
    }, ctx.now)


def settle_line(tx: Tx, ctx: Ctx, line: dict[str, Any]) -> dict[str, Any]:
    """Fill in an order line from its product and compute its amounts, rounded as money."""
    product = tx.get(ctx.company_id, "Product", line["product"]["id"]) if line.get("product") else None
    if product is None and not line.get("description"):
        raise invalid([("product", "En ordrelinje må ha et produkt eller en beskrivelse.")])
    if product is not None:
        line.setdefault("description", product.data.get("name"))
        line.setdefault("unitPriceExcludingVatCurrency", product.data.get("priceExcludingVatCurrency", 0.0))
        line.setdefault("vatType", product.data.get("vatType") or default_vat(tx, ctx))
    line.setdefault("vatType", default_vat(tx, ctx))
    line.setdefault("count", 1.0)
    line.setdefault("discount", 0.0)
    line.setdefault("unitPriceExcludingVatCurrency", 0.0)
    gross = line["count"] * line["unitPriceExcludingVatCurrency"] * (1 - line["discount"] / 100)
    line["amountExcludingVatCurrency"] = money(gross)
    rate = vat_percentage(tx, ctx, line["vatType"])
    line["amountIncludingVatCurrency"] = money(line["amountExcludingVatCurrency"] * (1 + rate / 100))
    line["unitPriceIncludingVatCurrency"] = money(line["unitPriceExcludingVatCurrency"] * (1 + rate / 100))
    return line


class OrderRules(Rules):
    """Customer, order date and delivery date required; inline lines linked and computed."""

    required = ("customer", "orderDate", "deliveryDate")

    def on_create(self, tx: Tx, ctx: Ctx, data: dict[str, Any]) -> None:
        """Default currency and due terms."""
        super().on_create(tx, ctx, data)
        data.setdefault("currency", {"id": 1})
        data.setdefault("isClosed", False)

    def on_update(self, tx: Tx, ctx: Ctx, old: Row, data: dict[str, Any]) -> None:
        """An invoiced order is closed for changes."""
        super().on_update(tx, ctx, old, data)
        if old.data.get(INVOICED):
            raise SandboxError(422, 15000, "Ordren er fakturert og kan ikke endres.")

    def after_create(self, tx: Tx, ctx: Ctx, row: Row) -> None:
        """Link the lines created with the order to it and compute them."""
        for ref in row.data.get("orderLines") or []:
            line = tx.get(ctx.company_id, "OrderLine", ref["id"])
            if line is not None:
                data = settle_line(tx, ctx, {**line.data, "order": {"id": row.id}})
                tx.replace(ctx.company_id, "OrderLine", line, data, ctx.now)


class OrderLineRules(Rules):
    """A line belongs to an order; its amounts are computed by the server."""

    required = ("order",)

    def on_create(self, tx: Tx, ctx: Ctx, data: dict[str, Any]) -> None:
        """Compute the line; an invoiced order takes no new lines."""
        super().on_create(tx, ctx, data)
        _open(tx, ctx, data)
        settle_line(tx, ctx, data)

    def on_update(self, tx: Tx, ctx: Ctx, old: Row, data: dict[str, Any]) -> None:
        """Recompute the line; the lines of an invoiced order are fixed."""
        super().on_update(tx, ctx, old, data)
        _open(tx, ctx, data)
        settle_line(tx, ctx, data)

    def after_create(self, tx: Tx, ctx: Ctx, row: Row) -> None:
        """Add the line to its order's list of lines."""
        order = tx.get(ctx.company_id, "Order", row.data["order"]["id"])
        if order is not None:
            lines = [*(order.data.get("orderLines") or []), {"id": row.id}]
            tx.replace(ctx.company_id, "Order", order, {**order.data, "orderLines": lines}, ctx.now)

    def on_delete(self, tx: Tx, ctx: Ctx, row: Row) -> None:
        """Take the line off its order (not from an invoiced order)."""
        order = _open(tx, ctx, row.data)
        if order is not None:
            lines = [ref for ref in order.data.get("orderLines") or [] if ref.get("id") != row.id]
            tx.replace(ctx.company_id, "Order", order, {**order.data, "orderLines": lines}, ctx.now)


def _open(tx: Tx, ctx: Ctx, line: dict[str, Any]) -> Row | None:
    """The order of a line, refused when it is invoiced."""
    ref = line.get("order")
    order = tx.get(ctx.company_id, "Order", ref["id"]) if isinstance(ref, dict) and "id" in ref else None
    if order is not None and order.data.get(INVOICED):
        raise SandboxError(422, 15000, "Ordren er fakturert og kan ikke endres.")
    return order


class ProductPriceRules(Rules):
    """`showOnlyLastPrice=true` gives only the current price (the one without an end date)."""

    def filters(self, params: Mapping[str, str]) -> list[tuple[str, list[Any]]]:
        """The current price only, when asked."""
        if params.get("showOnlyLastPrice", "").lower() == "true":
            return [("json_extract(data, '$.toDate') IS NULL", [])]
        return []


class SupplierRules(Rules):
    """Name required; supplier numbers assigned in sequence; a new supplier is active."""

    required = ("name",)

    def on_create(self, tx: Tx, ctx: Ctx, data: dict[str, Any]) -> None:
        """Assign the next supplier number when none is given."""
        super().on_create(tx, ctx, data)
        data.setdefault("isSupplier", True)
        party_defaults(data)
        if data.get("supplierNumber") in (None, 0):
            data["supplierNumber"] = tx.next_value(ctx.company_id, "supplierNumber", FIRST_SUPPLIER_NUMBER)
        else:
            tx.bump(ctx.company_id, "supplierNumber", int(data["supplierNumber"]))

    def on_delete(self, tx: Tx, ctx: Ctx, row: Row) -> None:
        """A supplier on postings or supplier products cannot be deleted."""
        refuse_delete_if_used(tx, ctx, "Supplier", row)


class ExternalProductRules(Rules):
    """`wholesaler` and `organizationNumber` pick the products of one wholesaler."""

    def filters(self, params: Mapping[str, str]) -> list[tuple[str, list[Any]]]:
        """The wholesaler's products only, when one is named."""
        if not (params.get("wholesaler") or params.get("organizationNumber")):
            return []
        ids = offered_by(params.get("wholesaler") or None, params.get("organizationNumber") or None)
        return [(f"id IN ({', '.join('?' * len(ids))})" if ids else "0", list(ids))]


RULES: dict[str, Rules] = {
    "Product": ProductRules(), "Order": OrderRules(), "OrderLine": OrderLineRules(),
    "ProductPrice": ProductPriceRules(), "Supplier": SupplierRules(), "ExternalProduct": ExternalProductRules(),
}
