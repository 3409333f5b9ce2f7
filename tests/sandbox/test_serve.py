"""`ttx sandbox serve`: its flags, its banner, and the tokens `ttx connect add --env local` picks up from it."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from tripletex_connect.cli.main import app
from tripletex_connect.sandbox import defaults
from tripletex_connect.sandbox.server import free_port


def wait_until_listening(port: int, process: subprocess.Popen[str], within: float = 20.0) -> httpx.Response:
    """The first answer of a server that prints its banner before it listens (a real process: we poll)."""
    deadline = time.monotonic() + within
    while True:
        try:
            return httpx.get(f"http://127.0.0.1:{port}/v2/customer")
        except httpx.ConnectError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


@pytest.fixture
def home(tmp_path: Path) -> dict[str, str]:
    """An environment whose user data dir is a temporary one (the state file and default database go there)."""
    return {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "TRIPLETEX_CONFIG": str(tmp_path / "config.toml")}


def serve(env: dict[str, str], *args: str) -> Iterator[tuple[subprocess.Popen[str], list[str]]]:
    process = subprocess.Popen([sys.executable, "-m", "tripletex_connect", "sandbox", "serve", *args],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert process.stdout is not None
        yield process, [process.stdout.readline().rstrip("\n") for _ in range(5)]
    finally:
        process.terminate()
        process.wait(10)


def test_serve_prints_the_base_url_and_the_default_tokens_and_serves(home: dict[str, str]) -> None:
    port = free_port()
    for process, banner in serve(home, "--port", str(port), "--memory"):
        assert banner[0] == f"Tripletex sandbox at http://127.0.0.1:{port}/v2"
        assert banner[1].endswith(defaults.CONSUMER_TOKEN) and banner[2].endswith(defaults.EMPLOYEE_TOKEN)
        assert wait_until_listening(port, process).status_code == 401


def test_serve_takes_tokens_from_the_environment_seeds_demo_data_into_a_db_file(
    home: dict[str, str], tmp_path: Path
) -> None:
    port, db = free_port(), tmp_path / "books.sqlite3"
    env = {**home, defaults.ENV_CONSUMER: "my-consumer", defaults.ENV_EMPLOYEE: "my-employee"}
    for process, banner in serve(env, "--port", str(port), "--db", str(db), "--seed", "demo"):
        assert banner[1].endswith("my-consumer") and banner[2].endswith("my-employee")
        assert banner[4].endswith(str(db)) and db.exists()
        wait_until_listening(port, process)
        base = f"http://127.0.0.1:{port}/v2"
        session = httpx.put(f"{base}/token/session/:create", params={
            "consumerToken": "my-consumer", "employeeToken": "my-employee", "expirationDate": "2099-01-01"})
        auth = "Basic " + base64.b64encode(f"0:{session.json()['value']['token']}".encode()).decode()
        customers = httpx.get(f"{base}/customer", headers={"Authorization": auth}).json()
        assert customers["fullResultSize"] == 8


def test_connect_add_env_local_picks_up_tokens_given_to_serve_as_flags(home: dict[str, str]) -> None:
    port = free_port()
    for process, _ in serve(home, "--port", str(port), "--memory", "--consumer-token", "flag-consumer",
                            "--employee-token", "flag-employee"):
        wait_until_listening(port, process)
        clean = {k: v for k, v in home.items() if k not in (defaults.ENV_CONSUMER, defaults.ENV_EMPLOYEE)}
        added = subprocess.run([sys.executable, "-m", "tripletex_connect", "connect", "add", "local", "--env",
                                "local"], env=clean, capture_output=True, text=True, timeout=60)
        assert added.returncode == 0, added.stderr
        profile = tomllib.loads(Path(home["TRIPLETEX_CONFIG"]).read_text())["profiles"]["local"]
        assert (profile["consumer_token"], profile["employee_token"]) == ("flag-consumer", "flag-employee")
    assert not (Path(home["XDG_DATA_HOME"]) / "tripletex-connect" / "sandbox-running.json").exists()


def test_serve_without_module_logistics_answers_403_for_logistics_operations(home: dict[str, str]) -> None:
    port = free_port()
    for process, banner in serve(home, "--port", str(port), "--memory", "--without-module", "logistics",
                                 "--without-module", "Logistics"):
        assert banner[4].startswith("  data:")
        assert process.stdout is not None and process.stdout.readline().strip() == "without module: logistics"
        wait_until_listening(port, process)
        base = f"http://127.0.0.1:{port}/v2"
        session = httpx.put(f"{base}/token/session/:create", params={
            "consumerToken": defaults.CONSUMER_TOKEN, "employeeToken": defaults.EMPLOYEE_TOKEN,
            "expirationDate": "2099-01-01"})
        auth = {"Authorization": "Basic " + base64.b64encode(f"0:{session.json()['value']['token']}".encode()).decode()}
        refused = httpx.get(f"{base}/product/logisticsSettings", headers=auth)
        assert (refused.status_code, refused.json()["code"]) == (403, 9000)
        assert httpx.get(f"{base}/product", headers=auth).status_code == 200


def test_the_state_of_a_sandbox_that_is_gone_is_ignored(tmp_path: Path) -> None:
    state = tmp_path / "sandbox-running.json"
    defaults.write_state(state, "http://127.0.0.1:9/v2", "c", "e")
    assert defaults.local_tokens({}, state) == ("c", "e")
    assert defaults.local_tokens({defaults.ENV_CONSUMER: "env"}, state) == ("env", "e")
    state.write_text(state.read_text().replace(f'"pid": {os.getpid()}', '"pid": 999999999'))
    assert defaults.local_tokens({}, state) == (defaults.CONSUMER_TOKEN, defaults.EMPLOYEE_TOKEN)


@pytest.mark.parametrize(("args", "complaint"), [
    (["--seed", "lots"], "the only seed is 'demo'"),
    (["--memory", "--db", "x.sqlite3"], "not both"),
    (["--memory", "--without-module", "warp"], "unknown module 'warp'"),
    (["--memory", "--fault", "418"], "fault status 418 is not one of"),
    (["--memory", "--fault", "503,when=later"], "use before or after"),
])
def test_serve_refuses_bad_flags_before_starting(args: list[str], complaint: str) -> None:
    result = CliRunner().invoke(app, ["sandbox", "serve", *args])
    assert result.exit_code == 2 and complaint in result.output
