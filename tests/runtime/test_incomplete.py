"""Incomplete executions: failed items and runs cut off by a crash are kept, resumed after a fix, or discarded."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner, Result

from tripletex_connect.cli.main import app
from tripletex_connect.runtime import RunStore, Service
from tripletex_connect.sandbox import SandboxCompany

from .conftest import FakeClock

ORDER_FOR_NEW_CUSTOMERS = """
    name: order for new customers
    trigger: {type: watch, module: customer.search, every: 1m}
    steps:
      - id: widget
        module: product.search
        params: {productNumber: WIDGET-9}
      - id: order
        module: order.create
        body:
          customer: {id: "{{ trigger.id }}"}
          orderDate: "2026-11-25"
          deliveryDate: "2026-11-25"
          orderLines: [{product: {id: "{{ steps.widget.first.id }}"}, count: 1}]
"""


def ttx(company: SandboxCompany, store: RunStore, *args: str) -> Result:
    env = {"TRIPLETEX_CONSUMER_TOKEN": company.consumer_token, "TRIPLETEX_EMPLOYEE_TOKEN": company.employee_token}
    return CliRunner().invoke(app, ["--base-url", company.base_url, *args, "--db", str(store.path)],
                              env=env)


def test_a_failed_item_is_kept_and_resumed_after_the_fix_books_its_order_once(
    make_service: Callable[..., Service], write: Callable[[str, str], Path], clock: FakeClock, store: RunStore,
    tripletex_sandbox: SandboxCompany,
) -> None:
    write("orders.yaml", ORDER_FOR_NEW_CUSTOMERS)
    service = make_service()
    service.tick()
    customer = tripletex_sandbox.client.customers.create({"name": "Needs Widget AS"})
    clock.advance(minutes=1)
    service.tick()
    [kept] = store.incomplete()
    assert kept.scenario == "order for new customers" and "widget" in (kept.error or "")
    listed = json.loads(ttx(tripletex_sandbox, store, "scenario", "incomplete", "list", "-o", "json").stdout)
    assert [i["id"] for i in listed] == [kept.id]
    tripletex_sandbox.client.products.create({"name": "Widget", "number": "WIDGET-9"})
    resumed = ttx(tripletex_sandbox, store, "scenario", "incomplete", "resume", str(kept.id))
    assert resumed.exit_code == 0, resumed.stderr
    again = ttx(tripletex_sandbox, store, "scenario", "incomplete", "resume", str(kept.id))
    assert again.exit_code == 2 and "resolved" in again.stderr
    clock.advance(minutes=1)
    service.tick()
    orders = tripletex_sandbox.client.orders.search(customer_id=customer.id, order_date_from="2026-01-01",
                                                     order_date_to="2027-01-01").to_list()
    assert len(orders) == 1
    assert store.incomplete() == [] and [i.state for i in store.incomplete(state=None)] == ["resolved"]


def test_runs_cut_off_by_a_crash_are_listed_as_incomplete_on_restart(
    make_service: Callable[..., Service], write: Callable[[str, str], Path], store: RunStore,
) -> None:
    write("orders.yaml", ORDER_FOR_NEW_CUSTOMERS)
    cut = store.begin_run("order for new customers", file="orders.yaml", connection="x", trigger="watch",
                          started=dt.datetime(2026, 11, 25, 8, tzinfo=dt.UTC), trigger_item={"id": 5})
    make_service().tick()
    assert [(i.run_id, i.next_retry) for i in store.incomplete()] == [(cut, None)]  # never retried blindly
    run = store.run(cut)
    assert run is not None and run["status"] == "interrupted"


def test_an_incomplete_execution_can_be_discarded(
    tripletex_sandbox: SandboxCompany, store: RunStore,
) -> None:
    run_id = store.begin_run("s", file="s.yaml", connection="x", trigger="watch",
                             started=dt.datetime(2026, 11, 25, 8, tzinfo=dt.UTC))
    store.mark_interrupted(run_id, "cut off")
    [kept] = store.incomplete()
    shown = json.loads(ttx(tripletex_sandbox, store, "scenario", "incomplete", "show", str(kept.id), "-o",
                           "json").stdout)
    assert shown["run"]["status"] == "interrupted" and shown["error"] == "cut off"
    assert ttx(tripletex_sandbox, store, "scenario", "incomplete", "discard", str(kept.id)).exit_code == 0
    assert store.incomplete() == []
    assert ttx(tripletex_sandbox, store, "scenario", "incomplete", "show", "999").exit_code == 2


def test_history_shows_failed_runs_one_run_in_full_and_runs_since_a_time(
    tripletex_sandbox: SandboxCompany, store: RunStore,
) -> None:
    store.add_run({"scenario": "a", "status": "ok", "started": "2026-11-20T08:00:00+00:00"})
    failed = store.add_run({
        "scenario": "a", "status": "warning", "started": "2026-11-24T08:00:00+00:00", "error": None,
        "steps": {"send": {"module": "invoice.send", "status": "failed", "runs": 2, "errors": 1,
                           "failures": [{"id": 12, "status": 422, "code": 18000, "error": "no e-mail",
                                         "request_id": "req-77"}]}}})
    rows = json.loads(ttx(tripletex_sandbox, store, "scenario", "history", "--failed", "-o", "json").stdout)
    assert [r["id"] for r in rows] == [failed]
    since = json.loads(ttx(tripletex_sandbox, store, "scenario", "history", "--since", "2026-11-22",
                           "-o", "json").stdout)
    assert [r["id"] for r in since] == [failed]
    table = ttx(tripletex_sandbox, store, "scenario", "history", "--run", str(failed), "-o", "table")
    assert table.exit_code == 0 and "req-77" in table.stdout and "no e-mail" in table.stdout
    bad = ttx(tripletex_sandbox, store, "scenario", "history", "--since", "last tuesday")
    assert bad.exit_code == 2 and "--since" in bad.stderr
