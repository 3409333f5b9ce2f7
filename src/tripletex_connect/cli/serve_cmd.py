"""`ttx serve [FOLDER]`: run every scenario file of a folder as one service, with a dashboard on loopback.

The runtime loads only when the command runs, so `ttx --help` stays fast.
"""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .derived import OutputOption
from .errors import CliUsageError
from .state import state_of

if TYPE_CHECKING:
    from ..client import Tripletex
    from ..runtime.store import RunStore

DEFAULT_PORT = 8790
DbOption = Annotated[
    Path | None,
    typer.Option("--db", metavar="FILE", help="The service's SQLite store (default: runtime.sqlite3 in the user "
                 "data directory)."),
]


def serve(
    ctx: typer.Context,
    folder: Annotated[Path, typer.Argument(metavar="[FOLDER]", help="The folder of scenario files.")] = Path("."),
    db: DbOption = None,
    list_only: Annotated[bool, typer.Option("--list", help="Show each scenario with its next run, then exit.")] = False,
    host: Annotated[str, typer.Option("--host", help="Address of the dashboard and webhook receiver.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port (0: any free one).")] = DEFAULT_PORT,
    public_url: Annotated[
        str | None,
        typer.Option("--public-url", metavar="URL", help="The https address Tripletex delivers webhooks to "
                     "(your reverse proxy or tunnel to this service); needed for webhooks of a remote Tripletex."),
    ] = None,
    workers: Annotated[int, typer.Option("--workers", min=1, max=64, help="Scenarios that may run at once.")] = 4,
    seconds: Annotated[
        float | None, typer.Option("--for", min=0.1, metavar="SECONDS", help="Stop after this long (demos, tests).")
    ] = None,
    output: OutputOption = None,
    engine: Annotated[str, typer.Option("--engine", metavar="in-process|temporal", help="Where runs execute: "
                                        "here, or schedules and webhook events handed to Temporal workers.")
                      ] = "in-process",
    temporal: Annotated[str | None, typer.Option("--temporal", metavar="HOST:PORT", help="The Temporal frontend."
                                                 )] = None,
    task_queue: Annotated[str, typer.Option("--task-queue", metavar="QUEUE", help="The Temporal task queue.")
                          ] = "ttx",
) -> None:
    """Run every scenario file in FOLDER on its schedule, watch or webhook until Ctrl-C or SIGTERM.

    Runs in flight finish when asked to stop; a restart continues where the service left off.
    """
    from ..runtime import RunStore, Service
    from ..runtime.clients import ClientPool
    from ..runtime.webhooks import Hooks, is_loopback

    if not folder.is_dir():
        raise CliUsageError(f"{folder} is not a folder of scenario files")
    store = RunStore(db) if db else RunStore()
    ctx.call_on_close(store.close)
    if not list_only:
        _hold(ctx, store)
    clients = ClientPool(lambda connection: _client(ctx, connection))
    ctx.call_on_close(clients.close)
    if port == 0:
        from ..sandbox.server import free_port

        port = free_port(host)
    address = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"
    hooks = None if list_only else Hooks(store, receiver_url=address, public_url=public_url)
    from .temporal_cmd import check_engine, remote_for

    check_engine(engine, temporal, False)
    service = Service(folder.resolve(), store, clients, workers=workers, hooks=hooks,
                      remote=remote_for(temporal, task_queue) if engine == "temporal" else None)
    if list_only:
        service.reload()
        _list(ctx, service, output)
        return
    _run(service, store, host, port, address, seconds, loopback=is_loopback(f"http://{host}"))


def _hold(ctx: typer.Context, store: RunStore) -> None:
    """One service per store: a second one would take the first one's runs in flight for cut off."""
    import fcntl

    lock = open(f"{store.path}.lock", "w")  # noqa: SIM115 (held until the command ends)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        lock.close()
        raise CliUsageError(f"another `ttx serve` is using the store {store.path}; stop it or give --db") from None
    ctx.call_on_close(lock.close)


def _client(ctx: typer.Context, connection: str | None) -> Tripletex:
    from ..runtime.clients import service_settings

    state = state_of(ctx)
    chosen = state.profile or state.base_url or os.environ.get("TRIPLETEX_PROFILE") or os.environ.get(
        "TRIPLETEX_BASE_URL")
    # A scenario's connection applies only when the command line does not choose one (as with `ttx run`).
    client = state.client(ctx, **({"profile": connection} if connection and not chosen else {}))
    settings = service_settings(client.settings)
    return client if settings is client.settings else state.client(ctx, settings=settings)


def _list(ctx: typer.Context, service: Any, output: Any) -> None:
    rows = service.listing()
    writer = state_of(ctx).writer(output)
    if writer.fmt == "table":
        writer.table(rows, ["file", "scenario", "trigger", "next_run", "last_run", "last_status"])
    else:
        writer.many([rows])


def _run(service: Any, store: RunStore, host: str, port: int, address: str, seconds: float | None,
         *, loopback: bool) -> None:
    from ..runtime.web import create_app
    from ..runtime.web.server import WebServer

    try:
        server = WebServer(create_app(service), host, port).start()
    except OSError:
        raise CliUsageError(f"cannot listen on {host}:{port} (in use? choose another with --port)") from None
    if not loopback:
        typer.echo(f"Warning: listening on {host}: the webhook receiver is reachable from the network; the "
                   "dashboard still answers only to loopback addresses", err=True)
    service.start()
    for path, problems in sorted(service.broken.items()):
        typer.echo(f"skipped {path.name}: {'; '.join(problems)}", err=True)
    typer.echo(f"serving {len(service.active)} scenario(s) from {service.folder}; store {store.path}", err=True)
    typer.echo(f"dashboard: {address}/", err=True)

    def stop(*_: Any) -> None:
        typer.echo("stopping: runs in flight finish first", err=True)
        service.request_stop()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    timer = threading.Timer(seconds, stop) if seconds else None
    if timer is not None:
        timer.daemon = True
        timer.start()
    try:
        service.run_forever()
    finally:
        service.stop()
        server.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if timer is not None:
            timer.cancel()
    typer.echo("stopped", err=True)
