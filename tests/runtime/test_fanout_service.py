"""`ttx serve` with `companies:`: a schedule tick and a watch poll run once per client company."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from tripletex_connect.runtime import RunStore, Service
from tripletex_connect.testing import FixtureCompany

from .conftest import FakeClock

TICKER = """
    name: ticker
    companies: all
    trigger: {type: schedule, cron: "0 * * * *", catch_up: one}
    steps:
      - id: mark
        module: customer.create
        body: {name: "tick {{ trigger.due }}"}
"""

WELCOME = """
    name: welcome
    companies: all
    trigger: {type: watch, module: customer.search, every: 1m}
    steps:
      - id: tag
        module: customer.update
        params: {id: "{{ trigger.id }}"}
        body: {description: "welcomed"}
"""


def names(company: FixtureCompany, company_id: int, prefix: str) -> list[str]:
    with company.client.with_company(company_id) as tx:
        return sorted(c.name for c in tx.customers.search(customer_name=prefix, fields="name"))


def ticked_once(make_service: Callable[..., Service], write: Callable[[str, str], Path], clock: FakeClock) -> Service:
    """A service with the ticker scenario, one hour after it started: its first tick has come and run."""
    write("ticker.yaml", TICKER)
    service = make_service()
    service.tick()
    clock.advance(hours=1)
    service.tick()
    return service


def test_a_schedule_tick_runs_once_for_every_company_with_a_run_each(
    make_service: Callable[..., Service], write: Callable[[str, str], Path], clock: FakeClock, store: RunStore,
    tripletex_sandbox: FixtureCompany, client_companies: list[int],
) -> None:
    service = ticked_once(make_service, write, clock)
    service.tick()
    assert [len(names(tripletex_sandbox, c, "tick")) for c in client_companies] == [1] * len(client_companies)
    assert names(tripletex_sandbox, 0, "tick") == []
    runs = store.runs("ticker")
    assert sorted(r["company"] for r in runs) == client_companies
    assert {r["status"] for r in runs} == {"ok"}
    assert len({r["tick"] for r in runs}) == 1


def test_company_runs_queued_before_a_restart_run_once_after_it(
    make_service: Callable[..., Service], write: Callable[[str, str], Path], clock: FakeClock, store: RunStore,
    tripletex_sandbox: FixtureCompany, client_companies: list[int],
) -> None:
    write("ticker.yaml", TICKER)
    due = clock.now.replace(minute=0) + dt.timedelta(hours=1)
    store.start_tick("ticker", clock.now)
    queued = store.claim_tick("ticker", due, clock.now, file="ticker.yaml")
    assert queued is not None
    store.split_run(queued, client_companies)  # the process stopped right after the tick was split
    clock.now = due + dt.timedelta(minutes=1)
    service = make_service()
    service.tick()
    service.tick()
    assert [len(names(tripletex_sandbox, c, "tick")) for c in client_companies] == [1] * len(client_companies)
    assert sorted(r["company"] for r in store.runs("ticker")) == client_companies


def test_a_watch_keeps_a_position_per_company_and_runs_only_where_something_is_new(
    make_service: Callable[..., Service], write: Callable[[str, str], Path], clock: FakeClock, store: RunStore,
    tripletex_sandbox: FixtureCompany, client_companies: list[int],
) -> None:
    write("welcome.yaml", WELCOME)
    service = make_service()
    service.tick()  # the first poll of each company remembers where "now" is
    with tripletex_sandbox.client.with_company(client_companies[1]) as tx:
        tx.customers.create({"name": "New Kunde AS"})
    clock.advance(minutes=1)
    service.tick()
    runs = store.runs("welcome")
    assert [(r["company"], r["trigger_item"]["name"]) for r in runs] == [(client_companies[1], "New Kunde AS")]
    with tripletex_sandbox.client.with_company(client_companies[0]) as tx:
        tx.customers.create({"name": "Other Kunde AS"})
    clock.advance(minutes=1)
    service.tick()
    runs = store.runs("welcome")
    assert [(r["company"], r["trigger_item"]["name"]) for r in runs] == [
        (client_companies[1], "New Kunde AS"), (client_companies[0], "Other Kunde AS")]


def test_the_dashboard_shows_each_runs_company(
    make_service: Callable[..., Service], write: Callable[[str, str], Path], clock: FakeClock, store: RunStore,
    tripletex_sandbox: FixtureCompany, client_companies: list[int],
) -> None:
    from starlette.testclient import TestClient

    from tripletex_connect.runtime.web.app import create_app

    service = ticked_once(make_service, write, clock)
    http = TestClient(create_app(service), base_url="http://127.0.0.1")
    listing = http.get("/runs?scenario=ticker").text
    assert all(f'<td class="company">{c}</td>' in listing for c in client_companies)
    run = store.runs("ticker")[0]
    assert f'company <span id="run-company">{run["company"]}</span>' in http.get(f"/runs/{run['id']}").text


def test_a_company_run_cut_off_by_a_crash_is_kept_for_its_company(store: RunStore) -> None:
    cut = store.begin_run("ticker", file="ticker.yaml", connection="x", trigger="schedule",
                          started=dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC), company=100042)
    store.mark_interrupted(cut, "the service stopped during this run")
    [kept] = store.incomplete(scenario="ticker")
    assert kept.run_id == cut and kept.company == 100042


def test_a_store_made_before_companies_gains_the_columns_when_opened(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, scenario TEXT NOT NULL, file TEXT, "
                     "connection TEXT, trigger TEXT, tick TEXT, started TEXT NOT NULL, ended TEXT, status TEXT "
                     "NOT NULL, dry_run INTEGER NOT NULL DEFAULT 0, trigger_item TEXT, error TEXT, record TEXT, "
                     "pid INTEGER)")
        conn.execute("INSERT INTO runs (scenario, started, status) VALUES ('old', '2026-11-01T00:00:00+00:00', 'ok')")
    store = RunStore(path)
    try:
        assert [(r["scenario"], r["company"]) for r in store.runs()] == [("old", None)]
    finally:
        store.close()


def test_the_listing_says_which_companies_a_scenario_runs_for(
    make_service: Callable[..., Service], write: Callable[[str, str], Path],
) -> None:
    write("ticker.yaml", TICKER)
    service = make_service()
    service.reload()
    [row] = service.listing()
    assert row["trigger"].endswith(", for all client companies")
