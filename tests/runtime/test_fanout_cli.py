"""`ttx run --companies` and `companies:` in a scenario: a run per client company, a summary, an exit code."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner, Result

from tripletex_connect.cli.main import app
from tripletex_connect.runtime import RunStore
from tripletex_connect.sandbox import Sandbox
from tripletex_connect.sandbox.faults import parse_fault
from tripletex_connect.testing import FixtureCompany

ONBOARD = """\
name: Onboard
{companies}vars: {{customer: Fanout Kunde AS}}
steps:
  - id: customer
    module: customer.create
    body: {{name: "{{{{ vars.customer }}}}"}}
"""


def ttx(company: FixtureCompany, *args: str) -> Result:
    env = {"TRIPLETEX_CONSUMER_TOKEN": company.consumer_token, "TRIPLETEX_EMPLOYEE_TOKEN": company.employee_token}
    return CliRunner().invoke(app, ["--base-url", company.base_url, *args], env=env)


def scenario_file(tmp_path: Path, companies: str = "") -> Path:
    path = tmp_path / "onboard.yaml"
    path.write_text(ONBOARD.format(companies=f"companies: {companies}\n" if companies else ""), encoding="utf-8")
    return path


def customers(company: FixtureCompany, company_id: int) -> int:
    with company.client.with_company(company_id) as tx:
        return sum(1 for _ in tx.customers.search(customer_name="Fanout Kunde AS"))


def test_run_with_companies_all_runs_once_per_client_and_writes_a_json_summary(
        tripletex_sandbox: FixtureCompany, client_companies: list[int], tmp_path: Path) -> None:
    result = ttx(tripletex_sandbox, "run", str(scenario_file(tmp_path)), "--companies", "all", "-o", "json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["totals"] == {"companies": 3, "ok": 3, "failed": 0, "incomplete": 0}
    assert [c["company"]["id"] for c in summary["companies"]] == sorted(client_companies)
    assert [c["output"]["name"] for c in summary["companies"]] == ["Fanout Kunde AS"] * 3
    assert [customers(tripletex_sandbox, i) for i in client_companies] == [1, 1, 1]


def test_the_command_line_overrides_the_files_companies(
        tripletex_sandbox: FixtureCompany, client_companies: list[int], tmp_path: Path) -> None:
    path = scenario_file(tmp_path, "all")
    result = ttx(tripletex_sandbox, "run", str(path), "--companies", f"{client_companies[1]}", "-o", "json")
    assert result.exit_code == 0, result.output
    assert [c["company"]["id"] for c in json.loads(result.stdout)["companies"]] == [client_companies[1]]
    assert [customers(tripletex_sandbox, i) for i in client_companies] == [0, 1, 0]


def test_a_failing_company_does_not_stop_the_others_and_the_exit_code_says_so(
        tripletex_sandbox: FixtureCompany, client_companies: list[int], tmp_path: Path) -> None:
    for company_id in client_companies[1:]:
        with tripletex_sandbox.client.with_company(company_id) as tx:
            tx.customers.create({"name": "Fast Kunde AS"})
    path = tmp_path / "rename.yaml"
    path.write_text("""\
name: Rename
companies: all
steps:
  - id: find
    module: customer.search
    params: {customer_name: Fast Kunde AS}
  - id: rename
    module: customer.update
    params: {id: "{{ steps.find.first.id }}"}
    body: {name: Fanout Kunde AS}
