"""Fixtures for the runtime: a store in tmp_path, a folder of scenario files, a service on a fake clock, and client
companies of the test's accountant company for fan-outs."""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tripletex_connect.runtime import RunStore, Service
from tripletex_connect.runtime.clients import ClientPool
from tripletex_connect.sandbox import Sandbox, SandboxCompany
from tripletex_connect.testing import FixtureCompany


class FakeClock:
    """A clock tests move by hand."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> dt.datetime:
        """Move on and return the new time."""
        self.now += dt.timedelta(**delta)
        return self.now


@pytest.fixture(autouse=True)
def data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """State in tmp_path; no real profile or token from the environment."""
    for name in ("CONSUMER_TOKEN", "EMPLOYEE_TOKEN", "COMPANY_ID", "ENV", "BASE_URL", "PROFILE"):
        monkeypatch.delenv(f"TRIPLETEX_{name}", raising=False)
    monkeypatch.setenv("TRIPLETEX_CONFIG", str(tmp_path / "config" / "config.toml"))
    monkeypatch.setenv("TRIPLETEX_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COLUMNS", "240")
    return tmp_path / "data"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[RunStore]:
    """A fresh store."""
    s = RunStore(tmp_path / "store" / "runtime.sqlite3")
    yield s
    s.close()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """An empty folder of scenario files."""
    path = tmp_path / "scenarios"
    path.mkdir()
    return path


@pytest.fixture
def write(folder: Path) -> Callable[[str, str], Path]:
    """Write a scenario file (dedented) into the folder."""

    def put(name: str, text: str) -> Path:
        path = folder / name
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return put


@pytest.fixture
def clock() -> FakeClock:
    """A fake clock at 2026-11-25 09:00 UTC."""
    return FakeClock(dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC))


@pytest.fixture
def make_service(
    folder: Path, store: RunStore, clock: FakeClock, tripletex_sandbox: SandboxCompany
) -> Iterator[Callable[..., Service]]:
    """Services on the folder, the store and the fake clock, running inside tick(); clients on the sandbox."""
    made: list[Service] = []

    def make(**options: object) -> Service:
        clients = ClientPool(lambda _connection: tripletex_sandbox.client)
        service = Service(folder, store, clients, clock=clock, inline=True, **options)  # type: ignore[arg-type]
        made.append(service)
        return service

    yield make
    for service in made:
        service.stop()


@pytest.fixture
def client_companies(tripletex_sandbox: FixtureCompany, tripletex_sandbox_server: Sandbox) -> list[int]:
    """Three client companies of the test's accountant company (its fixture client and two more), ids ascending."""
    first = tripletex_sandbox.client_company_id
    assert first is not None
    return [first, *(tripletex_sandbox_server.new_client_company(tripletex_sandbox.company_id, name)
                     for name in ("Acme Bakeri AS", "Acme Bygg AS"))]
