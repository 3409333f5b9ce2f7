"""Done means an assistant can do every README selling, bookkeeping and hours example through `ttx mcp`."""

from __future__ import annotations

import base64
from pathlib import Path

from tripletex_connect.sandbox import SandboxCompany
from tripletex_connect.sandbox.reference import BANK_ACCOUNT

from .conftest import Session, stdio_session

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"


async def first(mcp: Session, tool: str, **arguments: object) -> dict[str, object]:
    """The first value a search finds."""
    found = await mcp.call(tool, {**arguments, "limit": 1})
    assert found["values"], f"{tool} found nothing"
    return dict(found["values"][0])


async def selling(mcp: Session) -> None:
    bank = await first(mcp, "ledger_account_search", number=[1920])
    await mcp.call("ledger_account_update", {"id": bank["id"], "body": {
        "version": bank["version"], "bankAccountNumber": BANK_ACCOUNT}})
    acme = await mcp.value("customer_create", {"body": {"name": "Acme AS", "email": "post@acme.no"}})
    acme = await mcp.value("customer_update", {"id": acme["id"], "body": {
        "version": acme["version"], "phoneNumber": "+47 22 00 00 00"}})
    assert acme["phoneNumber"] == "+47 22 00 00 00"
    found = await mcp.call("customer_search", {"customer_name": "acme", "limit": 50})
    assert [c["id"] for c in found["values"]] == [acme["id"]]

    product = await mcp.value("product_create", {"body": {
        "name": "Konsulenttime", "number": "1001", "priceExcludingVatCurrency": 1250}})
    order = await mcp.value("order_create", {"body": {
        "customer": {"id": acme["id"]}, "orderDate": "2026-11-25", "deliveryDate": "2026-11-25",
        "orderLines": [{"product": {"id": product["id"]}, "count": 8}]}})
    # Invoicing sends the invoice to the customer unless told not to: the assistant confirms it first.
    invoice = (await mcp.confirmed("order_invoice", {"id": order["id"], "invoice_date": "2026-11-25"}))["value"]
    assert invoice["amount"] == 12500.0  # 8 x 1250 + 25 % VAT
    paid = await mcp.value("invoice_payment", {"id": invoice["id"], "payment_date": "2026-12-01",
                                               "payment_type_id": 1, "paid_amount": invoice["amount"]})
    assert paid["amountOutstanding"] == 0
    pdf = await mcp.call("invoice_pdf", {"invoice_id": invoice["id"]})
    assert pdf["contentType"] == "application/pdf" and base64.b64decode(pdf["base64"]).startswith(b"%PDF")
    postings = await mcp.call("posting_search", {"date_from": "2026-11-25", "date_to": "2026-11-26"})
    assert postings["count"] > 0


async def bookkeeping(mcp: Session) -> None:
    input_vat = await first(mcp, "vat_type_search", number=["1"])
    voucher = await mcp.value("voucher_create", {"body": {
        "date": "2026-11-25", "description": "Kontorrekvisita", "postings": [
            {"account": {"number": 6800}, "amountGross": 1250, "vatType": {"id": input_vat["id"]}},
            {"account": {"number": 1920}, "amountGross": -1250}]}})
    assert voucher["number"]
    reversed_ = await mcp.confirmed("voucher_reverse", {"id": voucher["id"], "date": "2026-11-30"})
    assert reversed_["value"]["id"] != voucher["id"]
    old = await mcp.call("historical_voucher_create", {"body": [{"date": "2024-06-30", "postings": [
        {"date": "2024-06-30", "account": {"number": 6300}, "amount": 500.0},
        {"date": "2024-06-30", "account": {"number": 1920}, "amount": -500.0}]}]})
    [made] = old["values"]
    scan = {"voucher_id": made["id"], "file_base64": base64.b64encode(PDF).decode(), "filename": "scan.pdf"}
    assert (await mcp.value("historical_voucher_upload", scan))["id"] == made["id"]
    vouchers = await mcp.call("voucher_search", {"date_from": "2026-01-01", "date_to": "2027-01-01"})
    assert voucher["id"] in [v["id"] for v in vouchers["values"]]
    assert (await mcp.call("payment_type_out_search"))["count"] > 0
    rent = await mcp.value("voucher_create", {"body": {"date": "2026-11-26", "description": "Feil", "postings": [
        {"account": {"number": 6300}, "amountGross": 100}, {"account": {"number": 1920}, "amountGross": -100}]}})
    assert (await mcp.confirmed("voucher_delete", {"id": rent["id"]}))["done"]


async def hours(mcp: Session) -> None:
    me = await first(mcp, "employee_search", first_name="Ola")
    project = await mcp.value("project_create", {"body": {
        "name": "Nytt lager", "projectManager": {"id": me["id"]}, "startDate": "2026-11-01",
        "projectActivities": [{"activity": {"id": 2}}]}})
    await mcp.value("timesheet_entry_create", {"body": {
        "employee": {"id": me["id"]}, "project": {"id": project["id"]}, "activity": {"id": 2},
        "date": "2026-11-20", "hours": 7.5}})
    clock = await mcp.value("time_clock_start", {"activity_id": 2, "project_id": project["id"]})
    assert (await mcp.call("time_clock_stop", {"id": clock["id"]}))["done"]
    done = await mcp.call("monthly_timesheet_update", {
        "command": "complete", "employee_ids": [me["id"]], "month_year": "2026-11"})
    assert done["count"] == 1
    await mcp.call("monthly_timesheet_update", {"command": "approve", "employee_ids": [me["id"]],
                                                "month_year": "2026-11"})
    week = await mcp.call("weekly_timesheet_get", {"employee_ids": [me["id"]], "week_year": "2026-47"})
    assert week["value"]
    entries = await mcp.call("timesheet_entry_search", {"date_from": "2026-11-01", "date_to": "2026-12-01"})
    assert [e["hours"] for e in entries["values"]][:1] == [7.5]


async def test_every_readme_selling_bookkeeping_and_hours_example_runs_through_the_mcp_client(
    tripletex_sandbox: SandboxCompany, data_dir: Path
) -> None:
    async with stdio_session(tripletex_sandbox, data_dir, "--allow-writes") as mcp:
        await selling(mcp)
        await bookkeeping(mcp)
        await hours(mcp)
