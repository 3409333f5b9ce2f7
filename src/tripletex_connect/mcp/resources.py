"""Resources (the company at a glance, the module reference) and prompts for common jobs."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import mcp_types as types

from .. import catalog
from ..catalog import Kind
from ..client import Tripletex
from .execute import plain
from .tools import catalog_tools, group_of, is_destructive, is_read, tool_name


@dataclass(frozen=True)
class ResourceSpec:
    """One resource: its URI, name, description, MIME type and how to read it."""

    uri: str
    name: str
    description: str
    mime_type: str
    read: Callable[[Tripletex], str]

    def resource(self) -> types.Resource:
        """The MCP Resource declaration."""
        return types.Resource(uri=self.uri, name=self.name, description=self.description, mime_type=self.mime_type)


def _json(value: Any) -> str:
    return json.dumps(plain(value), ensure_ascii=False, indent=1, default=str)


def _whoami(tx: Tripletex) -> str:
    return _json(tx.whoami())


def _accounts(tx: Tripletex) -> str:
    fields = "id,number,name,ledgerType,vatType(id,number,name),isBankAccount,isInactive"
    return _json(tx.invoke("ledger_account.search", {"fields": fields}, limit=10_000).to_list())


def _vat_types(tx: Tripletex) -> str:
    return _json(tx.invoke("vat_type.search", {"fields": "id,number,name,percentage"}, limit=1000).to_list())


def _open_invoices(tx: Tripletex) -> str:
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    fields = "id,invoiceNumber,invoiceDate,invoiceDueDate,customer(id,name),amount,amountOutstanding"
    args = {"invoiceDateFrom": "2000-01-01", "invoiceDateTo": tomorrow, "fields": fields}
    invoices = [plain(i) for i in tx.invoke("invoice.search", args, limit=10_000)]
    return _json([i for i in invoices if (i.get("amountOutstanding") or 0) > 0])


def module_reference(_: Tripletex | None = None) -> str:
    """The module reference as Markdown, generated from the catalog: every tool by group."""
    lines = ["# Tripletex modules as MCP tools", "",
             "One tool per Make module and extra operation; parameters by Python name, bodies by API name.", ""]
    specs = {spec.op.key: spec for spec in catalog_tools().values()}
    for group, operations in catalog.groups().items():
        listed = [op for op in operations if op.key in specs]
        if not listed:
            continue
        lines += [f"## {group}", ""]
        for op in listed:
            http = "any method and path" if op.kind is Kind.API_CALL else f"`{op.method} {op.path}`"
            kind = "read" if is_read(op) else f"write, group `{group_of(op.key)}`"
            if is_destructive(op):
                kind += ", destructive (preview and confirm)"
            params = ", ".join(f"`{p.python_name}`" + ("*" if p.required else "")
                               for p in (*op.path_params, *op.query_params))
            lines.append(f"- **{op.title}**: tool `{tool_name(op.key)}` ({kind}), {http}. {op.summary}"
                         + (f" Parameters: {params}." if params else "")
                         + (f" Body: `{op.body}`." if op.body else ""))
        lines.append("")
    return "\n".join(lines)


RESOURCES: tuple[ResourceSpec, ...] = (
    ResourceSpec("tripletex://whoami", "whoami", "Who the connection is: employee and company.",
                 "application/json", _whoami),
    ResourceSpec("tripletex://ledger/accounts", "chart-of-accounts", "The chart of accounts (number, name, VAT type).",
                 "application/json", _accounts),
    ResourceSpec("tripletex://ledger/vat-types", "vat-types", "The VAT types (id, number, name, percentage).",
                 "application/json", _vat_types),
    ResourceSpec("tripletex://invoices/open", "open-invoices", "Invoices with an outstanding amount.",
                 "application/json", _open_invoices),
    ResourceSpec("tripletex://modules", "module-reference", "Every module as a tool, generated from the catalog.",
                 "text/markdown", module_reference),
)


@dataclass(frozen=True)
class PromptSpec:
    """One prompt: its name, description, arguments and the message it renders."""

    name: str
    description: str
    arguments: tuple[tuple[str, str, bool], ...]
    template: str

    def prompt(self) -> types.Prompt:
        """The MCP Prompt declaration."""
        return types.Prompt(name=self.name, description=self.description, arguments=[
            types.PromptArgument(name=n, description=d, required=r) for n, d, r in self.arguments])

    def render(self, arguments: Mapping[str, str]) -> types.GetPromptResult:
        """The prompt's message with the arguments filled in (missing required ones are an error)."""
        missing = [n for n, _, required in self.arguments if required and not arguments.get(n)]
        if missing:
            raise ValueError(f"prompt {self.name!r} needs {', '.join(missing)}")
        values = {n: arguments.get(n) or "" for n, _, _ in self.arguments}
        text = self.template.format(**values)
        message = types.PromptMessage(role="user", content=types.TextContent(type="text", text=text))
        return types.GetPromptResult(description=self.description, messages=[message])


