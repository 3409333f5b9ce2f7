"""Rules of ledger accounts (a bank account number must be a valid Norwegian account number), the
creation of relative VAT types, and the closing of an invoice's receivable postings once it is paid."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ...catalog import Operation
from ..context import Ctx
from ..errors import invalid, not_found
from ..reference import is_valid_norwegian_account
from ..reference.vat import TYPE_OF_VAT
from ..store import Row, Tx, table_name
from . import Rules
from .integrity import refuse_delete_if_used

if TYPE_CHECKING:
    from ..backend import Backend

MAX_VAT_NAME = 8
# Private: the first day a VAT type is valid (a relative type is valid from the day it was made).
VALID_FROM = "_validFrom"
# A relative VAT type has no number of its own: it is of its parent's kind.
_VAT_NUMBER = ("COALESCE(json_extract(data, '$.number'), (SELECT json_extract(p.data, '$.number') "
               f"FROM {table_name('VatType')} AS p WHERE p.company_id = objects.company_id "
               "AND p.id = json_extract(objects.data, '$.parentType.id')))")


class AccountRules(Rules):
    """Number and name required; numbers unique; bank account numbers pass mod 11."""

    required = ("number", "name")

    def on_create(self, tx: Tx, ctx: Ctx, data: dict[str, Any]) -> None:
        """Check the number is free and any bank account number is valid."""
        super().on_create(tx, ctx, data)
        if tx.find(ctx.company_id, "Account", "number", data["number"]):
            raise invalid([("number", f"Kontonummeret {data['number']} er i bruk.")])
        self._bank(data)

    def on_update(self, tx: Tx, ctx: Ctx, old: Row, data: dict[str, Any]) -> None:
        """Check a changed bank account number."""
        super().on_update(tx, ctx, old, data)
        self._bank(data)

    def on_delete(self, tx: Tx, ctx: Ctx, row: Row) -> None:
        """An account with postings cannot be deleted."""
        refuse_delete_if_used(tx, ctx, "Account", row)

    @staticmethod
    def _bank(data: dict[str, Any]) -> None:
        number = str(data.get("bankAccountNumber") or "")
        if number and not is_valid_norwegian_account(number):
            message = f"Ugyldig kontonummer: {number} (11 siffer med gyldig kontrollsiffer)."
            raise invalid([("bankAccountNumber", message)])


def create_relative_vat_type(backend: Backend, tx: Tx, ctx: Ctx, op: Operation, values: dict[str, str],
                             params: dict[str, str], body: Any) -> dict[str, Any]:
    """`PUT /ledger/vatType/createRelativeVatType`: a VAT type like its parent, deducted on a share of the basis."""
    name, percentage = params["name"].strip(), float(params["percentage"])
    parent = tx.get(ctx.company_id, "VatType", int(params["vatTypeId"]))
    if parent is None:
        raise not_found("MVA-typen")
    problems: list[tuple[str | None, str]] = []
    if not name or len(name) > MAX_VAT_NAME:
        problems.append(("name", f"Navnet må ha 1 til {MAX_VAT_NAME} tegn."))
    if not 0 < percentage <= 100:
        problems.append(("percentage", "Prosentsatsen må være større enn 0 og høyst 100."))
    if problems:
        raise invalid(problems)
    row = tx.insert(ctx.company_id, "VatType", {
        "name": name, "displayName": name, "percentage": parent.data.get("percentage", 0.0),
        "deductionPercentage": percentage, "parentType": {"id": parent.id}, VALID_FROM: ctx.today,
    }, ctx.now)
    return backend.engine.renderer(tx, ctx).render("VatType", row.full(), None)


def close_invoice_postings(tx: Tx, ctx: Ctx, date: str, invoice_number: str) -> Row | None:
    """Close an invoice's open receivable postings (the invoice and its payments) in one close group."""
    open_rows = [row for row in tx.find(ctx.company_id, "Posting", "invoiceNumber", invoice_number)
                 if row.data.get("customer") and not row.data.get("closeGroup")]
    if len(open_rows) < 2 or abs(sum(row.data.get("amountGross", 0.0) for row in open_rows)) > 0.005:
        return None
    group = tx.insert(ctx.company_id, "CloseGroup", {
        "date": date, "postings": [{"id": row.id} for row in open_rows]}, ctx.now)
    for row in open_rows:
        tx.replace(ctx.company_id, "Posting", row, {**row.data, "closeGroup": {"id": group.id}}, ctx.now)
    return group


class VatTypeRules(Rules):
    """`typeOfVat` lists the VAT types of one use (sales, purchases, the ledger), valid on `vatDate`."""

    def filters(self, params: Mapping[str, str]) -> list[tuple[str, list[Any]]]:
        """The types of the kind asked for; `vatDate` (only with `typeOfVat`) drops types not valid that day."""
        kind = params.get("typeOfVat", "").strip()
        if not kind:
            return []
        if kind not in TYPE_OF_VAT:
            raise invalid([("typeOfVat", f"Ugyldig verdi: {kind!r}. Gyldige verdier: {', '.join(TYPE_OF_VAT)}.")],
                          code=21000)
        numbers = list(TYPE_OF_VAT[kind])
        out = [(f"{_VAT_NUMBER} IN ({', '.join('?' * len(numbers))})", numbers)]
        date = params.get("vatDate", "").strip()
        if date:
            try:
                day = dt.date.fromisoformat(date).isoformat()
            except ValueError:
                raise invalid([("vatDate", f"Ugyldig dato: {date!r}. Bruk formatet ÅÅÅÅ-MM-DD.")],
                              code=21000) from None
            out.append((f"IFNULL(json_extract(data, '$.{VALID_FROM}'), '') <= ?", [day]))
        return out


class CountryRules(Rules):
    """Every country of the sandbox is enabled: `isDisabled=true` finds none."""

    def filters(self, params: Mapping[str, str]) -> list[tuple[str, list[Any]]]:
        """`isDisabled` as a condition on the (always enabled) countries; 422 for a value that is no boolean."""
        value = params.get("isDisabled", "").strip().lower()
        if value not in ("", "true", "false"):
            raise invalid([("isDisabled", f"Ugyldig verdi: {params['isDisabled']!r}.")], code=21000)
        return [("0 = 1", [])] if value == "true" else []


RULES: dict[str, Rules] = {"Account": AccountRules(), "Country": CountryRules(), "VatType": VatTypeRules()}
ACTIONS = {"vat_type.create_relative": create_relative_vat_type}
