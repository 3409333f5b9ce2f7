"""Referential integrity: an object that invoices, orders, postings or hours refer to is not deleted, as in the
real API, which keeps the books whole and tells the user to make the object inactive instead."""

from __future__ import annotations

from ..context import Ctx
from ..errors import invalid
from ..store import Row, Tx

# What refers to each kind of object: (referring model, its field holding the id, what to call it in Norwegian).
REFERRERS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "Customer": (("Order", "customer.id", "ordrer"), ("Invoice", "customer.id", "fakturaer"),
                 ("Posting", "customer.id", "posteringer"), ("Project", "customer.id", "prosjekter")),
    "Supplier": (("Posting", "supplier.id", "posteringer"), ("SupplierProduct", "supplier.id", "leverandørprodukter")),
    "Product": (("OrderLine", "product.id", "ordrelinjer"), ("Posting", "product.id", "posteringer")),
    "Project": (("TimesheetEntry", "project.id", "registrerte timer"), ("Order", "project.id", "ordrer"),
                ("Posting", "project.id", "posteringer")),
    "Account": (("Posting", "account.id", "posteringer"),),
}
# How each kind is named in a message, and what to do instead of deleting it.
NAMES = {
    "Customer": ("Kunden", "Sett kunden inaktiv i stedet."),
    "Supplier": ("Leverandøren", "Sett leverandøren inaktiv i stedet."),
    "Product": ("Produktet", "Sett det inaktivt i stedet."),
    "Project": ("Prosjektet", "Lukk det i stedet."),
    "Account": ("Kontoen", "Sett den inaktiv i stedet."),
}


def used_by(tx: Tx, ctx: Ctx, model: str, row: Row) -> list[str]:
    """What refers to an object, by the Norwegian names of the referring kinds."""
    return [what for referrer, field, what in REFERRERS.get(model, ())
            if tx.find(ctx.company_id, referrer, field, row.id)]


def refuse_delete_if_used(tx: Tx, ctx: Ctx, model: str, row: Row) -> None:
    """422 naming what still refers to the object, so it cannot be deleted."""
    used = used_by(tx, ctx, model, row)
    if used:
        name, advice = NAMES[model]
        raise invalid([(None, f"{name} kan ikke slettes fordi den er i bruk ({', '.join(used)}). {advice}")])
