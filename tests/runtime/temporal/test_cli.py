"""`ttx run --engine temporal`: submitted to workers with the profile's name, waited for, summed up like a run in
this process; and the options it needs are asked for before anything is sent."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tripletex_connect.cli.main import app
from tripletex_connect.core.profiles import Profile, ProfileStore

from .conftest import Accountant, WorkerThread

SCENARIO = """
name: cli welcome
steps:
  - id: customer
    module: customer.create
    body: {name: "Temporal AS"}
"""


@pytest.mark.parametrize("sandboxed", [False, True], ids=["direct", "workflow-sandbox"])
def test_run_with_engine_temporal_runs_each_company_on_the_workers_and_writes_the_summary(
    temporal_server: str, task_queue: str, start_worker: Callable[..., WorkerThread], accountant: Accountant,
    tmp_path: Path, sandboxed: bool,
) -> None:
    ProfileStore(Path(os.environ["TRIPLETEX_CONFIG"])).save(Profile(
        "acct", base_url=accountant.company.base_url, consumer_token=accountant.company.consumer_token,
        employee_token=accountant.company.employee_token))
    start_worker(accountant.connect, sandboxed=sandboxed)
    path = tmp_path / "welcome.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    ids = ",".join(str(r.id) for r in accountant.refs)
    result = CliRunner().invoke(app, ["--profile", "acct", "-o", "json", "run", str(path), "--companies", ids,
                                      "--engine", "temporal", "--temporal", temporal_server,
                                      "--task-queue", task_queue, "--run-key", "cli-1"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["totals"]["ok"] == 3
    assert accountant.company.employee_token not in result.output
    for ref in accountant.refs:
        with accountant.connect("acct", ref.id) as client:
            assert [c.name for c in client.customers.search()] == ["Temporal AS"]


def test_engine_temporal_needs_an_address_and_refuses_a_dry_run(tmp_path: Path) -> None:
    path = tmp_path / "welcome.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    missing = CliRunner().invoke(app, ["run", str(path), "--engine", "temporal"])
    assert missing.exit_code == 2 and "--temporal HOST:PORT" in missing.output
    dry = CliRunner().invoke(app, ["run", str(path), "--engine", "temporal", "--temporal", "127.0.0.1:1", "--dry-run"])
    assert dry.exit_code == 2 and "--dry-run" in dry.output
    unknown = CliRunner().invoke(app, ["run", str(path), "--engine", "cloud"])
    assert unknown.exit_code == 2 and "in-process or temporal" in unknown.output
