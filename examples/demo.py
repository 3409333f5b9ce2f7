"""The tripletex-connect demo: a short, realistic flow against the local sandbox (what `make demo` runs).

It starts the sandbox with demo data on a free port and connects with the SDK exactly as a user would
connect to Tripletex; then it works with customers, sells (product, order, invoice, PDF, postings),
approves a month of hours and runs the scenario examples/invoice-approved-hours.yaml to invoice them,
ends with `ttx serve` on examples/service for a few seconds (a schedule and a webhook firing), and stops
the sandbox cleanly.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

from tripletex_connect import APIError, Tripletex
from tripletex_connect.sandbox import Sandbox
from tripletex_connect.scenario import run_file

sys.path.insert(0, str(Path(__file__).parent))
from service_demo import show_service  # examples/ is not a package

console = Console()
TODAY = dt.date.today().isoformat()
TOMORROW = (dt.date.today() + dt.timedelta(days=1)).isoformat()
HOURS_SCENARIO = Path(__file__).with_name("invoice-approved-hours.yaml")
TRY_IT = "ttx sandbox serve --seed demo"


def try_it_command(python: Path, cwd: Path, ttx_on_path: str | None) -> str:
    """The closing hint as a command that works when typed in `cwd`: `ttx` itself when it is on PATH, else the
    virtual environment's activation first (what `make demo` leaves you with)."""
    bin_dir = python.parent
    if ttx_on_path is not None and Path(ttx_on_path).parent == bin_dir:
        return TRY_IT
    activate = bin_dir / "activate"
    if activate.exists():
        return f". {os.path.relpath(activate, cwd)} && {TRY_IT}"
    return f"{os.path.relpath(bin_dir / 'ttx', cwd)} {TRY_IT.removeprefix('ttx ')}"


def customers_table(title: str, customers: list) -> Table:  # type: ignore[type-arg]
    """A table of customers as the demo shows them."""
    table = Table(title=title, title_justify="left")
    for column in ("id", "number", "name", "org. number", "email", "city", "version"):
        table.add_column(column)
    for c in customers:
        city = c.postal_address.city if c.postal_address else ""
        table.add_row(str(c.id), str(c.customer_number or ""), c.name or "", c.organization_number or "",
                      c.email or "", city or "", str(c.version))
    return table


def run(tx: Tripletex) -> None:
    """The flow itself: who am I, create, find, update, show, categories, a refused write."""
    me = tx.whoami()
    company = me.company.name if me.company else "?"
    who = f"{me.employee.first_name} {me.employee.last_name}" if me.employee else f"employee {me.employee_id}"
    console.print(f"[bold]Connected[/] as {who} of [bold]{company}[/] (company {me.company_id})")

    shown = "id,customerNumber,name,organizationNumber,email,postalAddress(city),version"
    existing = list(tx.customers.search(fields=shown, limit=5))
    console.print(customers_table("Some of the customers already in the books (limit 5)", existing))

    created = tx.customers.create({
        "name": "Fjordkraft Demo AS",
        "organizationNumber": "987654321",
        "email": "post@fjordkraft-demo.no",
        "invoiceEmail": "faktura@fjordkraft-demo.no",
        "postalAddress": {"addressLine1": "Strandkaien 10", "postalCode": "5013", "city": "Bergen"},
    })
    console.print(f"\n[green]Created[/] customer {created.id} '{created.name}', number {created.customer_number}, "
                  f"version {created.version}")

    found = tx.customers.search(customer_name="fjordkraft", limit=1).first()
    assert found is not None and found.id == created.id
    console.print(f"[green]Found[/] it again by searching 'fjordkraft': id {found.id}")

    updated = tx.customers.update(created.id, {"version": created.version, "phoneNumber": "+47 55 00 00 00",
                                               "email": "kunde@fjordkraft-demo.no"})
    console.print(f"[green]Updated[/] email and phone: version {created.version} -> {updated.version}")
    fresh = tx.customers.get(created.id, fields="*,postalAddress(city)")
    console.print(customers_table("The customer after the update", [fresh]))

    categories = Table(title="Customer categories", title_justify="left")
    for column in ("id", "number", "name", "type"):
        categories.add_column(column)
    for cat in tx.customer_categories.search():
        categories.add_row(str(cat.id), cat.number or "", cat.name or "", str(cat.type))
    console.print(categories)

    try:
        tx.customers.update(created.id, {"version": created.version, "email": "stale@example.no"})
    except APIError as err:
        console.print("\n[yellow]As expected, a write with a stale version is refused:[/]")
        console.print(str(err), markup=False)


