"""`ttx api METHOD PATH`: the raw call, its safety checks, and how JSON, text and binary answers are written."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import respx

from tripletex_connect.cli.api_cmd import write_answer
from tripletex_connect.cli.errors import EXIT_OUTCOME_UNKNOWN, CliUsageError
from tripletex_connect.cli.output import Writer
from tripletex_connect.core.errors import OUTCOME_UNKNOWN_ADVICE
from tripletex_connect.sandbox import SandboxCompany

from .mock_api import Invoke, customer, list_envelope, sent_json
from .sandbox_cli import first_id, ttx_json


def test_get_with_query_parameters_prints_the_answer_as_received(api: respx.MockRouter, ttx: Invoke) -> None:
    route = api.get("/customer").respond(200, json=list_envelope([customer(1)]))
    result = ttx("api", "GET", "/customer", "-q", "customerName=Customer", "-q", "fields=id,name")
    assert result.exit_code == 0, result.stderr
    assert dict(route.calls.last.request.url.params) == {"customerName": "Customer", "fields": "id,name"}
    assert json.loads(result.stdout)["fullResultSize"] == 1


def test_jsonl_unwraps_the_values_of_a_list_envelope(api: respx.MockRouter, ttx: Invoke) -> None:
    api.get("/customer").respond(200, json=list_envelope([customer(1), customer(2)]))
    result = ttx("-o", "jsonl", "api", "get", "customer")
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == [1, 2]


def test_post_sends_the_data_and_headers(api: respx.MockRouter, ttx: Invoke) -> None:
    route = api.post("/customer").respond(201, json={"value": customer(3)})
    result = ttx("api", "POST", "/customer", "-d", '{"name": "Raw AS"}', "-H", "Accept-Language: nb")
    assert result.exit_code == 0, result.stderr
    assert sent_json(route) == {"name": "Raw AS"}
    assert route.calls.last.request.headers["accept-language"] == "nb"


def test_an_action_path_with_a_colon_is_sent_as_is(api: respx.MockRouter, ttx: Invoke) -> None:
    route = api.put("/invoice/7/:send").respond(204)
    result = ttx("api", "PUT", "/invoice/7/:send", "-q", "sendType=EMAIL")
    assert result.exit_code == 0, result.stderr
    assert route.calls.last.request.url.params["sendType"] == "EMAIL"


@pytest.mark.parametrize(
    "target", ["https://evil.example/x", "//evil.example/x", "/customer/../../etc", "/customer/https://evil.example"]
)
def test_a_path_outside_the_base_url_is_a_usage_error_and_nothing_is_sent(
    api: respx.MockRouter, ttx: Invoke, target: str
) -> None:
    result = ttx("api", "GET", target)
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: refusing")
    assert not api.calls


def test_a_binary_answer_is_written_to_the_out_file(api: respx.MockRouter, ttx: Invoke, tmp_path: Path) -> None:
    pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n%%EOF\n"
    api.get("/invoice/1/pdf").respond(200, content=pdf, headers={"content-type": "application/pdf"})
    target = tmp_path / "f.pdf"
    result = ttx("api", "GET", "/invoice/1/pdf", "--out", str(target))
    assert result.exit_code == 0, result.stderr
    assert target.read_bytes() == pdf
    assert result.stdout == "" and f"wrote {len(pdf)} bytes" in result.stderr


def test_a_binary_answer_goes_to_a_pipe_untouched(api: respx.MockRouter, ttx: Invoke) -> None:
    pdf = b"%PDF-1.7 \x00\xff binary"
    api.get("/invoice/1/pdf").respond(200, content=pdf, headers={"content-type": "application/pdf"})
    result = ttx("api", "GET", "/invoice/1/pdf")
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes == pdf


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_binary_answer_is_never_dumped_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = _Terminal()
    monkeypatch.setattr("sys.stdout", terminal)
    with pytest.raises(CliUsageError, match="--out FILE"):
        write_answer(b"%PDF-1.7", Writer("json", terminal, io.StringIO()), None)
    assert terminal.getvalue() == ""


def test_bad_json_data_is_a_usage_error_before_sending(api: respx.MockRouter, ttx: Invoke) -> None:
    result = ttx("api", "POST", "/customer", "-d", "{name: 1}")
    assert result.exit_code == 2 and "not valid JSON" in result.stderr
    assert not api.calls


def test_a_query_without_equals_sign_is_a_usage_error(api: respx.MockRouter, ttx: Invoke) -> None:
    result = ttx("api", "GET", "/customer", "-q", "customerName")
    assert result.exit_code == 2 and "KEY=VALUE" in result.stderr
    assert not api.calls


def test_an_unknown_method_is_a_usage_error(api: respx.MockRouter, ttx: Invoke) -> None:
    result = ttx("api", "FETCH", "/customer")
    assert result.exit_code == 2 and "unknown HTTP method" in result.stderr
    assert not api.calls


def test_an_error_answer_exits_1_with_the_request_id(api: respx.MockRouter, ttx: Invoke) -> None:
    api.get("/customer/9").respond(
        404, json={"status": 404, "code": 6000, "message": "Not found", "requestId": "req-raw-404"}
    )
    result = ttx("api", "GET", "/customer/9")
    assert result.exit_code == 1 and "req-raw-404" in result.stderr


def test_a_post_whose_answer_was_lost_exits_3_saying_it_may_have_been_written(
    api: respx.MockRouter, ttx: Invoke
) -> None:
    route = api.post("/customer").respond(503, headers={"x-tlx-request-id": "req-lost"})
    result = ttx("api", "POST", "/customer", "-d", '{"name": "Kanskje AS"}')
    assert result.exit_code == EXIT_OUTCOME_UNKNOWN == 3
    assert OUTCOME_UNKNOWN_ADVICE in result.stderr and "req-lost" in result.stderr and "POST" in result.stderr
    assert "Kanskje" not in result.stderr and "unexpected" not in result.stderr
    assert route.call_count == 1


def test_a_versioned_update_whose_answer_was_lost_after_the_write_succeeds_on_the_cli(
    tripletex_sandbox: SandboxCompany,
) -> None:
    created = ttx_json(tripletex_sandbox, ["customers", "create", "--set", "name=Telefon AS"])
    customer_id = first_id(created.stdout)
    tripletex_sandbox.inject("503,method=PUT,path=/customer/*,when=after")
    result = ttx_json(
        tripletex_sandbox, ["customers", "update", str(customer_id), "--set", "version=0", "--set", "phoneNumber=123"]
    )
    assert result.exit_code == 0, result.stderr
    answer = json.loads(result.stdout)
    assert (answer["version"], answer["phoneNumber"]) == (1, "123")


@pytest.mark.parametrize(
    "args",
    [
        ("api", "POST", "/customer", "-d", '{"name": "A", "discountPercentage": NaN}'),
        ("api", "POST", "/customer", "-d", '{"name": "A", "discountPercentage": 1e999}'),
        ("customers", "create", "--set", "name=A", "--set", "discountPercentage=nan"),
        ("customers", "create", "--data", '{"name": "A", "discountPercentage": Infinity}'),
    ],
)
def test_a_number_that_is_not_finite_is_a_usage_error_naming_the_field(
    api: respx.MockRouter, ttx: Invoke, args: tuple[str, ...]
) -> None:
    result = ttx(*args)
    assert result.exit_code == 2 and "'discountPercentage'" in result.stderr and "unexpected" not in result.stderr
    assert not api.calls


def test_a_header_that_cannot_be_sent_is_a_usage_error(api: respx.MockRouter, ttx: Invoke) -> None:
    result = ttx("api", "GET", "/customer", "-H", "X-Note: blåbær")
    assert result.exit_code == 2 and "ASCII" in result.stderr and "unexpected" not in result.stderr
    assert not api.calls


def test_an_out_file_that_cannot_be_written_is_refused_before_the_request_is_sent(
    api: respx.MockRouter, ttx: Invoke, tmp_path: Path
) -> None:
    route = api.post("/customer").respond(201, json={"value": customer(3)})
    result = ttx("api", "POST", "/customer", "-d", '{"name": "Raw AS"}', "--out", str(tmp_path / "missing" / "a.json"))
    assert result.exit_code == 2
    assert "the folder" in result.stderr and "does not exist" in result.stderr
    assert not route.calls


def test_a_derived_document_command_checks_its_out_file_before_sending(
    api: respx.MockRouter, ttx: Invoke, tmp_path: Path
) -> None:
    route = api.get("/invoice/1/pdf").respond(200, content=b"%PDF-1.7\n")
    result = ttx("invoices", "pdf", "1", "--out", str(tmp_path / "missing" / "f.pdf"))
    assert result.exit_code == 2, result.stderr
    assert not route.calls
