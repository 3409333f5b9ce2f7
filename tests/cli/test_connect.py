"""`ttx connect add|test|list|remove` and `ttx whoami`: saved profiles that never show their tokens."""

from __future__ import annotations

import importlib.util
import json
import os
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import httpx
import pytest
import respx

from tripletex_connect.cli import connect_cmd

from .mock_api import BASE, CONSUMER, EMPLOYEE, Invoke


def test_add_reads_tokens_from_stdin_without_a_terminal_and_writes_an_owner_only_file(
    ttx: Invoke, isolated: Path
) -> None:
    result = ttx(
        "connect",
        "add",
        "work",
        "--base-url",
        BASE,
        "--company-id",
        "42",
        input=f"{CONSUMER}\n{EMPLOYEE}\n",
        connect=False,
    )
    assert result.exit_code == 0, result.stderr
    assert CONSUMER not in result.stdout + result.stderr and EMPLOYEE not in result.stdout + result.stderr
    assert stat.S_IMODE(isolated.stat().st_mode) == 0o600
    saved = tomllib.loads(isolated.read_text())
    assert saved["default"] == "work"
    assert saved["profiles"]["work"] == {
        "base_url": BASE,
        "consumer_token": CONSUMER,
        "employee_token": EMPLOYEE,
        "company_id": 42,
    }


