"""The operation catalog: every Make module as data, from which the SDK, CLI, sandbox and docs derive."""

from __future__ import annotations

from functools import cache

from . import connection, events, ledger, orders, products, projects, reference, sales, timesheet, vouchers
from .types import Kind, Operation, Param, kebab_case, snake_case

__all__ = [
    "Kind",
    "Operation",
    "Param",
    "all_operations",
    "get",
    "groups",
    "kebab_case",
    "model_names",
    "resources",
    "snake_case",
]

_MODULES = (connection, sales, products, orders, ledger, reference, vouchers, projects, timesheet, events)


@cache
def all_operations() -> tuple[Operation, ...]:
    """Every operation in the catalog, in declaration order."""
    ops = tuple(op for module in _MODULES for op in module.OPERATIONS)
    keys = [op.key for op in ops]
    duplicates = {k for k in keys if keys.count(k) > 1}
    if duplicates:
        raise RuntimeError(f"duplicate catalog keys: {sorted(duplicates)}")
    return ops


@cache
def _by_key() -> dict[str, Operation]:
    return {op.key: op for op in all_operations()}


def get(key: str) -> Operation:
    """The operation with this key, e.g. `customer.search`."""
    try:
        return _by_key()[key]
    except KeyError:
        raise KeyError(f"no catalog operation {key!r}") from None


def resources() -> dict[str, list[Operation]]:
    """Operations grouped by SDK resource (`customers` -> [create, update, ...])."""
    out: dict[str, list[Operation]] = {}
    for op in all_operations():
        if op.resource and op.exposed:
            out.setdefault(op.resource, []).append(op)
    return out


def groups() -> dict[str, list[Operation]]:
    """Operations grouped by Make group (`Customers`, `Customer Categories`, ...)."""
    out: dict[str, list[Operation]] = {}
    for op in all_operations():
        out.setdefault(op.group, []).append(op)
    return out


def model_names() -> set[str]:
    """Names of the spec schemas the catalog's bodies and responses refer to."""
    return {name for op in all_operations() for name in (op.body, op.response) if name}
