"""The MCP tools derived from the catalog: names, descriptions, schemas, annotations and write groups."""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import mcp_types as types

from .. import catalog
from ..catalog import Kind, Operation
from . import schemas
from .spec import summary_of

# Write groups for `--allow-writes GROUP,...`: each catalog module (a domain) belongs to one, named here or
# after the module itself, so a new catalog module brings its group along.
GROUP_OF_MODULE = {
    "sales": "sales", "orders": "sales", "products": "products", "ledger": "ledger", "vouchers": "ledger",
    "reference": "reference", "projects": "projects", "timesheet": "hours", "events": "events",
    "connection": "api",
}
# Besides deletes: actions that undo, reverse or reach a customer. They run only after a confirmed preview.
DESTRUCTIVE_KEYS = frozenset({"invoice.send", "invoice.credit_note", "voucher.reverse", "api.call"})
# Invoicing with this parameter (default true) sends the invoice to the customer.
SEND_TO_CUSTOMER = "sendToCustomer"
# The connection's own session handling is the server's job, not an assistant's.
HIDDEN_KEYS = frozenset({"session.create", "session.delete"})
_NAME_CHARS = re.compile(r"[^A-Za-z0-9_-]")


def tool_name(key: str) -> str:
    """The MCP tool name of a catalog key (`customer.search` -> `customer_search`)."""
    return _NAME_CHARS.sub("_", key)


@cache
def _groups_by_key() -> dict[str, str]:
    found: dict[str, str] = {}
    for info in pkgutil.iter_modules(catalog.__path__):
        module = importlib.import_module(f"{catalog.__name__}.{info.name}")
        for op in getattr(module, "OPERATIONS", ()):
            found[op.key] = GROUP_OF_MODULE.get(info.name, info.name)
    return found


def write_groups() -> tuple[str, ...]:
    """Every write group, in a stable order."""
    order = list(dict.fromkeys(GROUP_OF_MODULE.values()))
    return tuple(sorted(set(_groups_by_key().values()), key=lambda g: (order.index(g) if g in order else 99, g)))


def group_of(key: str) -> str:
    """The write group an operation belongs to (`order.invoice` -> `sales`)."""
    try:
        return _groups_by_key()[key]
    except KeyError:
        raise KeyError(f"{key!r} belongs to no write group") from None


def is_read(op: Operation) -> bool:
    """True for gets and searches (the API call is a read only with GET, decided per call)."""
    return op.kind in (Kind.GET, Kind.SEARCH)


def sends_to_customer(op: Operation) -> bool:
    """True when the operation sends an invoice to the customer unless told not to (`sendToCustomer`, default true)."""
    return op.param(SEND_TO_CUSTOMER) is not None


def is_destructive(op: Operation) -> bool:
    """True for deletes, reversals, credit notes, sending an invoice (also when invoicing) and the raw API call."""
    return op.kind is Kind.DELETE or op.key in DESTRUCTIVE_KEYS or sends_to_customer(op)


def needs_confirmation(op: Operation, params: Mapping[str, Any]) -> bool:
    """True when this call is destructive: always for a destructive tool, except invoicing told not to send."""
    if op.kind is Kind.DELETE or op.key in DESTRUCTIVE_KEYS:
        return True
    if sends_to_customer(op):
        given = next((v for k, v in params.items() if k in (SEND_TO_CUSTOMER, "send_to_customer")), True)
        return str(given).strip().lower() not in ("false", "0", "no")
    return False


def is_idempotent(op: Operation) -> bool:
    """True where a repeat is harmless: reads, updates (guarded by version) and deletes."""
    return op.kind in (Kind.GET, Kind.SEARCH, Kind.UPDATE, Kind.DELETE)


def describe(op: Operation) -> str:
    """The tool description: Make's title, the spec's summary (when the spec is at hand), ours, the HTTP call."""
    http = "any method on a path under the base URL" if op.kind is Kind.API_CALL else f"{op.method} {op.path}"
    official = None if op.kind is Kind.API_CALL else summary_of(op.method, op.path)
    parts = [f"{op.title} ({op.group}).", *([f"Tripletex: {official}"] if official else []), op.summary,
             f"HTTP: {http}."]
    if op.note:
        parts.append(op.note)
    if op.beta:
        parts.append("Beta in Tripletex.")
    if not is_read(op):
        parts.append(f"Writes (group `{group_of(op.key)}`).")
    if sends_to_customer(op) and op.key not in DESTRUCTIVE_KEYS:
        parts.append("Sends the invoice to the customer unless send_to_customer is false; when it sends, the "
                     f"first call returns a preview and a {schemas.CONFIRM_ARG}: call again with it to run.")
    elif is_destructive(op):
        parts.append(f"Destructive: the first call returns a preview and a {schemas.CONFIRM_ARG}; "
                     "call again with it to run.")
    return " ".join(parts)


def tool_annotations(op: Operation) -> types.ToolAnnotations:
    """MCP hints: read-only, destructive, idempotent, open world (it is someone's real books)."""
    read = is_read(op)
    return types.ToolAnnotations(
        title=op.title,
        read_only_hint=read,
        destructive_hint=False if read else is_destructive(op),
        idempotent_hint=is_idempotent(op),
        open_world_hint=True,
    )


@dataclass(frozen=True)
class ToolSpec:
    """One catalog operation as an MCP tool."""

    name: str
    op: Operation

    @property
    def destructive(self) -> bool:
        """True when its calls may need a confirmed preview (see `needs_confirmation`)."""
        return is_destructive(self.op)

    @property
    def group(self) -> str:
        """The write group that must be enabled for this tool to write."""
        return group_of(self.op.key)

    def tool(self) -> types.Tool:
        """The MCP Tool declaration."""
        return types.Tool(
            name=self.name,
            title=self.op.title,
            description=describe(self.op),
            input_schema=schemas.input_schema(self.op, destructive=self.destructive),
            output_schema=schemas.output_schema(self.op, destructive=self.destructive),
            annotations=tool_annotations(self.op),
        )


@cache
def catalog_tools() -> dict[str, ToolSpec]:
    """Every Make module and extra operation as a tool, by tool name."""
    specs: dict[str, ToolSpec] = {}
    for op in catalog.all_operations():
        if op.key in HIDDEN_KEYS or not (op.exposed or op.kind is Kind.API_CALL):
            continue
        name = tool_name(op.key)
        if name in specs:
            raise RuntimeError(f"tool name {name!r} is taken twice ({specs[name].op.key}, {op.key})")
        specs[name] = ToolSpec(name, op)
    return specs