def test_add_at_a_terminal_prompts_for_hidden_tokens(
    ttx: Invoke, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(connect_cmd, "isatty", lambda stream: True)
    result = ttx("connect", "add", "work", "--env", "sandbox", input=f"{CONSUMER}\n{EMPLOYEE}\n", connect=False)
    assert result.exit_code == 0, result.stderr
    assert "Consumer token" in result.stdout and "Employee token" in result.stdout
    assert CONSUMER not in result.stdout + result.stderr


def test_add_with_tokens_piped_in_prints_no_python_warning(isolated: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRIPLETEX_")}
    env["TRIPLETEX_CONFIG"] = str(isolated)
    done = subprocess.run(
        [sys.executable, "-c", "from tripletex_connect.cli.main import app; app()", "connect", "add", "piped",
         "--env", "sandbox"],
        input=f"{CONSUMER}\n{EMPLOYEE}\n", capture_output=True, text=True, env=env, timeout=60, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Warning" not in done.stderr and CONSUMER not in done.stdout + done.stderr
    assert tomllib.loads(isolated.read_text())["profiles"]["piped"]["employee_token"] == EMPLOYEE


def test_an_overriding_base_url_never_gets_the_profiles_tokens(ttx: Invoke, isolated: Path) -> None:
    added = ttx("connect", "add", "work", "--env", "sandbox", input="work-consumer\nwork-employee\n", connect=False)
    assert added.exit_code == 0, added.stderr
    with respx.mock(assert_all_called=False) as router:
        result = ttx("--base-url", "http://127.0.0.1:8799/v2", "whoami", connect=False)
        assert not router.calls
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert "profile 'work' belongs to https://api-test.tripletex.tech/v2" in result.stderr
    assert "TRIPLETEX_EMPLOYEE_TOKEN" in result.stderr and "work-employee" not in result.stderr


def test_add_takes_tokens_from_environment_variables_for_scripts(
    ttx: Invoke, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRIPLETEX_CONSUMER_TOKEN", CONSUMER)
    monkeypatch.setenv("TRIPLETEX_EMPLOYEE_TOKEN", EMPLOYEE)
    result = ttx("connect", "add", "ci", "--env", "sandbox", connect=False)
    assert result.exit_code == 0, result.stderr
    profile = tomllib.loads(isolated.read_text())["profiles"]["ci"]
    assert (profile["env"], profile["consumer_token"]) == ("sandbox", CONSUMER)


def test_add_without_tokens_or_input_is_a_usage_error_that_says_how(ttx: Invoke, isolated: Path) -> None:
    result = ttx("connect", "add", "x", "--env", "sandbox", connect=False)
    assert result.exit_code == 2
    assert "--consumer-token" in result.stderr and "TRIPLETEX_CONSUMER_TOKEN" in result.stderr
    assert not isolated.exists()


def test_add_rejects_an_unknown_environment(ttx: Invoke, isolated: Path) -> None:
    result = ttx(
        "connect", "add", "x", "--env", "staging", "--consumer-token", "c", "--employee-token", "e", connect=False
    )
    assert result.exit_code == 2 and "unknown environment 'staging'" in result.stderr
    assert not isolated.exists()


def test_add_rejects_plain_http_to_a_remote_host(ttx: Invoke, isolated: Path) -> None:
    result = ttx(
        "connect",
        "add",
        "x",
        "--base-url",
        "http://tripletex.example/v2",
        "--consumer-token",
        "c",
        "--employee-token",
        "e",
        connect=False,
    )
    assert result.exit_code == 2 and "https" in result.stderr
    assert not isolated.exists()


@pytest.mark.skipif(
    importlib.util.find_spec("tripletex_connect.sandbox.defaults") is None, reason="the sandbox is not written yet"
)
def test_add_for_the_local_sandbox_uses_its_own_tokens(ttx: Invoke, isolated: Path) -> None:
    from tripletex_connect.sandbox.defaults import local_tokens

    result = ttx("connect", "add", "local", "--env", "local", connect=False)
    assert result.exit_code == 0, result.stderr
    profile = tomllib.loads(isolated.read_text())["profiles"]["local"]
    assert (profile["consumer_token"], profile["employee_token"]) == tuple(local_tokens())


def _add(ttx: Invoke, name: str, *extra: str) -> None:
    result = ttx(
        "connect", "add", name, "--consumer-token", CONSUMER, "--employee-token", EMPLOYEE, *extra, connect=False
    )
    assert result.exit_code == 0, result.stderr


def test_list_shows_profiles_and_the_default_but_never_tokens(ttx: Invoke) -> None:
    _add(ttx, "work", "--env", "sandbox", "--company-id", "7")
    _add(ttx, "local", "--base-url", BASE, "--default")
    for fmt in ("json", "table", "csv"):
        result = ttx("-o", fmt, "connect", "list", connect=False)
        assert result.exit_code == 0, result.stderr
        assert CONSUMER not in result.stdout + result.stderr and EMPLOYEE not in result.stdout + result.stderr
    rows = json.loads(ttx("connect", "list", connect=False).stdout)
    assert rows == [
        {"name": "local", "default": True, "env": "custom", "base_url": BASE, "company_id": 0},
        {
            "name": "work",
            "default": False,
            "env": "sandbox",
            "base_url": "https://api-test.tripletex.tech/v2",
            "company_id": 7,
        },
    ]


def test_remove_deletes_a_profile_and_an_unknown_one_is_a_usage_error(ttx: Invoke) -> None:
    _add(ttx, "old", "--env", "sandbox")
    assert ttx("connect", "remove", "old", connect=False).exit_code == 0
    assert json.loads(ttx("connect", "list", connect=False).stdout) == []
    result = ttx("connect", "remove", "old", connect=False)
    assert result.exit_code == 2 and "no profile named 'old'" in result.stderr


def test_test_logs_in_with_a_saved_profile_and_says_who_and_which_company(api: respx.MockRouter, ttx: Invoke) -> None:
    _add(ttx, "work", "--base-url", BASE, "--company-id", "42")
    result = ttx("connect", "test", "work", connect=False)
    assert result.exit_code == 0, result.stderr
    assert "Ola Nordmann (employee 7)" in result.stdout and "Fjord Regnskap AS (company 42)" in result.stdout
    created = api.calls[0].request
    assert created.url.path.endswith("/token/session/:create")
    assert created.url.params["consumerToken"] == CONSUMER


def test_an_unknown_profile_is_a_usage_error(ttx: Invoke) -> None:
    result = ttx("--profile", "nope", "whoami", connect=False)
    assert result.exit_code == 2 and "no profile named 'nope'" in result.stderr


def test_whoami_uses_the_global_options(api: respx.MockRouter, ttx: Invoke) -> None:
    result = ttx("whoami")
    assert result.exit_code == 0, result.stderr
    info = json.loads(result.stdout)
    assert (info["employeeId"], info["companyId"]) == (7, 42)


def test_debug_output_hides_tokens_the_server_echoes_back(api: respx.MockRouter, ttx: Invoke) -> None:
    api.routes[0].return_value = httpx.Response(422, json={
        "status": 422, "code": 18000, "message": f"token {EMPLOYEE} for consumer {CONSUMER} is refused",
        "validationMessages": [{"field": "arg:employeeToken", "message": f"Ugyldig: {EMPLOYEE}"}],
        "requestId": "r-echo",
    })
    result = ttx("--debug", "whoami")
    assert result.exit_code == 1 and "r-echo" in result.stderr and "employee token was refused" in result.stderr
    assert "Traceback" in result.stderr  # --debug shows the traceback, and it too is clean
    for secret in (CONSUMER, EMPLOYEE):
        assert secret not in result.stdout and secret not in result.stderr


def test_a_config_path_that_cannot_be_written_is_a_usage_error(
    ttx: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a-file").write_text("not a directory")
    monkeypatch.setenv("TRIPLETEX_CONFIG", str(tmp_path / "a-file" / "config.toml"))
    result = ttx("connect", "add", "x", "--consumer-token", "c", "--employee-token", "e", connect=False)
    assert result.exit_code == 2 and "cannot write profiles file" in result.stderr
    assert "Traceback" not in result.stderr and "unexpected" not in result.stderr
