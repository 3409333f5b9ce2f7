"""The server's details through the SDK's client connected in-process: compact mode, the raw API call, resources,
prompts and scenario tools, each against a fresh sandbox company."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from mcp.shared.exceptions import MCPError

from tripletex_connect.runtime.store import DB_NAME, RunStore
from tripletex_connect.sandbox import SandboxCompany
from tripletex_connect.sandbox.reference import BANK_ACCOUNT

from .conftest import audit_entries, inproc_session

EXAMPLES = Path(__file__).parents[2] / "examples"


async def test_compact_mode_offers_three_tools_that_find_describe_and_call_every_module(
    tripletex_sandbox: SandboxCompany, data_dir: Path
) -> None:
    tripletex_sandbox.client.customers.create({"name": "Fjord AS"})
    async with inproc_session(tripletex_sandbox, data_dir, compact=True, allow_writes="sales") as mcp:
        assert [t.name for t in (await mcp.client.list_tools()).tools] == [
            "find_module", "describe_module", "call_module"]
        found = (await mcp.call("find_module", {"query": "search customers"}))["modules"]
        assert "customer.search" in [m["key"] for m in found]
        described = await mcp.call("describe_module", {"key": "customer.delete"})
        assert described["annotations"]["destructiveHint"] and "confirmation_token" in str(described["inputSchema"])
        customers = await mcp.call("call_module", {"key": "customer_search", "arguments": {"customer_name": "fjord"}})
        assert [c["name"] for c in customers["values"]] == ["Fjord AS"]
        made = await mcp.call("call_module", {"key": "customer.create", "arguments": {"body": {"name": "Ny AS"}}})
        delete = {"key": "customer.delete", "arguments": {"id": made["value"]["id"]}}
        preview = await mcp.call("call_module", delete)
        assert (await mcp.call("call_module", {**delete, "confirmation_token": preview["confirmation_token"]}))["done"]
        message, _ = await mcp.fail("call_module", {"key": "product.create", "arguments": {"body": {"name": "X"}}})
        assert "--allow-writes products" in message
        message, _ = await mcp.fail("describe_module", {"key": "customer.serch"})
        assert "did you mean 'customer.search'" in message


async def test_a_search_returns_at_most_its_limit_and_says_how_many_match(
    tripletex_sandbox: SandboxCompany, data_dir: Path
) -> None:
    tripletex_sandbox.client.customers.create_many([{"name": f"Kunde {i}"} for i in range(3)])
    async with inproc_session(tripletex_sandbox, data_dir) as mcp:
        found = await mcp.call("customer_search", {"limit": "2", "sorting": "name"})
        assert (found["count"], found["fullResultSize"]) == (2, 3)
        assert [c["name"] for c in found["values"]] == ["Kunde 0", "Kunde 1"]
        message, _ = await mcp.fail("customer_search", {"limit": 0})
        assert "limit must be a whole number of at least 1" in message
        message, _ = await mcp.fail("customer_get", {"id": 1, "limit": 5})
        assert "takes no 'limit'" in message


async def test_the_raw_api_call_reads_when_read_only_and_writes_only_after_a_confirmed_preview(
    tripletex_sandbox: SandboxCompany, data_dir: Path
) -> None:
    async with inproc_session(tripletex_sandbox, data_dir) as mcp:
        answer = await mcp.call("api_call", {"method": "GET", "path": "/ledger/account", "params": {"number": "1920"}})
        assert answer["value"]["values"][0]["number"] == 1920
        message, _ = await mcp.fail("api_call", {"method": "POST", "path": "/customer", "body": {"name": "X"}})
        assert "--allow-writes api" in message
        message, _ = await mcp.fail("api_call", {"method": "GET", "path": "/token/session/>whoAmI"})
        assert "/token paths" in message
    async with inproc_session(tripletex_sandbox, data_dir, allow_writes="api") as mcp:
        made = await mcp.confirmed("api_call", {"method": "POST", "path": "/customer", "body": {"name": "Rå AS"}})
        assert made["value"]["value"]["name"] == "Rå AS"


async def test_invoicing_that_sends_to_the_customer_needs_confirmation_and_invoicing_without_sending_does_not(
    tripletex_sandbox: SandboxCompany, data_dir: Path
) -> None:
    tx = tripletex_sandbox.client
    bank = tx.ledger_accounts.search(number=[1920]).first()
    tx.ledger_accounts.update(bank.id, {"version": bank.version, "bankAccountNumber": BANK_ACCOUNT})
    customer = tx.customers.create({"name": "Fjord AS"})
    orders = [tx.orders.create({"customer": {"id": customer.id}, "orderDate": "2026-11-25",
                                "deliveryDate": "2026-11-25", "orderLines": [{"description": "Timer", "count": 1,
                                                                              "unitPriceExcludingVatCurrency": 100}]})
              for _ in range(2)]
    async with inproc_session(tripletex_sandbox, data_dir, allow_writes="sales") as mcp:
        quiet = await mcp.call("order_invoice", {"id": orders[0].id, "invoice_date": "2026-11-25",
                                                 "send_to_customer": False})
        assert quiet["value"]["invoiceNumber"]
        preview = await mcp.call("order_invoice", {"id": orders[1].id, "invoice_date": "2026-11-25"})
        assert preview["preview"]["path"] == f"/order/{orders[1].id}/:invoice" and "confirmation_token" in preview
    invoices = tx.invoices.search(invoice_date_from="2026-11-25", invoice_date_to="2026-11-26").to_list()
    assert [i.invoice_number for i in invoices] == [quiet["value"]["invoiceNumber"]]  # the second is not sent yet


async def test_a_write_whose_answer_was_lost_is_a_tool_error_that_says_to_look_before_retrying(
    tripletex_sandbox: SandboxCompany, data_dir: Path
) -> None:
    tripletex_sandbox.inject("503,method=POST,path=/customer,when=after,times=0")
    async with inproc_session(tripletex_sandbox, data_dir, allow_writes="sales") as mcp:
        message, details = await mcp.fail("customer_create", {"body": {"name": "Kanskje AS"}})
    assert "may or may not have happened" in message and details
    assert [e["status"] for e in audit_entries(data_dir)] == ["failed"]


async def test_resources_show_the_company_and_the_module_reference_and_prompts_guide_common_jobs(
    tripletex_sandbox: SandboxCompany, data_dir: Path
) -> None:
    async with inproc_session(tripletex_sandbox, data_dir) as mcp:
        uris = {str(r.uri) for r in (await mcp.client.list_resources()).resources}
        assert uris == {"tripletex://whoami", "tripletex://ledger/accounts", "tripletex://ledger/vat-types",
                        "tripletex://invoices/open", "tripletex://modules"}
        contents = {uri: (await mcp.client.read_resource(uri)).contents[0] for uri in sorted(uris)}
        for content in contents.values():
            mcp.clean(content)
        assert json.loads(contents["tripletex://whoami"].text)["companyId"] == tripletex_sandbox.company_id
        assert 1920 in [a["number"] for a in json.loads(contents["tripletex://ledger/accounts"].text)]
        assert any(v["number"] == "3" for v in json.loads(contents["tripletex://ledger/vat-types"].text))
        assert json.loads(contents["tripletex://invoices/open"].text) == []
        assert "tool `customer_search`" in contents["tripletex://modules"].text

        prompts = {p.name for p in (await mcp.client.list_prompts()).prompts}
        assert prompts == {"invoice-approved-hours", "book-receipt", "find-overdue-invoices"}
        prompt = await mcp.client.get_prompt("invoice-approved-hours", {"project": "Nettbutikk", "month": "2026-10"})
        assert "Nettbutikk" in prompt.messages[0].content.text and "order_invoice" in prompt.messages[0].content.text
        with pytest.raises(MCPError, match="needs description"):
            await mcp.client.get_prompt("book-receipt", {"amount": "100", "date": "2026-11-25"})


def approved_hours(company: SandboxCompany) -> None:
    """October's hours on project Nettbutikk, approved, and a bank account to invoice with."""
    tx = company.client
    bank = tx.ledger_accounts.search(number=[1920]).first()
    tx.ledger_accounts.update(bank.id, {"version": bank.version, "bankAccountNumber": BANK_ACCOUNT})
    ola = tx.employees.search(first_name="Ola").first()
    customer = tx.customers.create({"name": "Fjordkraft AS"})
    project = tx.projects.create({"name": "Nettbutikk", "projectManager": {"id": ola.id}, "startDate": "2026-09-01",
                                  "customer": {"id": customer.id}, "projectActivities": [{"activity": {"id": 2}}]})
    tx.timesheet_entries.create({"employee": {"id": ola.id}, "project": {"id": project.id}, "activity": {"id": 2},
                                 "date": "2026-10-05", "hours": 7.5})
    tx.monthly_timesheets.complete(employee_ids=[ola.id], month_year="2026-10")
    tx.monthly_timesheets.approve(employee_ids=[ola.id], month_year="2026-10")


