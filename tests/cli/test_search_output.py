"""`ttx customers search`: every output format, streaming limits, and filters sent as query parameters."""

from __future__ import annotations

import csv
import io
import json

import httpx
import respx

from .mock_api import Invoke, customer, list_envelope


def _two_customers(api: respx.MockRouter) -> respx.Route:
    values = [customer(1, category1={"id": 3, "url": "x"}), customer(2)]
    return api.get("/customer").respond(200, json=list_envelope(values))


def test_json_output_is_a_valid_json_list_of_the_customers(api: respx.MockRouter, ttx: Invoke) -> None:
    _two_customers(api)
    result = ttx("-o", "json", "customers", "search")
    assert result.exit_code == 0, result.stderr
    values = json.loads(result.stdout)
    assert [c["name"] for c in values] == ["Customer 1 AS", "Customer 2 AS"]
    assert values[0]["postalAddress"] == {"id": 101, "url": "http://127.0.0.1:9/v2/address/101"}
    assert values[0]["customerNumber"] == 10001


def test_json_is_the_default_when_stdout_is_not_a_terminal(api: respx.MockRouter, ttx: Invoke) -> None:
    _two_customers(api)
    result = ttx("customers", "search")
    assert [c["id"] for c in json.loads(result.stdout)] == [1, 2]


def test_an_empty_search_in_json_is_an_empty_list(api: respx.MockRouter, ttx: Invoke) -> None:
    api.get("/customer").respond(200, json=list_envelope([]))
    result = ttx("customers", "search", "-o", "json")
    assert result.exit_code == 0 and json.loads(result.stdout) == []


def test_jsonl_output_writes_one_compact_object_per_line(api: respx.MockRouter, ttx: Invoke) -> None:
    _two_customers(api)
    result = ttx("-o", "jsonl", "customers", "search")
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert [json.loads(line)["email"] for line in lines] == ["post1@example.no", "post2@example.no"]


def test_csv_output_flattens_references_into_dotted_columns(api: respx.MockRouter, ttx: Invoke) -> None:
    _two_customers(api)
    result = ttx("customers", "search", "-o", "csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert "postalAddress.id" in rows[0] and "category1.id" in rows[0]
    assert [(r["name"], r["postalAddress.id"], r["category1.id"]) for r in rows] == [
        ("Customer 1 AS", "101", "3"),
        ("Customer 2 AS", "102", ""),
    ]
    assert rows[0]["isCustomer"] == "true"


def test_table_output_shows_the_values(api: respx.MockRouter, ttx: Invoke) -> None:
    _two_customers(api)
    result = ttx("customers", "search", "--fields", "id,name,email", "-o", "table")
    assert result.exit_code == 0, result.stderr
    for text in ("Customer 1 AS", "Customer 2 AS", "post2@example.no", "name"):
        assert text in result.stdout


def test_a_local_output_option_overrides_the_global_one(api: respx.MockRouter, ttx: Invoke) -> None:
    _two_customers(api)
    result = ttx("-o", "csv", "customers", "search", "-o", "jsonl")
    assert len(result.stdout.splitlines()) == 2 and json.loads(result.stdout.splitlines()[0])["id"] == 1


def test_limit_stops_after_n_values_across_pages(api: respx.MockRouter, ttx: Invoke) -> None:
    def page(request: httpx.Request) -> httpx.Response:
        start, count = int(request.url.params["from"]), int(request.url.params["count"])
        values = [customer(i) for i in range(start, min(start + count, 10))]
        return httpx.Response(200, json=list_envelope(values, start=start, full=10))

    route = api.get("/customer").mock(side_effect=page)
    result = ttx("customers", "search", "--limit", "5", "--page-size", "2", "-o", "jsonl")
    assert result.exit_code == 0, result.stderr
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == [0, 1, 2, 3, 4]
    asked = [(c.request.url.params["from"], c.request.url.params["count"]) for c in route.calls]
    assert asked == [("0", "2"), ("2", "2"), ("4", "1")]


def test_filters_are_sent_as_typed_query_parameters(api: respx.MockRouter, ttx: Invoke) -> None:
    route = api.get("/customer").respond(200, json=list_envelope([]))
    result = ttx(
        "customers",
        "search",
        "--customer-name",
        "Fjord",
        "--id",
        "1,2",
        "--id",
        "3",
        "--is-inactive",
        "--sorting",
        "-name",
    )
    assert result.exit_code == 0, result.stderr
    params = route.calls.last.request.url.params
    assert (params["customerName"], params["id"], params["isInactive"], params["sorting"]) == (
        "Fjord",
        "1,2,3",
        "true",
        "-name",
    )


def test_an_unset_boolean_filter_is_not_sent(api: respx.MockRouter, ttx: Invoke) -> None:
    route = api.get("/customer").respond(200, json=list_envelope([]))
    ttx("customers", "search")
    assert "isInactive" not in route.calls.last.request.url.params


def test_the_no_form_of_a_boolean_sends_false(api: respx.MockRouter, ttx: Invoke) -> None:
    route = api.get("/customer").respond(200, json=list_envelope([]))
    ttx("customers", "search", "--no-is-inactive")
    assert route.calls.last.request.url.params["isInactive"] == "false"


def test_a_malformed_id_list_is_a_usage_error_before_any_request(api: respx.MockRouter, ttx: Invoke) -> None:
    route = api.get("/customer").respond(200, json=list_envelope([]))
    result = ttx("customers", "search", "--id", "1,two")
    assert result.exit_code == 2
    assert "comma list of ids" in result.stderr
    assert not route.called
