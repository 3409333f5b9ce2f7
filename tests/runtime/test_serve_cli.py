"""`ttx serve --list`: every scenario file with its trigger and next run; a broken file says why it is skipped."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

from tripletex_connect.cli.main import app
from tripletex_connect.sandbox import SandboxCompany


def test_list_shows_next_runs_and_why_a_file_is_skipped(
    write: Callable[[str, str], Path], folder: Path, tmp_path: Path, tripletex_sandbox: SandboxCompany
) -> None:
    write("morning.yaml", "name: morning\ntrigger: {type: schedule, at: '07:30', days: [mon, tue, wed, thu, fri]}\n"
                          "steps: [{id: a, module: customer.search}]\n")
    write("broken.yaml", "name: broken\ntrigger: {type: schedule, cron: 'at seven'}\n"
                         "steps: [{id: a, module: customer.search}]\n")
    env = {"TRIPLETEX_CONSUMER_TOKEN": tripletex_sandbox.consumer_token,
           "TRIPLETEX_EMPLOYEE_TOKEN": tripletex_sandbox.employee_token}
    result = CliRunner().invoke(app, ["--base-url", tripletex_sandbox.base_url, "serve", str(folder), "--list",
                                      "--db", str(tmp_path / "s.sqlite3"), "-o", "json"], env=env)
    assert result.exit_code == 0, result.stderr
    rows = {row["file"]: row for row in json.loads(result.stdout)}
    assert rows["morning.yaml"]["trigger"].startswith("schedule cron 30 7 * * mon,tue,wed,thu,fri (Europe/Oslo)")
    assert rows["morning.yaml"]["next_run"].endswith("T07:30+01:00") or rows["morning.yaml"]["next_run"].endswith(
        "T07:30+02:00")
    assert "not a cron expression" in rows["broken.yaml"]["trigger"]


def test_serve_refuses_a_folder_that_is_not_there(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["serve", str(tmp_path / "nowhere"), "--list"])
    assert result.exit_code == 2 and "not a folder" in result.stderr


def test_list_only_lists_a_webhook_scenario_without_subscribing_it(
    write: Callable[[str, str], Path], folder: Path, tmp_path: Path, tripletex_sandbox: SandboxCompany
) -> None:
    write("hooked.yaml", "name: hooked\ntrigger: {type: webhook, event: customer.update}\n"
                         "steps: [{id: a, module: customer.search}]\n")
    env = {"TRIPLETEX_CONSUMER_TOKEN": tripletex_sandbox.consumer_token,
           "TRIPLETEX_EMPLOYEE_TOKEN": tripletex_sandbox.employee_token}
    result = CliRunner().invoke(app, ["--base-url", tripletex_sandbox.base_url, "serve", str(folder), "--list",
                                      "--db", str(tmp_path / "s.sqlite3"), "-o", "json"], env=env)
    assert result.exit_code == 0, result.stderr
    [row] = json.loads(result.stdout)
    assert row["trigger"] == "webhook customer.update, nightly check 03:15 Europe/Oslo"
    assert row["next_run"].endswith("T03:15+01:00")
    assert tripletex_sandbox.client.request("GET", "/event/subscription")["values"] == []
