"""`ttx mcp` on the command line: its options, and a clear message when the MCP SDK is not installed."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from tripletex_connect.cli import mcp_cmd
from tripletex_connect.cli.main import app
from tripletex_connect.cli.mcp_cmd import parse_allow_writes

ENV = {"TRIPLETEX_CONSUMER_TOKEN": "c-token", "TRIPLETEX_EMPLOYEE_TOKEN": "e-token",
       "TRIPLETEX_CONFIG": "/nonexistent/config.toml"}


def test_without_the_mcp_extra_ttx_mcp_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mcp_cmd, "sdk_installed", lambda: False)
    done = CliRunner().invoke(app, ["--base-url", "http://127.0.0.1:9/v2", "mcp"], env=ENV)
    assert done.exit_code == 1
    assert "pip install 'tripletex-connect[mcp]'" in done.stderr


def test_allow_writes_takes_an_optional_group_list() -> None:
    assert parse_allow_writes([]) is None
    assert parse_allow_writes(["--allow-writes"]) == "all"
    assert parse_allow_writes(["--allow-writes", "sales,hours"]) == "sales,hours"
    assert parse_allow_writes(["--allow-writes=ledger"]) == "ledger"


@pytest.mark.parametrize(("args", "message"), [
    (["--allow-writes", "salse"], "unknown write group(s) salse"),
    (["--compcat"], "unknown option or argument '--compcat'"),
    (["--scenarios", "/nonexistent/folder"], "not a folder"),
])
def test_bad_options_are_usage_errors_before_anything_starts(args: list[str], message: str) -> None:
    done = CliRunner().invoke(app, ["--base-url", "http://127.0.0.1:9/v2", "mcp", *args], env=ENV)
    assert done.exit_code == 2 and message in done.stderr


def test_without_credentials_ttx_mcp_stops_before_serving() -> None:
    env = {"TRIPLETEX_CONSUMER_TOKEN": None, "TRIPLETEX_EMPLOYEE_TOKEN": None, "TRIPLETEX_PROFILE": None,
           "TRIPLETEX_CONFIG": "/nonexistent/config.toml"}
    done = CliRunner().invoke(app, ["--base-url", "http://127.0.0.1:9/v2", "mcp"], env=env)
    assert done.exit_code == 2 and "missing Tripletex credentials" in done.stderr