""", encoding="utf-8")
    result = ttx(tripletex_sandbox, "run", str(path), "-o", "json")
    assert result.exit_code == 1
    summary = json.loads(result.stdout)
    assert [c["status"] for c in summary["companies"]] == ["failed", "ok", "ok"]
    assert summary["companies"][0]["error"]
    assert [customers(tripletex_sandbox, i) for i in client_companies] == [0, 1, 1]


def test_a_company_whose_write_lost_its_answer_is_incomplete_and_the_others_go_on(
        tripletex_sandbox: FixtureCompany, tripletex_sandbox_server: Sandbox, client_companies: list[int],
        tmp_path: Path) -> None:
    tripletex_sandbox_server.backend.faults.add(parse_fault(f"503,method=POST,company={client_companies[0]}"))
    result = ttx(tripletex_sandbox, "run", str(scenario_file(tmp_path, "{name: \"*\"}")), "-o", "json")
    assert result.exit_code == 1
    summary = json.loads(result.stdout)
    assert [c["status"] for c in summary["companies"]] == ["incomplete", "ok", "ok"]
    assert summary["totals"]["incomplete"] == 1


def test_each_company_has_its_own_history_entry_shown_with_its_company(
        tripletex_sandbox: FixtureCompany, client_companies: list[int], tmp_path: Path) -> None:
    path = scenario_file(tmp_path, json.dumps(client_companies[:2]))
    assert ttx(tripletex_sandbox, "run", str(path), "-o", "json").exit_code == 0
    shown = ttx(tripletex_sandbox, "scenario", "history", "Onboard", "-o", "table")
    assert shown.exit_code == 0, shown.output
    assert "company" in shown.stdout
    assert str(client_companies[0]) in shown.stdout and str(client_companies[1]) in shown.stdout
    records = json.loads(ttx(tripletex_sandbox, "scenario", "history", "Onboard", "-o", "json").stdout)
    assert sorted(r["company"] for r in records) == client_companies[:2]


def test_ids_the_login_cannot_act_for_are_a_usage_error_before_any_run(
        tripletex_sandbox: FixtureCompany, client_companies: list[int], tmp_path: Path) -> None:
    result = ttx(tripletex_sandbox, "run", str(scenario_file(tmp_path)), "--companies", f"{client_companies[0]},424242")
    assert result.exit_code == 2
    assert "cannot act for company 424242" in result.stderr
    assert customers(tripletex_sandbox, client_companies[0]) == 0


def test_a_malformed_companies_option_is_a_usage_error(tripletex_sandbox: FixtureCompany, tmp_path: Path) -> None:
    result = ttx(tripletex_sandbox, "run", str(scenario_file(tmp_path)), "--companies", "some")
    assert result.exit_code == 2
    assert "--companies 'some' is not" in result.stderr


def test_validate_reads_and_reports_companies(tripletex_sandbox: FixtureCompany, tmp_path: Path) -> None:
    ok = ttx(tripletex_sandbox, "scenario", "validate", str(scenario_file(tmp_path, "{name: \"Acme*\"}")))
    assert ok.exit_code == 0, ok.output
    assert "for companies named 'Acme*'" in ok.stdout
    bad = ttx(tripletex_sandbox, "scenario", "validate", str(scenario_file(tmp_path, "[12, x]")))
    assert bad.exit_code == 2
    assert "onboard.yaml:2: company ids must be positive whole numbers" in bad.stderr


def test_a_company_that_breaks_keeps_its_own_incomplete_execution_that_resumes_in_that_company(
        tripletex_sandbox: FixtureCompany, client_companies: list[int], tmp_path: Path) -> None:
    path = tmp_path / "break.yaml"
    path.write_text(f"""\
name: Break
companies: {json.dumps(client_companies[:2])}
steps:
  - id: customer
    module: customer.create
    body: {{name: Brekk AS}}
  - id: fail
    module: customer.get
    params: {{id: 999999999}}
    on_error: break
""", encoding="utf-8")
    result = ttx(tripletex_sandbox, "run", str(path), "-o", "json")
    assert result.exit_code == 1
    assert [c["status"] for c in json.loads(result.stdout)["companies"]] == ["incomplete", "incomplete"]
    store = RunStore()
    kept = store.incomplete(scenario="Break")
    store.close()
    assert sorted(i.company for i in kept) == client_companies[:2]
    listed = ttx(tripletex_sandbox, "scenario", "incomplete", "list", "-o", "json")
    assert sorted(i["company"] for i in json.loads(listed.stdout)) == client_companies[:2]


def test_the_summary_is_a_table_for_people(tripletex_sandbox: FixtureCompany, client_companies: list[int],
                                           tmp_path: Path) -> None:
    result = ttx(tripletex_sandbox, "run", str(scenario_file(tmp_path, "all")), "-o", "table")
    assert result.exit_code == 0, result.output
    assert "Acme Bakeri AS" in result.stdout and "ok" in result.stdout
    assert "3 companies: 3 ok, 0 failed, 0 incomplete" in result.stderr


def test_a_watch_keeps_its_position_per_company(tripletex_sandbox: FixtureCompany, client_companies: list[int],
                                                tmp_path: Path) -> None:
    path = tmp_path / "watch.yaml"
    path.write_text("""\
name: Tag new
companies: all
trigger: {type: watch, module: customer.search}
steps:
  - id: tag
    module: customer.update
    params: {id: "{{ trigger.id }}"}
    body: {description: tagged}
""", encoding="utf-8")
    first = json.loads(ttx(tripletex_sandbox, "run", str(path), "-o", "json").stdout)
    assert all(c["summary"].startswith("first run: watching from now on") for c in first["companies"])
    with tripletex_sandbox.client.with_company(client_companies[1]) as tx:
        tx.customers.create({"name": "Ny Kunde AS"})
    second = json.loads(ttx(tripletex_sandbox, "run", str(path), "-o", "json").stdout)
    assert [c["counts"]["runs"] for c in second["companies"]] == [0, 1, 0]