PROMPTS: tuple[PromptSpec, ...] = (
    PromptSpec(
        "invoice-approved-hours", "Invoice a project's approved hours of one month.",
        (("project", "The project's name", True), ("month", "The month, YYYY-MM", True),
         ("rate", "NOK per hour excluding VAT when an entry has no rate", False)),
        "Invoice the approved hours of project {project} for {month}.\n"
        "1. Find the project with `project_search` (name) and note its customer.\n"
        "2. List its hours with `timesheet_entry_search` (project_id, date_from = first day of {month}, "
        "date_to = first day of the next month; date_to is excluded).\n"
        "3. Check which employees' months are approved with `monthly_timesheet_by_months` "
        "(employee_ids, month_year_list={month}); bill only their hours.\n"
        "4. Create an order for the customer with `order_create`, one order line per entry "
        "(`order_line_create`: description, count = hours, unitPriceExcludingVatCurrency = the entry's hourly "
        "rate or {rate}).\n"
        "5. Invoice it with `order_invoice` (invoice_date today, send_to_customer false) and report the invoice "
        "number and amount.",
    ),
    PromptSpec(
        "book-receipt", "Book a receipt as a voucher with VAT.",
        (("description", "What was bought", True), ("amount", "The amount paid, including VAT", True),
         ("date", "The receipt's date, YYYY-MM-DD", True),
         ("account", "The expense account number, e.g. 6800 (office supplies)", False)),
        "Book this receipt as a voucher: {description}, {amount} NOK including VAT, dated {date}, expense "
        "account {account} (ask if empty).\n"
        "1. Read the VAT types (resource tripletex://ledger/vat-types or `vat_type_search`) and pick the incoming "
        "(deductible) VAT type of the right rate (25 % unless the receipt says otherwise).\n"
        "2. Create the voucher with `voucher_create`: date {date}, description, and two postings entered gross "
        "that sum to zero: the expense account with amountGross {amount} and the VAT type (Tripletex splits the "
        "VAT out to 2710 itself), and the bank account 1920 with amountGross -{amount}. Accounts can be given "
        "as {{\"number\": 6800}}.\n"
        "3. Report the voucher number and its postings.",
    ),
    PromptSpec(
        "find-overdue-invoices", "Find invoices past their due date that are not paid.",
        (("date", "Overdue as of this date, YYYY-MM-DD (default today)", False),),
        "Find the overdue invoices as of {date} (today if empty).\n"
        "1. Search invoices with `invoice_search` (invoice_date_from 2000-01-01, invoice_date_to the day after "
        "{date}, fields id,invoiceNumber,invoiceDueDate,customer(id,name),amount,amountOutstanding), or read "
        "the resource tripletex://invoices/open.\n"
        "2. Keep those with amountOutstanding > 0 and invoiceDueDate before {date}.\n"
        "3. List them by customer with invoice number, due date, days overdue and the amount outstanding, "
        "and the total.",
    ),
)
