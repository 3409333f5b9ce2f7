"""Commands derived from the catalog: arguments, bodies from --data/--set, errors and exit codes, help."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pytest
import respx
import typer

from tripletex_connect import catalog
from tripletex_connect.catalog import Kind, Operation, Param
from tripletex_connect.cli.derived import build_command, command_name, group_name, option_name

from .mock_api import CONSUMER, EMPLOYEE, SESSION, Invoke, customer, list_envelope, sent_json


def test_get_takes_the_id_as_a_positional_argument(api: respx.MockRouter, ttx: Invoke) -> None:
    route = api.get("/customer/5").respond(200, json={"value": customer(5)})
    result = ttx("customers", "get", "5", "--fields", "id,name")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["name"] == "Customer 5 AS"
    assert route.calls.last.request.url.params["fields"] == "id,name"


def test_a_path_argument_of_the_wrong_type_is_a_usage_error(api: respx.MockRouter, ttx: Invoke) -> None:
    result = ttx("customers", "get", "five")
    assert result.exit_code == 2
    assert not api.calls


def test_update_sends_data_with_sets_applied_on_top(api: respx.MockRouter, ttx: Invoke) -> None:
    route = api.put("/customer/5").respond(200, json={"value": customer(5, name="Renamed AS")})
    result = ttx(
        "customers",
        "update",
        "5",
        "--data",
        '{"name": "Renamed AS", "version": 1, "postalAddress": {"addressLine1": "Storgata 1"}}',
        "--set",
        "postalAddress.city=Oslo",
        "--set",
        "category1.id=3",
        "--set",
        "isPrivateIndividual=false",
    )
    assert result.exit_code == 0, result.stderr
    assert sent_json(route) == {
        "name": "Renamed AS",
        "version": 1,
        "postalAddress": {"addressLine1": "Storgata 1", "city": "Oslo"},
        "category1": {"id": 3},
        "isPrivateIndividual": False,
    }
    assert json.loads(result.stdout)["name"] == "Renamed AS"


def test_create_reads_the_body_from_a_file(api: respx.MockRouter, ttx: Invoke, tmp_path: Path) -> None:
    route = api.post("/customer").respond(201, json={"value": customer(9, name="Filed AS")})
    body = tmp_path / "customer.json"
    body.write_text('{"name": "Filed AS", "email": "a@b.no"}', encoding="utf-8")
    result = ttx("customers", "create", "--data", f"@{body}")
    assert result.exit_code == 0, result.stderr
    assert sent_json(route) == {"name": "Filed AS", "email": "a@b.no"}


def test_create_reads_the_body_from_standard_input(api: respx.MockRouter, ttx: Invoke) -> None:
    route = api.post("/customer").respond(201, json={"value": customer(9)})
    result = ttx("customers", "create", "--data", "-", input='{"name": "Piped AS"}')
    assert result.exit_code == 0, result.stderr
    assert sent_json(route) == {"name": "Piped AS"}


def test_a_number_set_on_a_text_field_is_sent_as_the_text_typed(api: respx.MockRouter, ttx: Invoke) -> None:
    route = api.post("/customer").respond(201, json={"value": customer(9)})
    result = ttx(
        "customers", "create", "--set", "name=1234", "--set", "organizationNumber=912345678",
        "--set", "postalAddress.postalCode=5003", "--set", "category1.id=3", "--set", "invoicesDueIn=14",
    )
    assert result.exit_code == 0, result.stderr
    assert sent_json(route) == {
        "name": "1234", "organizationNumber": "912345678", "postalAddress": {"postalCode": "5003"},
        "category1": {"id": 3}, "invoicesDueIn": 14,
    }


def test_sets_alone_build_the_body(api: respx.MockRouter, ttx: Invoke) -> None:
    route = api.post("/customer").respond(201, json={"value": customer(9)})
    result = ttx("customers", "create", "--set", "name=Only Sets AS", "--set", 'organizationNumber="012345678"')
    assert result.exit_code == 0, result.stderr
    assert sent_json(route) == {"name": "Only Sets AS", "organizationNumber": "012345678"}


def test_invalid_json_in_data_is_a_usage_error_and_nothing_is_sent(api: respx.MockRouter, ttx: Invoke) -> None:
    result = ttx("customers", "create", "--data", '{"name": "Acme",}')
    assert result.exit_code == 2
    assert "Error: --data: the argument is not valid JSON" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not api.calls


def test_an_unreadable_data_file_is_a_usage_error(api: respx.MockRouter, ttx: Invoke, tmp_path: Path) -> None:
    result = ttx("customers", "create", "--data", f"@{tmp_path / 'missing.json'}")
    assert result.exit_code == 2
    assert "cannot read" in result.stderr and "missing.json" in result.stderr
    assert not api.calls


def test_a_create_without_any_body_is_a_usage_error(api: respx.MockRouter, ttx: Invoke) -> None:
    result = ttx("customers", "create")
    assert result.exit_code == 2
    assert "needs a body" in result.stderr
    assert not api.calls


def test_an_unknown_option_is_a_usage_error(api: respx.MockRouter, ttx: Invoke) -> None:
    result = ttx("customers", "search", "--customer-nam", "x")
    assert result.exit_code == 2
    assert "No such option" in result.stderr
    assert not api.calls


def test_an_unknown_command_suggests_the_right_one(ttx: Invoke) -> None:
    result = ttx("custmers", "search")
    assert result.exit_code == 2
    assert "customers" in result.stderr


def test_an_api_422_exits_1_and_lists_field_messages_and_the_request_id(api: respx.MockRouter, ttx: Invoke) -> None:
    api.post("/customer").respond(
        422,
        json={
            "status": 422,
            "code": 18000,
            "message": "Validering feilet.",
            "link": "https://tripletex.no/v2-docs/",
            "developerMessage": None,
            "validationMessages": [
                {"field": "email", "message": "Ugyldig e-postadresse."},
                {"field": "name", "message": "Feltet må fylles ut."},
            ],
            "requestId": "req-8c1f",
        },
        headers={"x-tlx-request-id": "req-8c1f"},
    )
    result = ttx("customers", "create", "--set", "email=not-an-email")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: 422")
    for text in ("email: Ugyldig e-postadresse.", "name: Feltet må fylles ut.", "req-8c1f"):
        assert text in result.stderr
    assert result.stdout == ""


def test_an_api_404_exits_1(api: respx.MockRouter, ttx: Invoke) -> None:
    api.get("/customer/404").respond(
        404, json={"status": 404, "code": 6000, "message": "Object not found", "requestId": "req-404"}
    )
    result = ttx("customers", "get", "404")
    assert result.exit_code == 1
    assert "404" in result.stderr and "req-404" in result.stderr


def test_delete_writes_no_data_and_confirms_on_stderr(api: respx.MockRouter, ttx: Invoke) -> None:
    route = api.delete("/customer/5").respond(204)
    result = ttx("customers", "delete", "5")
    assert result.exit_code == 0, result.stderr
    assert route.called and result.stdout == ""
    assert "done" in result.stderr


def test_missing_credentials_are_a_usage_error_that_says_how_to_fix_it(ttx: Invoke) -> None:
    result = ttx("--base-url", "http://127.0.0.1:9/v2", "customers", "search", connect=False)
    assert result.exit_code == 2
    assert "TRIPLETEX_CONSUMER_TOKEN" in result.stderr and "ttx connect add" in result.stderr
    assert "Traceback" not in result.stderr


def test_debug_logging_never_shows_the_tokens(api: respx.MockRouter, ttx: Invoke) -> None:
    api.get("/customer").respond(200, json=list_envelope([customer(1)]))
    result = ttx("--debug", "customers", "search", "--customer-name", "Customer")
    assert result.exit_code == 0, result.stderr
    assert "DEBUG" in result.stderr
    for secret in (CONSUMER, EMPLOYEE, SESSION):
        assert secret not in result.stdout and secret not in result.stderr


def test_without_verbose_or_debug_nothing_is_logged_and_handlers_do_not_outlive_a_run(
    api: respx.MockRouter, ttx: Invoke
) -> None:
    api.get("/customer").respond(200, json=list_envelope([customer(1)]))
    handlers = list(logging.getLogger("tripletex_connect").handlers)
    assert ttx("-v", "customers", "search").exit_code == 0
    quiet = ttx("customers", "search")
    assert quiet.exit_code == 0 and quiet.stderr == ""
    assert logging.getLogger("tripletex_connect").handlers == handlers


def test_debug_logging_of_a_failing_call_never_shows_the_tokens(api: respx.MockRouter, ttx: Invoke) -> None:
    api.get("/customer/1").respond(500, json={"status": 500, "code": 1000, "message": "boom", "requestId": "r-500"})
    result = ttx("--debug", "customers", "get", "1")
    assert result.exit_code == 1
    for secret in (CONSUMER, EMPLOYEE, SESSION):
        assert secret not in result.stdout and secret not in result.stderr


LONG_ENUM = 60


def test_a_long_choice_lists_its_values_in_the_help(ttx: Invoke) -> None:
    result = ttx("external-products", "search", "--help", connect=False)
    assert "CHOICE" in result.stdout and "NORDESIGN" in result.stdout


def _help_rows(text: str) -> str:
    return re.sub(r"[│╭╮╰╯─]", " ", text)


@pytest.mark.parametrize("op", [op for ops in catalog.resources().values() for op in ops], ids=lambda op: op.key)
def test_every_derived_command_help_lists_its_parameters_with_types(op: Operation, ttx: Invoke) -> None:
    result = ttx(group_name(op.resource), command_name(op), "--help", connect=False)
    assert result.exit_code == 0, result.stderr
    text = _help_rows(result.stdout)
    flowing = " ".join(text.split())  # help text is wrapped to the terminal's width
    assert " ".join(op.summary.split(":")[0].split()) in flowing and op.title in flowing
    type_marks = {
        "integer": "<int>",
        "number": "<float>",
        "boolean": "/ --no-",  # a flag pair: --x / --no-x
        "string": "<str>",
        "date": "YYYY-MM-DD",
        "datetime": "DATETIME",
        "ids": "ID[,ID...]",
        "strings": "TEXT (repeatable)",
    }
    for param in op.path_params:
        assert re.search(rf"{param.cli_name.upper()}\s+{re.escape(type_marks[param.type])}", text), param.name
    for param in op.query_params:
        if param.enum:
            mark = "CHOICE" if len("|".join(param.enum)) > LONG_ENUM else "<" + "|".join(param.enum) + ">"
        else:
            mark = type_marks[param.type]
        assert re.search(rf"--{option_name(param)}\b.*?{re.escape(mark)}", text), param.name
    if op.paged:
        assert "--limit" in text and "--page-size" in text
    if op.body is not None:
        assert "--data" in text and "--set" in text


# A synthetic operation with the parameter types the sales catalog does not use yet.
_REPORT = Operation(
    key="report.search",
    group="Reports",
    title="Search Reports",
    kind=Kind.SEARCH,
    method="GET",
    path="/report",
    resource="reports",
    name="search",
    summary="Find reports [beta].",
    params=(
        Param("dateFrom", "date", help="From and including"),
        Param("status", enum=("OPEN", "CLOSED"), help="Report status"),
        Param("minAmount", "number", help="Smallest amount"),
        Param("year", "integer", required=True, help="Accounting year"),
        Param("limit", "integer", help="A parameter that clashes with the CLI's own --limit"),
        Param("from", "integer"),
        Param("count", "integer"),
    ),
    envelope="list",
)


def _parse_error(*args: str) -> str:
    command = build_command(_REPORT)
    with pytest.raises(typer.BadParameter) as info:
        command.main(list(args), prog_name="ttx reports search", standalone_mode=False)
    return info.value.format_message()


def test_a_date_option_rejects_an_impossible_date() -> None:
    assert "'2024-02-30' is not a date as YYYY-MM-DD" in _parse_error("--year", "2024", "--date-from", "2024-02-30")


def test_a_missing_required_option_is_a_usage_error() -> None:
    assert "--year" in _parse_error("--date-from", "2024-02-01")


def test_an_enum_option_rejects_a_value_outside_its_choices() -> None:
    message = _parse_error("--year", "2024", "--status", "PENDING")
    assert "PENDING" in message and "OPEN" in message and "CLOSED" in message


def test_a_number_option_rejects_text() -> None:
    assert "--min-amount" in _parse_error("--year", "2024", "--min-amount", "lots")


def test_help_shows_types_choices_and_renames_a_clashing_option(capsys: pytest.CaptureFixture[str]) -> None:
    command = build_command(_REPORT)
    assert command.main(["--help"], prog_name="ttx reports search", standalone_mode=False) == 0
    text = _help_rows(capsys.readouterr().out)
    assert re.search(r"--date-from\s+YYYY-MM-DD", text)
    assert "<OPEN|CLOSED>" in text and "<float>" in text
    assert "--param-limit" in text and "--limit" in text
    assert re.search(r"--year <int>\s+Accounting year\s+\[required\]", text)
    assert "Find reports [beta]." in text


def test_help_says_which_commands_are_make_modules_and_which_are_extras(ttx: Invoke) -> None:
    make = _help_rows(ttx("customers", "create", "--help", connect=False).stdout)
    extra = _help_rows(ttx("orders", "invoice", "--help", connect=False).stdout)
    assert "Make module: Customers / Create a Customer" in make
    assert "Make module:" not in extra and "an extra operation, not a Make module (group Orders)" in extra
