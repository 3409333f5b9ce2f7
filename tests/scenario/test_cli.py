"""`ttx run` and `ttx scenario validate|history`: exit codes 0/1/2, output formats, dry-run and history."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

from tripletex_connect.sandbox import SandboxCompany

from .conftest import ttx_on

MAKE_TWO = """
    name: make two
    vars: {prefix: Kunde}
    steps:
      - id: made
        foreach: "{{ [1, 2] }}"
        module: customer.create
        body: {name: "{{ vars.prefix }} {{ item }}", email: "k{{ item }}@example.no"}
    output: "{{ steps.made.values }}"
"""


def test_run_writes_the_output_as_json_and_exits_0(
    tripletex_sandbox: SandboxCompany, scenario_file: Callable[[str], Path]
) -> None:
    result = ttx_on(tripletex_sandbox, "run", str(scenario_file(MAKE_TWO)), "--var", "prefix=Firma")
    assert result.exit_code == 0, result.stderr
    assert [c["name"] for c in json.loads(result.stdout)] == ["Firma 1", "Firma 2"]


def test_run_writes_jsonl_csv_and_table(
    tripletex_sandbox: SandboxCompany, scenario_file: Callable[[str], Path]
) -> None:
    path = str(scenario_file(MAKE_TWO))
    jsonl = ttx_on(tripletex_sandbox, "run", path, "-o", "jsonl")
    assert [json.loads(line)["name"] for line in jsonl.stdout.splitlines()] == ["Kunde 1", "Kunde 2"]
    rows = list(csv.DictReader(io.StringIO(ttx_on(tripletex_sandbox, "run", path, "-o", "csv").stdout)))
    assert [row["email"] for row in rows] == ["k1@example.no", "k2@example.no"]
    table = ttx_on(tripletex_sandbox, "run", path, "-o", "table").stdout
    assert "Kunde 1" in table and "k2@example.no" in table


def test_an_invalid_scenario_exits_2_with_every_problem_and_sends_nothing(
    tripletex_sandbox: SandboxCompany, scenario_file: Callable[[str], Path]
) -> None:
    path = scenario_file("""
        name: broken
        steps:
          - id: a
            module: customer.create
            body: {name: x}
          - id: b
            module: customer.serch
        """)
    for command in (["run", str(path)], ["scenario", "validate", str(path)]):
        result = ttx_on(tripletex_sandbox, *command)
        assert result.exit_code == 2
        assert result.stdout == ""
        assert f"{path}:7: step 'b': unknown module 'customer.serch'" in result.stderr
        assert "Traceback" not in result.stderr
    assert tripletex_sandbox.client.customers.search().to_list() == []


def test_validate_says_ok_for_a_good_file(
    tripletex_sandbox: SandboxCompany, scenario_file: Callable[[str], Path]
) -> None:
    result = ttx_on(tripletex_sandbox, "scenario", "validate", str(scenario_file(MAKE_TWO)))
    assert result.exit_code == 0 and "ok ('make two', 1 step, trigger manual)" in result.stdout


def test_a_missing_file_or_bad_var_is_a_usage_error(
    tripletex_sandbox: SandboxCompany, scenario_file: Callable[[str], Path]
) -> None:
    missing = ttx_on(tripletex_sandbox, "run", "no-such-file.yaml")
    assert missing.exit_code == 2 and "cannot read the file" in missing.stderr
    bad_var = ttx_on(tripletex_sandbox, "run", str(scenario_file(MAKE_TWO)), "--var", "novalue")
    assert bad_var.exit_code == 2 and "expected NAME=VALUE" in bad_var.stderr


def test_a_failing_step_exits_1_with_the_api_error_and_no_secrets(
    tripletex_sandbox: SandboxCompany, scenario_file: Callable[[str], Path]
) -> None:
    result = ttx_on(tripletex_sandbox, "run", str(scenario_file("""
        name: fails
        steps:
          - id: lookup
            module: customer.get
            params: {id: 424242}
        """)))
    assert result.exit_code == 1
    assert "scenario0.yaml:3: step 'lookup' (customer.get): 404 (code 6000" in result.stderr
    assert "request id" in result.stderr.lower()
    for secret in (tripletex_sandbox.consumer_token, tripletex_sandbox.employee_token):
        assert secret not in result.stderr + result.stdout


def test_dry_run_prints_the_calls_and_creates_nothing(
    tripletex_sandbox: SandboxCompany, scenario_file: Callable[[str], Path]
) -> None:
    result = ttx_on(tripletex_sandbox, "run", str(scenario_file(MAKE_TWO)), "--dry-run")
    assert result.exit_code == 0, result.stderr
    calls = json.loads(result.stdout)
    assert [(c["method"], c["path"], c["body"]["name"], c["sent"]) for c in calls] == [
        ("POST", "/customer", "Kunde 1", False), ("POST", "/customer", "Kunde 2", False)]
    assert tripletex_sandbox.client.customers.search().to_list() == []


def test_history_lists_runs_by_scenario(
    tripletex_sandbox: SandboxCompany, scenario_file: Callable[[str], Path]
) -> None:
    path = str(scenario_file(MAKE_TWO))
    ttx_on(tripletex_sandbox, "run", path)
    ttx_on(tripletex_sandbox, "run", str(scenario_file("name: other\nsteps: [{id: a, module: customer.search}]\n")))
    runs = json.loads(ttx_on(tripletex_sandbox, "scenario", "history", "make two", "-o", "json").stdout)
    assert [(r["scenario"], r["status"], r["steps"]["made"]["runs"]) for r in runs] == [("make two", "ok", 2)]
    assert runs[0]["connection"] == f"{tripletex_sandbox.base_url}#company=0"
    everything = ttx_on(tripletex_sandbox, "scenario", "history", "-o", "table")
    assert "make two" in everything.stdout and "other" in everything.stdout


def test_loop_needs_an_interval_and_stops_after_max_runs(
    tripletex_sandbox: SandboxCompany, scenario_file: Callable[[str], Path]
) -> None:
    manual = ttx_on(tripletex_sandbox, "run", str(scenario_file(MAKE_TWO)), "--loop")
    assert manual.exit_code == 2 and "--loop needs an interval" in manual.stderr
    scheduled = scenario_file(MAKE_TWO.replace("    steps:", "    trigger: {type: schedule, every: 1h}\n    steps:"))
    result = ttx_on(tripletex_sandbox, "run", str(scheduled), "--loop", "--max-runs", "1", "-o", "jsonl")
    assert result.exit_code == 0, result.stderr
    assert "stopped after 1 run(s)" in result.stderr
    assert len(result.stdout.splitlines()) == 2


def test_watch_on_the_command_line_prints_one_output_per_new_object(
    tripletex_sandbox: SandboxCompany, scenario_file: Callable[[str], Path]
) -> None:
    path = str(scenario_file("""
        name: watcher
        trigger: {type: watch, module: customer.search}
        steps:
          - id: get
            module: customer.get
            params: {id: "{{ trigger.id }}"}
        output: "{{ steps.get.name }}"
        """))
    first = ttx_on(tripletex_sandbox, "run", path)
    assert first.exit_code == 0 and "watching from now on" in first.stderr and json.loads(first.stdout or "[]") == []
    tripletex_sandbox.client.customers.create({"name": "Ny AS"})
    assert ttx_on(tripletex_sandbox, "run", path, "-o", "jsonl").stdout == '"Ny AS"\n'


BREAKING = """
    name: make customers
    steps:
      - id: create
        foreach: "{{ ['A AS', '', 'C AS'] }}"
        on_error: break
        module: customer.create
        body: {name: "{{ item }}"}
"""


def test_a_broken_run_is_kept_as_incomplete_and_resumes_without_repeating_its_writes(
    tripletex_sandbox: SandboxCompany, scenario_file: Callable[[str], Path]
) -> None:
    path = scenario_file(BREAKING)
    broken = ttx_on(tripletex_sandbox, "run", str(path))
    assert broken.exit_code == 1
    assert "step 'create' item 1: 422" in broken.stderr and "[break]" in broken.stderr
    assert "kept as incomplete execution 1" in broken.stderr
    listed = ttx_on(tripletex_sandbox, "scenario", "incomplete", "list", "-o", "json")
    assert [(i["scenario"], i["step"]) for i in json.loads(listed.stdout)] == [("make customers", "create")]
    path.write_text(path.read_text().replace('name: "{{ item }}"', "name: \"{{ item or 'B AS' }}\""))
    resumed = ttx_on(tripletex_sandbox, "scenario", "incomplete", "resume", "1")
    assert resumed.exit_code == 0, resumed.stderr
    names = sorted(c.name for c in tripletex_sandbox.client.customers.search())
    assert names == ["A AS", "B AS", "C AS"]  # A not created twice
