"""Every examples/*.yaml runs against the sandbox, so the examples never rot."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tripletex_connect.client import Tripletex
from tripletex_connect.sandbox import SandboxCompany
from tripletex_connect.scenario import ScenarioResult, load_scenario, run_scenario

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


def _welcome(tx: Tripletex, run: Callable[[], ScenarioResult]) -> None:
    tx.customers.create({"name": "Gammel Kunde AS"})
    assert run().runs == []  # the first run starts watching
    tx.customers.create({"name": "Ny Kunde AS"})
    result = run()
    assert result.output == [{"id": result.output[0]["id"], "name": "Ny Kunde AS", "category": "Ny kunde"}]
    tagged = tx.customers.get(result.output[0]["id"], fields="category1(name)")
    assert tagged.category1 is not None and tagged.category1.name == "Ny kunde"


def _weekly(tx: Tripletex, result: ScenarioResult) -> None:
    assert result.output["invoices"] == 0 and result.output["bank_account"]


def test_the_documented_examples_exist() -> None:
    assert {p.name for p in EXAMPLES} >= {"invoice-open-orders.yaml", "welcome-new-customers.yaml", "weekly-sales.yaml"}


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_runs_on_the_sandbox(path: Path, tripletex_sandbox: SandboxCompany) -> None:
    """Known examples get their data and checks; any other example must at least run without a failure."""
    tx = tripletex_sandbox.client
    scenario = load_scenario(path)
    if path.stem == "welcome-new-customers":
        _welcome(tx, lambda: run_scenario(scenario, tx))
        return
    values = _orders(tx) if path.stem == "invoice-open-orders" else {}
    result = run_scenario(scenario, tx, vars=values)
    assert result.ok, result.last.error
    if path.stem == "invoice-open-orders":
        _check_invoices(tx, result)
    elif path.stem == "weekly-sales":
        _weekly(tx, result)
