"""Fixtures for scenario tests: an isolated data dir, scenario files from text, and a CLI runner on the sandbox."""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from tripletex_connect.cli.main import app
from tripletex_connect.sandbox import SandboxCompany
from tripletex_connect.scenario import Scenario, load_scenario

FIXED_NOW = dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Watch state and history in tmp_path; no real profile or token from the environment."""
    for name in ("CONSUMER_TOKEN", "EMPLOYEE_TOKEN", "COMPANY_ID", "ENV", "BASE_URL", "PROFILE"):
        monkeypatch.delenv(f"TRIPLETEX_{name}", raising=False)
    monkeypatch.setenv("TRIPLETEX_CONFIG", str(tmp_path / "config" / "config.toml"))
    monkeypatch.setenv("TRIPLETEX_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COLUMNS", "240")
    monkeypatch.setenv("NO_COLOR", "1")
    return tmp_path / "data"


@pytest.fixture
def scenario_file(tmp_path: Path) -> Callable[[str], Path]:
    """Write a scenario (dedented) to a file and return its path."""
    counter = iter(range(1000))

    def write(text: str) -> Path:
        path = tmp_path / f"scenario{next(counter)}.yaml"
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return write


@pytest.fixture
def scenario(scenario_file: Callable[[str], Path]) -> Callable[[str], Scenario]:
    """Load (and validate) a scenario from text."""
    return lambda text: load_scenario(scenario_file(text))


def ttx_on(company: SandboxCompany, *args: str) -> Result:
    """Run `ttx` against a sandbox company; stdout and stderr captured separately."""
    env = {"TRIPLETEX_CONSUMER_TOKEN": company.consumer_token, "TRIPLETEX_EMPLOYEE_TOKEN": company.employee_token}
    return CliRunner().invoke(app, ["--base-url", company.base_url, *args], env=env)
