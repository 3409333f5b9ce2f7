"""`ttx sandbox serve --host 0.0.0.0` warns that the network can reach it and prints a connect command that works."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tripletex_connect.cli.main import app
from tripletex_connect.cli.sandbox_cmd import banner, connect_url, network_warning
from tripletex_connect.sandbox import Sandbox
from tripletex_connect.sandbox.server import free_port


def _connect_command(sandbox: Sandbox) -> list[str]:
    line = banner(sandbox)[-1]
    return shlex.split(line.removeprefix("Connect with: ").split("   (")[0])


def test_a_sandbox_on_all_interfaces_warns_that_the_network_can_reach_it() -> None:
    sandbox = Sandbox(host="0.0.0.0", port=18123, memory=True)  # never started: nothing binds
    try:
        [warning] = network_warning(sandbox)
        assert warning.startswith("warning:") and "every network interface" in warning and "18123" in warning
        assert "(all interfaces)" in banner(sandbox)[0]
    finally:
        sandbox.store.close()


def test_a_loopback_sandbox_gives_no_warning() -> None:
    sandbox = Sandbox(port=18124, memory=True)
    try:
        assert network_warning(sandbox) == []
    finally:
        sandbox.store.close()


def test_a_specific_address_warns_and_says_remote_clients_need_https() -> None:
    sandbox = Sandbox(host="192.0.2.10", port=18125, memory=True)
    try:
        lines = network_warning(sandbox)
        assert "192.0.2.10" in lines[0] and "HTTPS" in lines[1]
    finally:
        sandbox.store.close()


def test_the_connect_command_printed_for_all_interfaces_connects(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    port = free_port()
    wildcard = Sandbox(host="0.0.0.0", port=port, memory=True)
    try:
        command = _connect_command(wildcard)
    finally:
        wildcard.store.close()
    assert command[:5] == ["ttx", "connect", "add", "local", "--env"]
    assert connect_url(wildcard) == f"http://127.0.0.1:{port}/v2" and command[-1] == connect_url(wildcard)
    monkeypatch.setenv("TRIPLETEX_CONFIG", str(tmp_path / "config.toml"))
    # The same port on loopback stands in for the wildcard address: tests never bind beyond 127.0.0.1.
    with Sandbox(port=port, memory=True) as local:
        env = {"TRIPLETEX_CONSUMER_TOKEN": local.consumer_token, "TRIPLETEX_EMPLOYEE_TOKEN": local.employee_token}
        added = CliRunner().invoke(app, command[1:], env=env)
        assert added.exit_code == 0, added.stderr
        who = CliRunner().invoke(app, ["--profile", "local", "-o", "json", "whoami"])
        assert who.exit_code == 0, who.stderr
