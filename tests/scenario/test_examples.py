"""Every examples/*.yaml runs against the sandbox, so the examples never rot."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tripletex_connect.client import Tripletex
from tripletex_connect.sandbox import SandboxCompany
from tripletex_connect.sandbox.reference import BANK_ACCOUNT
from tripletex_connect.scenario import Scenario, ScenarioResult, load_scenario, run_scenario

EXAMPLES = sorted((Path(__file__).parents[2] / "examples").glob("*.yaml"))


def _orders(tx: Tripletex) -> dict[str, Any]:
    customer = tx.customers.create({"name": "Bergen Bryggeri AS"})
    other = tx.customers.create({"name": "Annen Kunde AS"})
    for who, count in ((customer, 2), (customer, 3), (other, 1)):
        tx.orders.create({"customer": {"id": who.id}, "orderDate": "2026-11-20", "deliveryDate": "2026-11-20",
                          "orderLines": [{"description": "Timer", "unitPriceExcludingVatCurrency": 1000,
                                          "count": count}]})
    return {"customer": "bergen bryggeri", "date": "2026-11-25"}


def _check_invoices(tx: Tripletex, result: ScenarioResult) -> None:
    assert result.output["customer"] == "Bergen Bryggeri AS"
    assert len(result.output["invoices"]) == 2
    assert result.output["total"] == 6250.0  # 5 hours at 1000 plus 25 % VAT
    invoices = tx.invoices.search(invoice_date_from="2026-11-25", invoice_date_to="2026-11-26").to_list()
    assert sorted(i.amount_outstanding for i in invoices) == [0, 0]


def _hours(tx: Tripletex) -> dict[str, Any]:
    bank = tx.ledger_accounts.search(number=[1920]).first()
    assert bank is not None
    tx.ledger_accounts.update(bank.id, {"version": bank.version, "bankAccountNumber": BANK_ACCOUNT})
    ola = tx.employees.search(first_name="Ola").first()
    work = next(a for a in tx.activities.search() if a.is_project_activity)
    assert ola is not None
    customer = tx.customers.create({"name": "Fjordkraft AS"})
    project = tx.projects.create({"name": "Nettbutikk", "projectManager": {"id": ola.id},
                                  "customer": {"id": customer.id}, "startDate": "2026-09-01",
                                  "projectActivities": [{"activity": {"id": work.id}}]})
    for day, hours in (("2026-10-05", 7.5), ("2026-10-06", 6.0), ("2026-11-02", 3.0)):
        tx.timesheet_entries.create({"employee": {"id": ola.id}, "project": {"id": project.id},
                                     "activity": {"id": work.id}, "date": day, "hours": hours})
    return {"project": "Nettbutikk", "month": "2026-10", "date": "2026-11-25", "ola": ola.id}


def _bill_hours(tx: Tripletex, scenario: Scenario) -> None:
    values = _hours(tx)
    ola = values.pop("ola")
    not_yet = run_scenario(scenario, tx, vars=values)
    assert not_yet.ok and not_yet.output["invoice"] is None  # October is not approved yet
    tx.monthly_timesheets.complete(employee_ids=[ola], month_year="2026-10")
    tx.monthly_timesheets.approve(employee_ids=[ola], month_year="2026-10")
    billed = run_scenario(scenario, tx, vars=values)
    assert billed.ok, billed.last.error
    assert billed.output["hours_billed"] == 13.5  # October's hours only, not November's
    assert billed.output["amount"] == 21093.75  # 13.5 h at 1250 plus 25 % VAT
    again = run_scenario(scenario, tx, vars=values)
    assert again.ok and again.output["invoice"] is None  # the month is billed once


def _welcome(tx: Tripletex, run: Callable[[], ScenarioResult]) -> None:
    tx.customers.create({"name": "Gammel Kunde AS"})
    assert run().runs == []  # the first run starts watching
    tx.customers.create({"name": "Ny Kunde AS"})
    result = run()
    assert result.output == [{"id": result.output[0]["id"], "name": "Ny Kunde AS", "category": "Ny kunde"}]
    tagged = tx.customers.get(result.output[0]["id"], fields="category1(name)")
    assert tagged.category1 is not None and tagged.category1.name == "Ny kunde"


def _sort(tx: Tripletex, run: Callable[[], ScenarioResult]) -> None:
    assert run().runs == []  # the first run starts watching
    tx.customers.create({"name": "Med E-post AS", "email": "post@epost.no"})
    tx.customers.create({"name": "Uten E-post AS"})
    result = run()
    assert result.ok, [r.error for r in result.runs]
    assert [(o["name"], o["route"]) for o in result.output] == [("Med E-post AS", "email"), ("Uten E-post AS", "phone")]
    assert result.output[-1]["sorted_so_far"] == 2
    described = {c.name: c.description for c in tx.customers.search(fields="name,description")}
    assert described["Uten E-post AS"] == "Ring kunden"
    assert (described["Med E-post AS"] or "").startswith("Velkomst-e-post ")


def _weekly(tx: Tripletex, result: ScenarioResult) -> None:
    assert result.output["invoices"] == 0 and result.output["bank_account"]


def test_the_documented_examples_exist() -> None:
    assert {p.name for p in EXAMPLES} >= {"invoice-open-orders.yaml", "welcome-new-customers.yaml", "weekly-sales.yaml",
                                          "invoice-approved-hours.yaml", "sort-new-customers.yaml"}


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_runs_on_the_sandbox(path: Path, tripletex_sandbox: SandboxCompany) -> None:
    """Known examples get their data and checks; any other example must at least run without a failure."""
    tx = tripletex_sandbox.client
    scenario = load_scenario(path)
    if path.stem == "welcome-new-customers":
        _welcome(tx, lambda: run_scenario(scenario, tx))
        return
    if path.stem == "sort-new-customers":
        _sort(tx, lambda: run_scenario(scenario, tx))
        return
    if path.stem == "invoice-approved-hours":
        _bill_hours(tx, scenario)
        return
    values = _orders(tx) if path.stem == "invoice-open-orders" else {}
    result = run_scenario(scenario, tx, vars=values)
    assert result.ok, result.last.error
    if path.stem == "invoice-open-orders":
        _check_invoices(tx, result)
    elif path.stem == "weekly-sales":
        _weekly(tx, result)


NOTHING_MATCHES = {"customer": "Finnes Ikke AS", "project": "Finnes ikke", "month": "2026-10"}


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_that_finds_nothing_ends_ok_without_a_failure(path: Path, tripletex_sandbox: SandboxCompany) -> None:
    scenario = load_scenario(path)
    values = {name: NOTHING_MATCHES[name] for name, value in scenario.vars.items() if value is None}
    result = run_scenario(scenario, tripletex_sandbox.client, vars=values)
    assert result.ok, result.last.error if result.runs else result.note


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_dry_run_lists_its_calls_and_writes_nothing(path: Path, tripletex_sandbox: SandboxCompany) -> None:
    tx = tripletex_sandbox.client
    scenario = load_scenario(path)
    values = _orders(tx) if path.stem == "invoice-open-orders" else {}
    if path.stem == "invoice-approved-hours":
        values = _hours(tx)
        ola = values.pop("ola")
        tx.monthly_timesheets.complete(employee_ids=[ola], month_year="2026-10")
        tx.monthly_timesheets.approve(employee_ids=[ola], month_year="2026-10")
    orders_before = tx.orders.search(order_date_from="2000-01-01", order_date_to="2100-01-01").to_list()
    result = run_scenario(scenario, tx, vars=values, dry_run=True)
    assert all(run.ok for run in result.runs), [run.error for run in result.runs]
    assert tx.invoices.search(invoice_date_from="2000-01-01", invoice_date_to="2100-01-01").to_list() == []
    assert tx.orders.search(order_date_from="2000-01-01", order_date_to="2100-01-01").to_list() == orders_before
