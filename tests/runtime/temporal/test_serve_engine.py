"""`ttx serve --engine temporal`: the service hands schedules to Temporal Schedules and webhook deliveries to
watch workflows; the workers record the runs in the service's store, so its dashboard shows them."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import time
from collections.abc import Callable
from pathlib import Path

from temporalio.client import Client

from tripletex_connect.client import Tripletex
from tripletex_connect.core.profiles import Profile, ProfileStore
from tripletex_connect.runtime import RunStore, Service
from tripletex_connect.runtime.clients import ClientPool
from tripletex_connect.runtime.temporal_service import TemporalRemote

from .conftest import Accountant, WorkerThread

SCHEDULED = """
name: every morning
trigger: {type: schedule, cron: "0 7 * * *"}
steps:
  - id: customer
    module: customer.create
    body: {name: "Morning AS"}
"""
ON_UPDATE = """
name: on update
trigger: {type: webhook, event: customer.update}
steps:
  - id: note
    module: customer.create
    body: {name: "Updated {{ trigger.name }}"}
"""


def wait_for_runs(store: RunStore, scenario: str, count: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while len(store.runs(scenario)) < count:
        assert time.monotonic() < deadline, f"{scenario}: fewer than {count} run(s) recorded"
        time.sleep(0.1)


def test_serve_on_temporal_schedules_on_temporal_and_signals_each_delivery_once(
    temporal_server: str, task_queue: str, start_worker: Callable[..., WorkerThread], accountant: Accountant,
    store: RunStore, folder: Path,
) -> None:
    company = accountant.company
    ProfileStore(Path(os.environ["TRIPLETEX_CONFIG"])).save(Profile(
        "acct", base_url=company.base_url, consumer_token=company.consumer_token,
        employee_token=company.employee_token))
    start_worker(accountant.connect, store)
    (folder / "morning.yaml").write_text(SCHEDULED, encoding="utf-8")
    (folder / "update.yaml").write_text(ON_UPDATE, encoding="utf-8")
    clients = ClientPool(lambda connection: Tripletex(profile="acct"))
    service = Service(folder, store, clients, inline=True, remote=TemporalRemote(temporal_server, task_queue))
    try:
        service.tick()
        own = accountant.client()
        acme = own.customers.create({"name": "Acme AS"})
        store.add_subscription(77, connection="acct", scenario="on update", company_id=company.company_id,
                               event="customer.update", target_url="http://127.0.0.1/hooks", secret="s")
        now = dt.datetime.now(dt.UTC)
        assert store.accept_delivery("delivery-1", 77, "customer.update", acme.id, now)
        service.tick()
        wait_for_runs(store, "on update", 1)

        async def fire() -> None:
            temporal = await Client.connect(temporal_server)
            await temporal.get_schedule_handle("ttx-schedule/every-morning").trigger()

        asyncio.run(fire())
        wait_for_runs(store, "every morning", 1)
        assert sorted(c.name for c in own.customers.search()) == ["Acme AS", "Morning AS", "Updated Acme AS"]
        assert {r["status"] for r in store.runs()} == {"ok"}
        own.close()
    finally:
        service.stop()
        clients.close()
