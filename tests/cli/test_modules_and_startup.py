"""`ttx modules` lists the catalog; `ttx --help` starts without the heavy imports; `python -m` works."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import pytest

from tripletex_connect import catalog
from tripletex_connect.cli.main import SANDBOX_MODULE

from .mock_api import Invoke


def test_modules_lists_every_make_module_including_make_an_api_call(ttx: Invoke) -> None:
    result = ttx("modules", "-o", "json", connect=False)
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    expected = {op.key for op in catalog.all_operations() if op.make_module}
    assert expected <= {row["key"] for row in rows}
    api_call = next(row for row in rows if row["module"] == "Make an API Call")
    assert api_call["cli_call"].startswith("ttx api METHOD PATH")
    assert all(row["method"] and row["path"] for row in rows)


def test_modules_marks_exposed_operations_beyond_make_as_extra(ttx: Invoke) -> None:
    rows = json.loads(ttx("modules", connect=False).stdout)
    extra = {row["key"] for row in rows if row["extra"]}
    assert extra == {op.key for op in catalog.all_operations() if op.exposed and not op.make_module}
    assert "session.create" not in {row["key"] for row in rows}


def test_modules_group_filter_is_case_insensitive(ttx: Invoke) -> None:
    rows = json.loads(ttx("modules", "--group", "customers", "-o", "json", connect=False).stdout)
    assert {row["group"] for row in rows} == {"Customers"}
    assert {row["module"] for row in rows} == {op.title for op in catalog.groups()["Customers"]}


def test_modules_with_an_unknown_group_names_the_known_ones(ttx: Invoke) -> None:
    result = ttx("modules", "--group", "Invoices?", connect=False)
    assert result.exit_code == 2 and "Customer Categories" in result.stderr


def test_modules_table_shows_titles_and_cli_calls(ttx: Invoke) -> None:
    result = ttx("modules", "-g", "Customers", "-o", "table", connect=False)
    assert result.exit_code == 0, result.stderr
    assert "Search Customers" in result.stdout and "ttx customers search" in result.stdout


def test_modules_table_shows_the_catalog_key_that_scenarios_use(ttx: Invoke) -> None:
    result = ttx("modules", "-g", "Customers", "-o", "table", connect=False)
    header = result.stdout.splitlines()[1]
    assert "key" in header
    assert "customer.search" in result.stdout and "customer.create" in result.stdout


def test_help_lists_the_resource_groups_of_the_catalog(ttx: Invoke) -> None:
    result = ttx("--help", connect=False)
    assert result.exit_code == 0
    for resource in catalog.resources():
        assert resource.replace("_", "-") in result.stdout
    for command in ("api", "connect", "modules", "whoami"):
        assert command in result.stdout


_HELP_IMPORTS = """
import sys
from tripletex_connect.cli import main
try:
    main.app(["--help"], prog_name="ttx")
except SystemExit as exit:
    assert exit.code == 0, exit.code
heavy = ("httpx", "pydantic", "starlette", "tripletex_connect.client", "tripletex_connect.cli.sandbox_cmd")
print(",".join(m for m in heavy if m in sys.modules), file=sys.stderr)
"""


def test_help_does_not_import_httpx_pydantic_the_client_or_the_sandbox() -> None:
    done = subprocess.run([sys.executable, "-c", _HELP_IMPORTS], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == ""
    assert "Usage: ttx" in done.stdout


def test_python_dash_m_runs_the_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tripletex_connect", "modules", "-o", "json"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert any(row["module"] == "Make an API Call" for row in json.loads(done.stdout))


@pytest.mark.skipif(importlib.util.find_spec(SANDBOX_MODULE) is None, reason="the sandbox command is not written yet")
def test_the_sandbox_commands_are_mounted_under_ttx_sandbox(ttx: Invoke) -> None:
    assert "sandbox" in ttx("--help", connect=False).stdout
    result = ttx("sandbox", "--help", connect=False)
    assert result.exit_code == 0, result.stderr
    assert "serve" in result.stdout
