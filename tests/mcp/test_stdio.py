"""`ttx mcp` as an assistant sees it: the mcp SDK's own client talking to a server process over stdio."""

from __future__ import annotations

from pathlib import Path

from tripletex_connect import catalog
from tripletex_connect.sandbox import SandboxCompany

from .conftest import audit_entries, stdio_session


async def test_read_only_server_lists_every_module_annotated_answers_reads_and_refuses_writes(
    tripletex_sandbox: SandboxCompany, data_dir: Path
) -> None:
    tripletex_sandbox.client.customers.create({"name": "Fjord AS"})
    async with stdio_session(tripletex_sandbox, data_dir) as mcp:
        tools = {tool.name: tool for tool in (await mcp.client.list_tools()).tools}
        make_modules = [op for op in catalog.all_operations() if op.make_module]
        assert len(make_modules) == 121
        assert {op.key.replace(".", "_") for op in make_modules} <= set(tools)
        hints = {name: tools[name].annotations for name in (
            "customer_search", "customer_create", "customer_update", "customer_delete", "invoice_send",
            "order_invoice")}
        assert hints["customer_search"].read_only_hint and hints["customer_search"].idempotent_hint
        assert not hints["customer_update"].read_only_hint and hints["customer_update"].idempotent_hint
        assert not hints["customer_update"].destructive_hint
        assert hints["customer_delete"].destructive_hint and hints["customer_delete"].idempotent_hint
        assert hints["invoice_send"].destructive_hint and not hints["invoice_send"].idempotent_hint
        assert hints["order_invoice"].destructive_hint and not hints["order_invoice"].idempotent_hint  # it may send
        assert not hints["customer_create"].destructive_hint and not hints["customer_create"].idempotent_hint
        assert all(tool.annotations.open_world_hint for tool in tools.values())
        assert tools["customer_search"].input_schema["properties"]["customer_name"]["type"] == "string"
        assert "Search Customers" in tools["customer_search"].description

        found = await mcp.call("customer_search", {"customer_name": "fjord"})
        assert [c["name"] for c in found["values"]] == ["Fjord AS"] and found["requestId"]

        message, _ = await mcp.fail("customer_create", {"body": {"name": "Nope AS"}})
        assert "read-only" in message and "--allow-writes sales" in message
        message, _ = await mcp.fail("customer_search", {"customer_nme": "fjord"})
        assert "did you mean 'customer_name'" in message

    assert tripletex_sandbox.client.customers.search(customer_name="nope").to_list() == []
    audit = audit_entries(data_dir)
    assert [(e["tool"], e["outcome"]) for e in audit] == [
        ("customer_search", "ok"), ("customer_create", "refused"), ("customer_search", "invalid_arguments")]
    assert audit[0]["request_ids"] == [found["requestId"]] and audit[1]["status"] == "refused"
    assert audit[2]["status"] == "failed" and "customer_nme" in audit[2]["error"]


async def test_destructive_tool_runs_only_after_a_confirmed_preview_and_tripletex_validation_errors_are_tool_errors(
    tripletex_sandbox: SandboxCompany, data_dir: Path
) -> None:
    async with stdio_session(tripletex_sandbox, data_dir, "--allow-writes", "sales,ledger") as mcp:
        customer = await mcp.value("customer_create", {"body": {"name": "Fjord AS"}})
        preview = await mcp.call("customer_delete", {"id": customer["id"]})
        assert preview["preview"]["method"] == "DELETE" and preview["preview"]["path"] == f"/customer/{customer['id']}"
        assert preview["preview"]["company"]["id"] == tripletex_sandbox.company_id
        assert (await mcp.value("customer_get", {"id": customer["id"]}))["name"] == "Fjord AS"  # nothing sent yet

        token = preview["confirmation_token"]
        message, _ = await mcp.fail("customer_delete", {"id": customer["id"] + 1, "confirmation_token": token})
        assert "other arguments" in message
        assert (await mcp.call("customer_delete", {"id": customer["id"], "confirmation_token": token}))["done"]
        message, _ = await mcp.fail("customer_delete", {"id": customer["id"], "confirmation_token": token})
        assert "used already" in message

        message, details = await mcp.fail("voucher_create", {"body": {"date": "2026-11-25", "description": "x"}})
        assert details["httpStatus"] == 422 and details["requestId"]
        assert {m["field"] for m in details["validationMessages"]} == {"postings"}
        assert "postings" in message
        message, _ = await mcp.fail("timesheet_entry_create", {"body": {"hours": 1}})
        assert "group `hours`" in message and "--allow-writes hours" in message

    outcomes = [(e["tool"], e["outcome"]) for e in audit_entries(data_dir)]
    assert ("customer_delete", "preview") in outcomes and ("customer_delete", "ok") in outcomes
    assert all(e["arguments"].get("confirmation_token") in (None, "***") for e in audit_entries(data_dir))
