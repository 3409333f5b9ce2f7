"""Rules of ledger accounts: a bank account number must be a valid Norwegian account number."""

from __future__ import annotations

from typing import Any

from ..context import Ctx
from ..errors import invalid
from ..reference import is_valid_norwegian_account
from ..store import Row, Tx
from . import Rules


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

    @staticmethod
    def _bank(data: dict[str, Any]) -> None:
        number = str(data.get("bankAccountNumber") or "")
        if number and not is_valid_norwegian_account(number):
            message = f"Ugyldig kontonummer: {number} (11 siffer med gyldig kontrollsiffer)."
            raise invalid([("bankAccountNumber", message)])


RULES: dict[str, Rules] = {"Account": AccountRules()}
