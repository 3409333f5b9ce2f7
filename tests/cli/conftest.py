"""Fixtures for CLI tests: an isolated environment, a runner, and a respx-mocked Tripletex on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
import respx
from typer.testing import CliRunner, Result

from tripletex_connect.cli.main import app

from .mock_api import BASE, CONSUMER, EMPLOYEE, SESSION, Invoke


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No real profile or token leaks into a test: config in tmp_path, Tripletex variables cleared."""
    for name in ("CONSUMER_TOKEN", "EMPLOYEE_TOKEN", "COMPANY_ID", "ENV", "BASE_URL", "PROFILE"):
        monkeypatch.delenv(f"TRIPLETEX_{name}", raising=False)
    config = tmp_path / "config" / "config.toml"
    monkeypatch.setenv("TRIPLETEX_CONFIG", str(config))
    # Wide help so option names are not cut; no colour codes in captured output.
    monkeypatch.setenv("COLUMNS", "240")
    monkeypatch.setenv("TERMINAL_WIDTH", "240")
    monkeypatch.setenv("NO_COLOR", "1")
    return config


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    """Tripletex mocked at BASE: session creation and whoAmI answer; each test adds its own routes."""
    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        router.put("/token/session/:create").respond(
            200,
            json={"value": {"id": 1, "version": 1, "token": SESSION, "expirationDate": "2099-01-01"}},
            headers={"x-tlx-request-id": "req-session"},
        )
        router.get("/token/session/>whoAmI").respond(
            200,
            json={
                "value": {
                    "employeeId": 7,
                    "actualEmployeeId": 7,
                    "companyId": 42,
                    "language": "en",
                    "employee": {"id": 7, "url": f"{BASE}/employee/7", "firstName": "Ola", "lastName": "Nordmann"},
                    "company": {"id": 42, "url": f"{BASE}/company/42", "name": "Fjord Regnskap AS"},
                }
            },
        )
        yield router


@pytest.fixture
def ttx() -> Invoke:
    """Run `ttx` against BASE with test tokens; stdout and stderr are captured separately."""
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None, connect: bool = True) -> Result:
        prefix: Sequence[str] = ("--base-url", BASE) if connect else ()
        env = {"TRIPLETEX_CONSUMER_TOKEN": CONSUMER, "TRIPLETEX_EMPLOYEE_TOKEN": EMPLOYEE} if connect else {}
        return runner.invoke(app, [*prefix, *args], input=input, env=env)

    return invoke