def sell(tx: Tripletex) -> None:
    """Products, an order with lines, the invoice, its PDF and the postings it booked."""
    kaffe = tx.products.create({"name": "Kaffe, 1 kg (demo)", "number": "D-100", "priceExcludingVatCurrency": 189.0})
    console.print(f"\n[green]Created[/] product '{kaffe.name}': {kaffe.price_excluding_vat_currency:.2f} excl. VAT, "
                  f"{kaffe.price_including_vat_currency:.2f} incl. VAT")
    customer = tx.customers.search(customer_name="bergen bryggeri", limit=1).first()
    assert customer is not None
    order = tx.orders.create({
        "customer": {"id": customer.id}, "orderDate": TODAY, "deliveryDate": TODAY,
        "orderLines": [{"product": {"id": kaffe.id}, "count": 12, "discount": 5},
                       {"description": "Levering", "unitPriceExcludingVatCurrency": 350.0, "count": 1}],
    })
    lines = Table(title=f"Order {order.id} for {customer.name}", title_justify="left")
    for column in ("description", "count", "unit price", "discount %", "excl. VAT", "incl. VAT"):
        lines.add_column(column)
    for ref in order.order_lines or []:
        line = tx.order_lines.get(ref.id)
        lines.add_row(line.description or "", f"{line.count:g}", f"{line.unit_price_excluding_vat_currency:.2f}",
                      f"{line.discount:g}", f"{line.amount_excluding_vat_currency:.2f}",
                      f"{line.amount_including_vat_currency:.2f}")
    console.print(lines)
    invoice = tx.orders.invoice(order.id, invoice_date=TODAY, send_to_customer=False)
    console.print(f"[green]Invoiced[/]: invoice {invoice.invoice_number}, {invoice.amount:.2f} NOK due "
                  f"{invoice.invoice_due_date}")
    pdf = tx.invoices.pdf(invoice.id)
    console.print(f"[green]Fetched[/] the invoice PDF: {len(pdf):,} bytes ({pdf[:8].decode()})")
    booked = Table(title="What the invoice booked", title_justify="left")
    for column in ("account", "name", "amount"):
        booked.add_column(column)
    for posting in tx.postings.search(date_from=TODAY, date_to=TOMORROW,
                                      fields="account(number,name),amountGross"):
        account = posting.account
        booked.add_row(str(account.number if account else ""), account.name or "" if account else "",
                       f"{posting.amount_gross:.2f}")
    console.print(booked)


def bill_hours(tx: Tripletex) -> None:
    """Hours on a project, its month approved, and the scenario that invoices approved hours."""
    project = tx.projects.search(name="kontorbygg", limit=1).first()
    assert project is not None
    since = (dt.date.today() - dt.timedelta(days=60)).isoformat()
    entries = tx.timesheet_entries.search(project_id=[project.id], date_from=since, date_to=TOMORROW,
                                          fields="date,hours,employee(id,firstName),activity(name),comment").to_list()
    hours = Table(title=f"Hours on project '{project.name}'", title_justify="left")
    for column in ("date", "employee", "activity", "hours", "comment"):
        hours.add_column(column)
    for entry in entries:
        hours.add_row(entry.date or "", entry.employee.first_name or "" if entry.employee else "",
                      entry.activity.name or "" if entry.activity else "", f"{entry.hours:g}", entry.comment or "")
    console.print()
    console.print(hours)
    month = max(entry.date or "" for entry in entries)[:7]
    employees = sorted({entry.employee.id for entry in entries if entry.employee and entry.employee.id})
    tx.monthly_timesheets.complete(employee_ids=employees, month_year=month)
    tx.monthly_timesheets.approve(employee_ids=employees, month_year=month)
    console.print(f"[green]Approved[/] the monthly timesheet of {month}; hours of approved months are locked")
    console.print(f"Running [bold]ttx run examples/{HOURS_SCENARIO.name}[/] "
                  f"--var project=\"{project.name}\" --var month={month}")
    result = run_file(HOURS_SCENARIO, tx, vars={"project": project.name, "month": month}, record=False)
    for name, step in result.last.steps.items():
        console.print(f"  {name:<8} {step.status}")
    out = result.output
    console.print(f"[green]Invoiced[/] {out['hours_billed']:g} approved hours of {month}: invoice {out['invoice']}, "
                  f"{out['amount']:.2f} NOK incl. VAT")


def main() -> int:
    """Start the sandbox, run the flow, stop the sandbox."""
    sandbox = Sandbox(seed="demo")
    with console.status("Starting the local Tripletex sandbox with demo data..."):
        sandbox.start()
    try:
        console.print(f"Sandbox running at [bold]{sandbox.base_url}[/]")
        with Tripletex.for_sandbox(sandbox) as tx:
            run(tx)
            sell(tx)
            bill_hours(tx)
        show_service(sandbox, console)
    finally:
        sandbox.stop()
    hint = try_it_command(Path(sys.executable), Path.cwd(), shutil.which("ttx"))
    console.print("\nSandbox stopped. Try it yourself:")
    console.print(f"  [bold]{hint}[/]", highlight=False, soft_wrap=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
