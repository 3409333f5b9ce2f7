"""Tools derived from the catalog: descriptions from Make's title and the spec, schemas from parameters and models."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tripletex_connect import catalog
from tripletex_connect.mcp.execute import failure
from tripletex_connect.mcp.spec import SPEC_ENV
from tripletex_connect.mcp.tools import catalog_tools, describe


def test_the_description_joins_the_make_title_and_the_specs_summary_read_when_tools_are_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps({"paths": {"/customer": {"get": {"summary": "Find customers, officially."}}}}))
    monkeypatch.setenv(SPEC_ENV, str(spec))
    text = describe(catalog.get("customer.search"))
    assert text.startswith("Search Customers (Customers). Tripletex: Find customers, officially.")
    assert "GET /customer" in text
    monkeypatch.setenv(SPEC_ENV, str(tmp_path / "absent.json"))
    assert "Tripletex:" not in describe(catalog.get("customer.search"))


def test_the_input_schema_has_the_parameters_by_python_name_a_limit_and_the_writable_body_fields() -> None:
    tools = catalog_tools()
    search = tools["invoice_search"].tool().input_schema
    assert search["required"] == ["invoice_date_from", "invoice_date_to"]
    assert search["properties"]["invoice_date_from"]["format"] == "date"
    assert search["properties"]["limit"]["default"] == 100 and "from" not in search["properties"]
    create = tools["voucher_create"].tool().input_schema
    body = create["properties"]["body"]["properties"]
    assert "postings" in body and "number" not in body  # the voucher number is read-only
    assert create["required"] == ["body"]
    assert "confirmation_token" in tools["voucher_reverse"].tool().input_schema["properties"]
    assert "confirmation_token" not in create["properties"]
    send = tools["invoice_send"].tool().input_schema["properties"]["send_type"]
    assert "EMAIL" in send["enum"]


def test_the_output_schema_follows_the_envelope_and_the_response_model() -> None:
    tools = catalog_tools()
    get = tools["customer_get"].tool().output_schema["properties"]
    assert get["value"]["properties"]["name"]["type"] == ["string", "null"]
    search = tools["customer_search"].tool().output_schema["properties"]
    assert {"values", "count", "fullResultSize", "requestId"} <= set(search)
    assert "done" in tools["customer_delete"].tool().output_schema["properties"]
    assert "base64" in tools["invoice_pdf"].tool().output_schema["properties"]


def test_an_unexpected_exception_is_a_short_tool_error_without_secrets() -> None:
    outcome = failure(ValueError("boom with s3cret-token"), ["s3cret-token"])
    assert outcome.is_error and outcome.text() == "internal error (ValueError): boom with ***"
