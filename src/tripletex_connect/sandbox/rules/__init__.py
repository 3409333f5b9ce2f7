"""Domain rules per resource, applied by the generic engine around its writes."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

from ..context import Ctx
from ..errors import REQUIRED, invalid
from ..store import Row, Tx

if TYPE_CHECKING:
    from ...catalog import Operation
    from ..ports import Searcher
    from ..render import Tree

# A search answered by a domain computation instead of stored objects (the general ledger).
Aggregate = Callable[
    ["Searcher", Tx, Ctx, "Operation", Mapping[str, str], Mapping[str, list[str]], "Tree"], dict[str, Any]
]


class Rules:
    """The rules of one resource; the base class has none beyond its required fields."""

    required: tuple[str, ...] = ()

    def check_required(self, data: dict[str, Any]) -> None:
        """422 naming every required field that is missing or empty."""
        for field in self.required:
            if data.get(field) in (None, ""):
                raise invalid([(f, REQUIRED) for f in self.required if data.get(f) in (None, "")])

    def on_create(self, tx: Tx, ctx: Ctx, data: dict[str, Any]) -> None:
        """Complete and check a new object before it is stored."""
        self.check_required(data)

    def on_update(self, tx: Tx, ctx: Ctx, old: Row, data: dict[str, Any]) -> None:
        """Check the merged new state of an object before it is stored."""
        self.check_required(data)

    def filters(self, params: Mapping[str, str]) -> list[tuple[str, list[Any]]]:
        """Extra SQL conditions for the search parameters whose meaning is domain behaviour (`rule`)."""
        return []

    def after_create(self, tx: Tx, ctx: Ctx, row: Row) -> None:
        """Work that needs the new object's id (e.g. linking the order lines created inline)."""

    @property
    def acts_after_create(self) -> bool:
        """Whether these rules do work after an insert (`after_create` is overridden)."""
        return type(self).after_create is not Rules.after_create

    def on_delete(self, tx: Tx, ctx: Ctx, row: Row) -> None:
        """Refuse a delete that the real API refuses."""


def rules_for(model: str) -> Rules:
    """The rules of a model (the plain base rules when it has none of its own)."""
    return _registry().get(model, _PLAIN)


@cache
def _registry() -> dict[str, Rules]:
    from .. import webhooks
    from . import customers, ledger, periods, projects, sales, timesheet, vouchers

    return {**customers.RULES, **sales.RULES, **ledger.RULES, **vouchers.RULES, **projects.RULES,
            **timesheet.RULES, **periods.RULES, **webhooks.RULES}


_PLAIN = Rules()


def aggregate_for(key: str) -> Aggregate | None:
    """The computation behind a search that lists no stored objects (`ledger.search`), if the key has one."""
    from .general_ledger import ledger_search
    from .periods import AGGREGATES as periods
    from .timesheet import AGGREGATES as timesheet

    aggregates: dict[str, Aggregate] = {"ledger.search": ledger_search, **periods, **timesheet}
    return aggregates.get(key)
