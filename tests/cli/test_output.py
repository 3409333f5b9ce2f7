"""Rendering: flattening for CSV, table cells, streaming page by page, and the CSV header rule."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from tripletex_connect.cli.output import Writer, flatten, table_cell, to_data


def test_flatten_turns_nested_objects_into_dotted_keys_and_keeps_lists_whole() -> None:
    data = {"id": 1, "postalAddress": {"city": "Oslo", "country": {"id": 161}}, "tags": [1, 2], "empty": {}}
    assert flatten(data) == {
        "id": 1,
        "postalAddress.city": "Oslo",
        "postalAddress.country.id": 161,
        "tags": [1, 2],
        "empty": {},
    }


def test_table_cells_show_references_by_name_or_id() -> None:
    assert table_cell({"id": 3, "url": "http://x/3"}) == "3"
    assert table_cell({"id": 3, "name": "VIP"}) == "VIP"
    assert table_cell([{"id": 1, "url": "u"}, {"id": 2, "url": "u"}]) == "1, 2"
    assert table_cell(None) == "" and table_cell(False) == "false"


def test_to_data_makes_dates_and_decimals_json_ready() -> None:
    data = {"date": dt.date(2024, 5, 1), "amount": Decimal("12.50"), "lines": ({"at": dt.datetime(2024, 5, 1, 8)},)}
    assert to_data(data) == {"date": "2024-05-01", "amount": 12.5, "lines": [{"at": "2024-05-01T08:00:00"}]}


def test_to_data_shows_models_with_their_api_names() -> None:
    from tripletex_connect import models

    if not hasattr(models, "parse"):
        pytest.skip("the generated models are not there yet")
    customer = models.parse("Customer", {"id": 1, "name": "Acme", "customerNumber": 10001})
    assert to_data(customer) == {"id": 1, "name": "Acme", "customerNumber": 10001}


def _pages(log: list[str], *pages: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for number, page in enumerate(pages):
        log.append(f"fetch {number}")
        yield page


def test_jsonl_is_written_page_by_page_not_after_collecting_everything() -> None:
    log: list[str] = []

    class Out(io.StringIO):
        def write(self, text: str) -> int:
            log.append("write")
            return super().write(text)

    writer = Writer("jsonl", Out(), io.StringIO())
    writer.many(_pages(log, [{"id": 1}], [{"id": 2}]))
    assert log == ["fetch 0", "write", "fetch 1", "write"]


def test_a_streamed_json_list_is_the_same_as_dumping_the_whole_list() -> None:
    out = io.StringIO()
    count = Writer("json", out, io.StringIO()).many(iter([[{"id": 1, "a": {"b": [1]}}], [], [{"id": 2}]]))
    assert count == 2
    assert out.getvalue() == json.dumps([{"id": 1, "a": {"b": [1]}}, {"id": 2}], indent=2) + "\n"


def test_csv_takes_its_header_from_the_first_page_and_reports_later_columns() -> None:
    out, err = io.StringIO(), io.StringIO()
    Writer("csv", out, err).many(iter([[{"id": 1, "name": "A"}, {"id": 2, "email": "b@c.no"}], [{"id": 3, "late": 1}]]))
    assert out.getvalue().splitlines() == ["id,name,email", "1,A,", "2,,b@c.no", "3,,"]
    assert "late" in err.getvalue() and "--fields" in err.getvalue()


def test_a_single_object_as_a_table_lists_its_filled_fields() -> None:
    out = io.StringIO()
    record = {"id": 5, "name": "Acme", "email": None, "category1": {"id": 3, "url": "u"}}
    Writer("table", out, io.StringIO()).one(record)
    text = out.getvalue()
    assert "Acme" in text and "category1.id" in text and "email" not in text and "category1.url" not in text


def test_a_wide_table_hides_the_columns_that_do_not_fit_and_says_so() -> None:
    out, err = io.StringIO(), io.StringIO()
    row = {"id": 1, "name": "Acme", **{f"field{i}": i for i in range(30)}}
    Writer("table", out, err).many([[row]])
    assert "Acme" in out.getvalue() and "field29" not in out.getvalue()
    assert "columns" in err.getvalue()


def test_a_narrow_table_keeps_the_columns_people_look_for_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    out, err = io.StringIO(), io.StringIO()
    row = {"id": 1, "account": {"id": 63}, "costExcludingVatCurrency": 10.0, "isInactive": False, "name": "Kaffe",
           "number": "1001", "priceExcludingVatCurrency": 189.0, "vatType": {"id": 3}, "weight": 1.0}
    Writer("table", out, err).many([[row]])
    header = out.getvalue().splitlines()[1]
    assert header.index("number") < header.index("name") < header.index("priceExcludingVatCurrency")
    assert "weight" not in header and "columns" in err.getvalue()


def test_a_fields_selection_names_dotted_columns_in_order_and_star_leaves_them_to_the_data() -> None:
    from tripletex_connect.cli.output import field_columns, parse_fields

    selection = parse_fields("id, project(name,customer(id,name)),hours")
    assert field_columns(selection) == ["id", "project.name", "project.customer.id", "project.customer.name", "hours"]
    assert field_columns(parse_fields("*,category1(name)")) is None
    with pytest.raises(ValueError, match="parentheses"):
        parse_fields("id,project(name")


def test_references_read_as_number_and_name_and_amounts_have_two_decimals() -> None:
    assert table_cell({"id": 30, "number": 1920, "name": "Bankinnskudd"}) == "1920 Bankinnskudd"
    assert table_cell({"id": 1, "employeeNumber": "7", "firstName": "Ola", "lastName": "Nordmann"}) == "7 Ola Nordmann"
    assert table_cell({"id": 1, "code": "NOK"}) == "NOK"
    assert table_cell(1250, "amountGross") == "1250.00"
    assert table_cell(1250.5, "priceExcludingVatCurrency") == "1250.50"
    assert table_cell(7.5, "hours") == "7.5"
    assert table_cell(3, "count") == "3"


def test_csv_with_fields_keeps_the_chosen_columns_and_a_whole_reference_as_json() -> None:
    out = io.StringIO()
    Writer("csv", out, io.StringIO(), fields="name,customer").many(
        [[{"customer": {"id": 1, "url": "u"}, "name": "A", "extra": 1}]]
    )
    assert out.getvalue().splitlines() == ["name,customer", 'A,"{""id"": 1, ""url"": ""u""}"']


def test_a_query_reshapes_before_the_selection_would_apply() -> None:
    out = io.StringIO()
    pages = [[{"id": 1, "name": "A"}], [{"id": 2, "name": "B"}]]
    Writer("json", out, io.StringIO(), fields="id,name", query="[].name").many(pages)
    assert json.loads(out.getvalue()) == ["A", "B"]
