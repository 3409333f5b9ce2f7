"""Company modules: operations that need a module the company lacks fail as the real API does (403)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from ...catalog import Operation
from ..context import Ctx
from ..errors import SandboxError
from ..store import Store, Tx

LOGISTICS = "moduleLogistics"
# The modules a sandbox can be served without, by the names users give (`--without-module logistics`).
SWITCHABLE = {"logistics": LOGISTICS}
# The groups Tripletex documents as "Only available for Logistics Basic" (and the logistics settings).
LOGISTICS_GROUPS = frozenset({
    "Product Groups", "Product Groups Relations", "Product Prices", "Product Inventories Locations",
    "Logistics Settings",
})


def has_module(tx: Tx, ctx: Ctx, name: str) -> bool:
    """Whether the company has a module on: a new company has every module (no record until one is switched)."""
    _, rows = tx.search(ctx.company_id, "Modules", [], [], [], 0, 1)
    return bool(rows[0].data.get(name, True)) if rows else True


def check_modules(tx: Tx, ctx: Ctx, op: Operation) -> None:
    """403/9000 for an operation of a module the company does not have."""
    if op.group in LOGISTICS_GROUPS and not has_module(tx, ctx, LOGISTICS):
        raise SandboxError(403, 9000, "Du har ikke tilgang til denne funksjonen: modulen Logistikk (Logistics "
                                      "Basic) er ikke aktivert for selskapet.")


def set_module(tx: Tx, company_id: int, name: str, on: bool, now: str) -> None:
    """Turn a module of a company on or off (e.g. `moduleLogistics`)."""
    _, rows = tx.search(company_id, "Modules", [], [], [], 0, 1)
    if rows:
        tx.replace(company_id, "Modules", rows[0], {**rows[0].data, name: on}, now)
    else:
        tx.insert(company_id, "Modules", {name: on}, now)


def turn_module(store: Store, company_id: int, name: str, on: bool) -> None:
    """The sandbox's switch of a company module, e.g. `turn_module(sandbox.store, company_id, LOGISTICS, False)`."""
    with store.transaction() as tx:
        set_module(tx, company_id, name, on, dt.datetime.now(dt.UTC).isoformat())


def module_fields(names: Iterable[str]) -> tuple[str, ...]:
    """The module fields of module names (`logistics` or `moduleLogistics`); ValueError naming the known ones."""
    lookup = {**SWITCHABLE, **{field.lower(): field for field in SWITCHABLE.values()}}
    fields = []
    for name in [names] if isinstance(names, str) else names:
        key = lookup.get(str(name).strip().lower())
        if key is None:
            known = ", ".join(sorted(SWITCHABLE))
            raise ValueError(f"unknown module {name!r}; the modules a sandbox can be without: {known}")
        fields.append(key)
    return tuple(dict.fromkeys(fields))
