"""The service on a fake clock against the sandbox: schedules, restarts, broken files and watches."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from tripletex_connect.runtime import RunStore, Service
from tripletex_connect.sandbox import SandboxCompany

from .conftest import FakeClock

TICKER = """
    name: ticker
    trigger: {{type: schedule, cron: "{cron}", catch_up: {catch_up}}}
    steps:
      - id: mark
        module: customer.create
        body: {{name: "tick {{{{ trigger.due }}}}"}}
"""


def ticks_made(company: SandboxCompany) -> list[str]:
    return sorted(c.name for c in company.client.customers.search(customer_name="tick", fields="name"))


def run_until(service: Service, clock: FakeClock, end: dt.datetime, step: dt.timedelta) -> None:
    while clock.now < end:
        clock.now = min(end, clock.now + step)
        service.tick()


def test_a_cron_scenario_fires_at_seven_oslo_time_across_the_spring_change(
    make_service: Callable[..., Service], write: Callable[[str, str], Path], clock: FakeClock,
    tripletex_sandbox: SandboxCompany,
) -> None:
    write("ticker.yaml", TICKER.format(cron="0 7 * * *", catch_up="one"))
    clock.now = dt.datetime(2026, 3, 27, 12, 0, tzinfo=dt.UTC)
    service = make_service()
    run_until(service, clock, dt.datetime(2026, 3, 31, 12, 0, tzinfo=dt.UTC), dt.timedelta(minutes=20))
    assert ticks_made(tripletex_sandbox) == [f"tick 2026-03-{day}T07:00:00+0{offset}:00"
                                             for day, offset in (("28", 1), ("29", 2), ("30", 2), ("31", 2))]


def test_a_restart_neither_repeats_a_tick_nor_loses_the_one_missed_while_down(
    make_service: Callable[..., Service], write: Callable[[str, str], Path], clock: FakeClock, store: RunStore,
    tripletex_sandbox: SandboxCompany,
) -> None:
    write("ticker.yaml", TICKER.format(cron="0 * * * *", catch_up="one"))
    first = make_service()
    run_until(first, clock, clock.now + dt.timedelta(hours=2, minutes=10), dt.timedelta(minutes=5))
    first.stop()
    assert len(ticks_made(tripletex_sandbox)) == 2
    clock.advance(hours=3)  # down over three ticks: `one` runs the latest of them once
    second = make_service()
    second.tick()
    second.tick()
    names = ticks_made(tripletex_sandbox)
    assert len(names) == 3 and names[-1].endswith("T15:00:00+01:00")
    assert [r["status"] for r in store.runs("ticker")] == ["ok", "ok", "ok"]


def test_catch_up_all_runs_every_tick_missed_while_down(
    make_service: Callable[..., Service], write: Callable[[str, str], Path], clock: FakeClock,
    tripletex_sandbox: SandboxCompany,
) -> None:
    write("ticker.yaml", TICKER.format(cron="0 * * * *", catch_up="all"))
    make_service().tick()
    clock.advance(hours=3, minutes=30)
    make_service().tick()
    assert len(ticks_made(tripletex_sandbox)) == 3


def test_a_broken_file_is_reported_and_skipped_while_the_others_run(
    make_service: Callable[..., Service], write: Callable[[str, str], Path], clock: FakeClock,
    tripletex_sandbox: SandboxCompany,
) -> None:
    write("ticker.yaml", TICKER.format(cron="*/10 * * * *", catch_up="one"))
    broken = write("broken.yaml", "name: broken\nsteps:\n  - id: a\n    module: customer.serch\n")
    service = make_service()
    service.tick()
    listing = {row["file"]: row for row in service.listing()}
    assert "unknown module 'customer.serch'" in listing["broken.yaml"]["trigger"]
    assert listing["ticker.yaml"]["next_run"] == "2026-11-25T10:10+01:00"
    run_until(service, clock, clock.now + dt.timedelta(minutes=25), dt.timedelta(minutes=5))
    assert len(ticks_made(tripletex_sandbox)) == 2
    broken.write_text("name: broken\nsteps:\n  - id: a\n    module: customer.search\n", "utf-8")
    service.tick()
    assert {row["file"]: row["trigger"] for row in service.listing()}["broken.yaml"].startswith("manual")


def test_a_watch_runs_once_per_new_object_and_costs_one_small_request_when_idle(
    make_service: Callable[..., Service], write: Callable[[str, str], Path], clock: FakeClock, store: RunStore,
    tripletex_sandbox: SandboxCompany,
) -> None:
    tripletex_sandbox.client.customers.create({"name": "Before AS"})
    write("welcome.yaml", """
        name: welcome
        trigger: {type: watch, module: customer.search, every: 1m}
        steps:
          - id: tag
            module: customer.update
            params: {id: "{{ trigger.id }}"}
            body: {description: "welcomed"}
        """)
    service = make_service()
    service.tick()  # the first poll remembers where "now" is
    for name in ("New 1", "New 2"):
        tripletex_sandbox.client.customers.create({"name": name})
    clock.advance(minutes=1)
    service.tick()
    clock.advance(minutes=1)
    service.tick()
    described = {c.name: c.description for c in tripletex_sandbox.client.customers.search(fields="name,description")}
    assert described == {"Before AS": None, "New 1": "welcomed", "New 2": "welcomed"}
    runs = store.runs("welcome")
    assert [r["trigger_item"]["name"] for r in runs] == ["New 1", "New 2"]
    assert all(r["status"] == "ok" and r["trigger"] == "watch" for r in runs)