async def test_a_scenario_folder_becomes_tools_that_dry_run_until_their_writes_are_allowed(
    tripletex_sandbox: SandboxCompany, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRIPLETEX_DATA_DIR", str(data_dir))  # the runner's history goes there
    folder = tmp_path / "scenarios"
    folder.mkdir()
    shutil.copy(EXAMPLES / "invoice-approved-hours.yaml", folder)
    approved_hours(tripletex_sandbox)
    inputs = {"project": "Nettbutikk", "month": "2026-10", "date": "2026-11-25"}
    async with inproc_session(tripletex_sandbox, data_dir, scenarios=folder) as mcp:
        [tool] = [t for t in (await mcp.client.list_tools()).tools if t.name.startswith("scenario_")]
        assert tool.name == "scenario_invoice_approved_hours"
        assert tool.input_schema["required"] == ["project", "month"] and not tool.annotations.read_only_hint
        dry = await mcp.call(tool.name, inputs)
        assert dry["dryRun"] and "--allow-writes sales" in dry["message"]
        assert "order.invoice" in [call["module"] for call in dry["calls"]]
    orders = tripletex_sandbox.client.orders.search(order_date_from="2026-01-01", order_date_to="2027-01-01")
    assert orders.to_list() == []
    async with inproc_session(tripletex_sandbox, data_dir, scenarios=folder, allow_writes="sales") as mcp:
        billed = await mcp.call("scenario_invoice_approved_hours", inputs)
        assert not billed["dryRun"] and billed["output"]["hours_billed"] == 7.5 and billed["output"]["invoice"]
    assert [e["outcome"] for e in audit_entries(data_dir)] == ["dry_run", "ok"]
    store = RunStore(data_dir / DB_NAME)  # the scenario's own history sits beside the calls: the real run only
    assert [run["status"] for run in store.history("Invoice approved hours")] == ["ok"]
    store.close()
