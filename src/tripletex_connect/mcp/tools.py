"""The MCP tools derived from the catalog: names, descriptions, schemas, annotations and write groups."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import mcp_types as types

from .. import catalog
from ..catalog import (
    Kind,
    Operation,
    connection,
    ledger,
    orders,
    products,
    projects,
    reference,
    sales,
    timesheet,
    vouchers,
)
from . import schemas
from .spec import summary_of

# Write groups for `--allow-writes GROUP,...`: each catalog module (by domain) belongs to one.
WRITE_GROUPS: dict[str, tuple[object, ...]] = {
    "sales": (sales, orders),
    "products": (products,),
    "ledger": (ledger, vouchers),
    "reference": (reference,),
    "projects": (projects,),
    "hours": (timesheet,),
    "api": (connection,),
}
# Besides deletes: actions that undo, reverse or reach a customer. They run only after a confirmed preview.
DESTRUCTIVE_KEYS = frozenset({"invoice.send", "invoice.credit_note", "voucher.reverse", "api.call"})
# The connection's own session handling is the server's job, not an assistant's.
HIDDEN_KEYS = frozenset({"session.create", "session.delete"})
_NAME_CHARS = re.compile(r"[^A-Za-z0-9_-]")


def tool_name(key: str) -> str:
    """The MCP tool name of a catalog key (`customer.search` -> `customer_search`)."""
    return _NAME_CHARS.sub("_", key)


@cache
def group_of(key: str) -> str:
    """The write group an operation belongs to (`order.invoice` -> `sales`)."""
    for group, modules in WRITE_GROUPS.items():
        for module in modules:
            if any(op.key == key for op in getattr(module, "OPERATIONS", ())):
                return group
    raise KeyError(f"{key!r} belongs to no write group")


def is_read(op: Operation) -> bool:
    """True for gets and searches (the API call is a read only with GET, decided per call)."""
    return op.kind in (Kind.GET, Kind.SEARCH)


def is_destructive(op: Operation) -> bool:
    """True for deletes, reversals, credit notes, sending an invoice and the raw API call."""
    return op.kind is Kind.DELETE or op.key in DESTRUCTIVE_KEYS


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
    if is_destructive(op):
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
        """True when the tool runs only after a confirmed preview."""
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
