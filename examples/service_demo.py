"""The end of `make demo`: `ttx serve` on examples/service for a few seconds against the demo sandbox.

A schedule fires (the 07:00 run missed while the service was "down" is caught up once) and a webhook
trigger greets a customer the demo creates; the runs are shown, and where the dashboard was.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import threading
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from tripletex_connect import Tripletex
from tripletex_connect.runtime import RunStore, Service
from tripletex_connect.runtime.clients import ClientPool
from tripletex_connect.runtime.web import create_app
from tripletex_connect.runtime.web.server import WebServer
from tripletex_connect.runtime.webhooks import Hooks
from tripletex_connect.sandbox import Sandbox
from tripletex_connect.sandbox.server import free_port

FOLDER = Path(__file__).with_name("service")
SECONDS = 4.0


def show_service(sandbox: Sandbox, console: Console) -> None:
    """Serve examples/service for a few seconds, then show the runs it made and where the dashboard was."""
    with tempfile.TemporaryDirectory() as tmp, Tripletex.for_sandbox(sandbox) as tx:
        store = RunStore(Path(tmp) / "runtime.sqlite3")
        # As if the service had last run yesterday: this morning's 07:00 fell due while it was down.
        store.start_tick("Morning orders", dt.datetime.now(dt.UTC) - dt.timedelta(days=3))
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        service = Service(FOLDER, store, ClientPool(lambda _connection: tx), hooks=Hooks(store, receiver_url=url))
        server = WebServer(create_app(service), "127.0.0.1", port).start()
        console.print(f"\nStarting [bold]ttx serve examples/service[/] for {SECONDS:g} seconds; "
                      f"dashboard at [bold]{url}/[/]")
        worker = threading.Thread(target=service.run_forever, kwargs={"interval": 0.2}, daemon=True)
        worker.start()
        time.sleep(0.5)
        for path, problems in service.broken.items():
            console.print(f"[yellow]skipped[/] {path.name}: {'; '.join(problems)}")
        customer = tx.customers.create({"name": "Nordlys Demo AS"})
        console.print(f"[green]Created[/] customer {customer.id} '{customer.name}': Tripletex announces it by webhook")
        time.sleep(SECONDS - 0.5)
        service.request_stop()
        worker.join(10)
        service.stop()
        server.stop()
        table = Table(title="Runs of the service", title_justify="left")
        for column in ("run", "scenario", "trigger", "status", "item"):
            table.add_column(column)
        for run in store.runs():
            item = run["trigger_item"] or {}
            due = dt.datetime.fromisoformat(item["due"]).astimezone().isoformat(timespec="minutes") if item.get(
                "due") else ""
            table.add_row(str(run["id"]), run["scenario"], run["trigger"] or "", run["status"],
                          due or str(item.get("name") or ""))
        console.print(table)
        console.print(f"The dashboard was at [bold]{url}/[/]; run it yourself with "
                      f"[bold]ttx --base-url http://127.0.0.1:8000/v2 serve examples/service[/]")
        store.close()
