"""Rules of customers and customer categories."""

from __future__ import annotations

from typing import Any

from ..context import Ctx
from ..errors import invalid
from ..store import Row, Tx
from . import Rules
from .integrity import refuse_delete_if_used

FIRST_CUSTOMER_NUMBER = 10000
NOK = 1  # the id of the company currency in the reference data


def party_defaults(data: dict[str, Any]) -> None:
    """What the real API fills in for a new customer or supplier: active, Norwegian, in NOK."""
    data.setdefault("isInactive", False)
    data.setdefault("language", "NO")
    data.setdefault("currency", {"id": NOK})


class CustomerRules(Rules):
    """Name required; customer numbers assigned in sequence and unique; a customer is a customer."""

    required = ("name",)

    def on_create(self, tx: Tx, ctx: Ctx, data: dict[str, Any]) -> None:
        """Assign the next customer number when none is given, and check it is free."""
        super().on_create(tx, ctx, data)
        data.setdefault("isCustomer", True)
        data.setdefault("invoiceSendMethod", "EMAIL")  # what the real API fills in, with the party defaults
        party_defaults(data)
        number = data.get("customerNumber")
        if number in (None, 0):
            data["customerNumber"] = tx.next_value(ctx.company_id, "customerNumber", FIRST_CUSTOMER_NUMBER)
        else:
            self._unique(tx, ctx, number, None)
            tx.bump(ctx.company_id, "customerNumber", int(number))

    def on_update(self, tx: Tx, ctx: Ctx, old: Row, data: dict[str, Any]) -> None:
        """Keep the customer number unique."""
        super().on_update(tx, ctx, old, data)
        if data.get("customerNumber") != old.data.get("customerNumber"):
            self._unique(tx, ctx, data.get("customerNumber"), old.id)

    def on_delete(self, tx: Tx, ctx: Ctx, row: Row) -> None:
        """A customer on orders, invoices, postings or projects cannot be deleted."""
        refuse_delete_if_used(tx, ctx, "Customer", row)

    @staticmethod
    def _unique(tx: Tx, ctx: Ctx, number: Any, own_id: int | None) -> None:
        clash = [r for r in tx.find(ctx.company_id, "Customer", "customerNumber", number) if r.id != own_id]
        if clash:
            raise invalid([("customerNumber", f"Kundenummeret {number} er i bruk.")])


class CustomerCategoryRules(Rules):
    """Name required; type 1, 2 or 3 (the three category levels)."""

    required = ("name",)

    def on_create(self, tx: Tx, ctx: Ctx, data: dict[str, Any]) -> None:
        """Default to type 1 and check the type."""
        super().on_create(tx, ctx, data)
        data.setdefault("type", 1)
        self._type(data)

    def on_update(self, tx: Tx, ctx: Ctx, old: Row, data: dict[str, Any]) -> None:
        """Check the type."""
        super().on_update(tx, ctx, old, data)
        self._type(data)

    @staticmethod
    def _type(data: dict[str, Any]) -> None:
        if data.get("type") not in (1, 2, 3):
            raise invalid([("type", "Kategoritype må være 1, 2 eller 3.")])


RULES: dict[str, Rules] = {"Customer": CustomerRules(), "CustomerCategory": CustomerCategoryRules()}
