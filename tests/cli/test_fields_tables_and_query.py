"""Output against the demo company: `--fields` sets columns and key order, tables read like an accountant's,
and `--query` reshapes the result with JMESPath before it is formatted."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner, Result

from tripletex_connect.cli.main import app
from tripletex_connect.sandbox import Sandbox

ALL_TIME = ("--date-from", "2000-01-01", "--date-to", "2100-01-01")


@pytest.fixture(scope="module")
def demo() -> Iterator[Sandbox]:
    """The demo company on an in-process sandbox (these tests only read)."""
    with Sandbox(seed="demo", memory=True) as sandbox:
        yield sandbox


def ttx(demo: Sandbox, *args: str, columns: int = 200) -> Result:
    """`ttx --base-url ... ARGS` as the demo's user, with a terminal of `columns` characters."""
    env = {"TRIPLETEX_CONSUMER_TOKEN": demo.consumer_token, "TRIPLETEX_EMPLOYEE_TOKEN": demo.employee_token,
           "COLUMNS": str(columns)}
    return CliRunner().invoke(app, ["--base-url", demo.base_url, *args], env=env)


FIELDS = "name,id,category1(name),postalAddress(city)"


def test_csv_columns_follow_fields_in_the_order_given_with_nested_selections_as_dotted_columns(demo: Sandbox) -> None:
    result = ttx(demo, "-o", "csv", "customers", "search", "--fields", FIELDS, "--limit", "3")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["name", "id", "category1.name", "postalAddress.city"]
    assert len(rows) == 4 and all(len(row) == 4 for row in rows)
    assert rows[1][0] and rows[1][1].isdigit()


def test_csv_with_fields_writes_the_header_even_when_nothing_matched(demo: Sandbox) -> None:
    result = ttx(demo, "-o", "csv", "customers", "search", "--customer-name", "no such customer", "--fields", FIELDS)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "name,id,category1.name,postalAddress.city\n"


def test_jsonl_objects_list_the_selected_fields_in_the_order_given(demo: Sandbox) -> None:
    result = ttx(demo, "-o", "jsonl", "customers", "search", "--fields", FIELDS, "--limit", "2")
    assert result.exit_code == 0, result.stderr
    for line in result.stdout.splitlines():
        assert list(json.loads(line))[:4] == ["name", "id", "category1", "postalAddress"]


def test_a_table_with_fields_has_those_columns_in_that_order_even_when_empty(demo: Sandbox) -> None:
    full = ttx(demo, "-o", "table", "customers", "search", "--fields", FIELDS, "--limit", "2")
    header = full.stdout.splitlines()[1]
    positions = [header.index(name) for name in ("name", "id", "category1.name", "postalAddress.city")]
    assert positions == sorted(positions)
    empty = ttx(demo, "-o", "table", "customers", "search", "--customer-name", "no such customer", "--fields", FIELDS)
    assert "postalAddress.city" in empty.stdout and "(no results)" in empty.stderr


def test_a_posting_table_shows_accounts_as_number_and_name_and_amounts_with_two_decimals(demo: Sandbox) -> None:
    result = ttx(demo, "-o", "table", "postings", "search", *ALL_TIME, "--limit", "5", columns=80)
    assert result.exit_code == 0, result.stderr
    assert "1920 Bankinnskudd" in result.stdout
    assert "100000.00" in result.stdout


def test_an_order_table_asks_for_the_customer_and_shows_it_by_number_and_name(demo: Sandbox) -> None:
    result = ttx(demo, "-o", "table", "orders", "search", "--order-date-from", "2000-01-01",
                 "--order-date-to", "2100-01-01", "--limit", "3", columns=80)
    assert result.exit_code == 0, result.stderr
    assert "10001 Nordlys Eiendom AS" in result.stdout


def test_a_timesheet_table_at_80_columns_shows_hours_employee_and_project(demo: Sandbox) -> None:
    result = ttx(demo, "-o", "table", "timesheet-entries", "search", *ALL_TIME, "--limit", "3", columns=80)
    assert result.exit_code == 0, result.stderr
    header = result.stdout.splitlines()[1]
    assert "hours" in header and "employee" in header and "project" in header
    assert "1 Ola Nordmann" in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 80


def test_a_single_object_table_shows_references_by_number_and_name(demo: Sandbox) -> None:
    account = json.loads(ttx(demo, "-o", "json", "ledger-accounts", "search", "--number", "1920").stdout)[0]
    product = ttx(demo, "-o", "table", "ledger-accounts", "get", str(account["id"]))
    assert product.exit_code == 0, product.stderr
    assert "1920" in product.stdout and "Bankinnskudd" in product.stdout


def test_query_filters_and_reshapes_a_search_before_it_is_formatted(demo: Sandbox) -> None:
    query = "[?customerNumber > `10001`].{nr: customerNumber, name: name}"
    result = ttx(demo, "--query", query, "-o", "csv", "customers", "search", "--limit", "3")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["nr", "name"]
    assert [row[0] for row in rows[1:]] == ["10002", "10003"]


def test_query_on_a_single_object_can_pick_one_value(demo: Sandbox) -> None:
    result = ttx(demo, "--query", "company.name", "-o", "json", "whoami")
    assert result.exit_code == 0, result.stderr
    assert isinstance(json.loads(result.stdout), str)


def test_query_length_of_a_search_is_a_number(demo: Sandbox) -> None:
    result = ttx(demo, "--query", "length(@)", "-o", "json", "customers", "search", "--limit", "2")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == 2


def test_a_malformed_query_is_a_usage_error_before_any_request(demo: Sandbox) -> None:
    result = CliRunner().invoke(app, ["--base-url", "http://127.0.0.1:9/v2", "--query", "[?", "customers", "search"])
    assert result.exit_code == 2
    assert "JMESPath" in result.stderr
