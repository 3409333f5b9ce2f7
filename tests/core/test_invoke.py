"""Operations are checked before anything is sent: unknown, missing and malformed parameters."""

from __future__ import annotations

import datetime as dt

import pytest

from tripletex_connect import catalog
from tripletex_connect.catalog import Operation, Param
from tripletex_connect.catalog.types import Kind
from tripletex_connect.core.errors import ParameterError
from tripletex_connect.core.invoke import prepare

SEARCH = catalog.get("customer.search")


def test_unknown_parameter_is_refused_with_a_did_you_mean_hint() -> None:
    with pytest.raises(ParameterError, match="did you mean 'customer_name'"):
        prepare(SEARCH, {"customer_nmae": "Acme"})


def test_a_camel_case_name_is_accepted_as_the_api_name() -> None:
    call = prepare(SEARCH, {"customerName": "Acme", "is_inactive": True})
    assert call.params == {"customerName": "Acme", "isInactive": "true"}


def test_paging_parameters_belong_to_the_paginator() -> None:
    with pytest.raises(ParameterError, match="no parameter 'count'"):
        prepare(SEARCH, {"count": 5})


def test_ids_accept_a_list_a_comma_string_or_one_id() -> None:
    assert prepare(SEARCH, {"id": [1, "2", 3]}).params["id"] == "1,2,3"
    assert prepare(SEARCH, {"id": "4, 5"}).params["id"] == "4,5"
    assert prepare(SEARCH, {"id": 6}).params["id"] == "6"
    with pytest.raises(ParameterError, match="whole number"):
        prepare(SEARCH, {"id": "1,x"})


def test_path_parameters_are_required_typed_and_encoded() -> None:
    get = catalog.get("customer.get")
    assert prepare(get, {"id": "42"}).path == "/customer/42"
    with pytest.raises(ParameterError, match="is required"):
        prepare(get, {})
    with pytest.raises(ParameterError, match="whole number"):
        prepare(get, {"id": "../admin"})


def op_with(*params: Param) -> Operation:
    return Operation(key="x.search", group="X", title="Search X", kind=Kind.SEARCH, method="GET", path="/x",
                     resource="x", name="search", summary="s", params=params, envelope="list")


def test_required_query_parameters_must_be_given() -> None:
    op = op_with(Param("dateFrom", "date", required=True))
    with pytest.raises(ParameterError, match="'date_from' \\(dateFrom\\) is required"):
        prepare(op, {})


def test_dates_accept_date_objects_and_iso_strings_only() -> None:
    op = op_with(Param("dateFrom", "date"))
    assert prepare(op, {"date_from": dt.date(2026, 1, 31)}).params == {"dateFrom": "2026-01-31"}
    assert prepare(op, {"date_from": "2026-02-01"}).params == {"dateFrom": "2026-02-01"}
    for bad in ("2026-02-30", "01.02.2026", "tomorrow"):
        with pytest.raises(ParameterError, match="YYYY-MM-DD"):
            prepare(op, {"date_from": bad})


def test_enums_and_booleans_are_checked() -> None:
    op = op_with(Param("status", enum=("OPEN", "CLOSED")), Param("flag", "boolean"))
    assert prepare(op, {"status": "OPEN", "flag": "no"}).params == {"status": "OPEN", "flag": "false"}
    with pytest.raises(ParameterError, match="one of OPEN, CLOSED"):
        prepare(op, {"status": "open"})
    with pytest.raises(ParameterError, match="true or false"):
        prepare(op, {"flag": "maybe"})


def test_none_values_are_left_out() -> None:
    assert prepare(SEARCH, {"customer_name": None}).params == {}


def test_writes_that_create_are_not_idempotent_but_updates_are() -> None:
    assert prepare(catalog.get("customer.create"), body={"name": "A"}).idempotent is False
    assert prepare(catalog.get("customer.update"), {"id": 1}, body={"name": "A"}).idempotent is True
    assert prepare(catalog.get("customer.delete"), {"id": 1}).idempotent is True


def test_a_create_without_a_body_is_refused() -> None:
    with pytest.raises(ParameterError, match="needs a body"):
        prepare(catalog.get("customer.create"))


def test_an_unknown_body_field_is_refused_with_a_hint_and_nothing_sent() -> None:
    with pytest.raises(ParameterError, match=r"has no field 'organisationNumber'.*organizationNumber"):
        prepare(catalog.get("customer.create"), body={"name": "A", "organisationNumber": "123"})


def test_a_body_field_of_the_wrong_type_is_refused() -> None:
    with pytest.raises(ParameterError, match="invalid Customer"):
        prepare(catalog.get("customer.create"), body={"name": "A", "customerNumber": "not a number"})


def test_body_accepts_python_names_and_sends_api_names() -> None:
    call = prepare(catalog.get("customer.create"), body={"name": "A", "organization_number": "999888777",
                                                          "category1": {"id": 3}})
    assert call.json == {"name": "A", "organizationNumber": "999888777", "category1": {"id": 3}}


def test_a_body_given_as_a_model_is_sent_in_the_api_shape() -> None:
    from tripletex_connect.models import Customer

    call = prepare(catalog.get("customer.create"), body=Customer(name="A", is_private_individual=True))
    assert call.json == {"name": "A", "isPrivateIndividual": True}


def test_python_field_names_are_turned_into_api_names_at_every_depth_of_a_body() -> None:
    call = prepare(catalog.get("order.create"), body={
        "customer": {"id": 1}, "order_date": "2026-11-25",
        "order_lines": [{"unit_price_excluding_vat_currency": 100, "count": 2}],
        "delivery_address": {"address_line1": "Gate 1", "postal_code": "0150"},
    })
    assert call.json == {
        "customer": {"id": 1}, "orderDate": "2026-11-25",
        "orderLines": [{"unitPriceExcludingVatCurrency": 100, "count": 2}],
        "deliveryAddress": {"addressLine1": "Gate 1", "postalCode": "0150"},
    }


def test_an_unknown_nested_body_field_is_refused_with_its_path_and_nothing_sent() -> None:
    with pytest.raises(ParameterError, match=r"orderLines\[1\] \(OrderLine\) has no field 'cnt' \(did you mean"):
        prepare(catalog.get("order.create"), body={"orderLines": [{"count": 1}, {"cnt": 1}]})
    with pytest.raises(ParameterError, match=r"postalAddress \(Address\) has no field 'nosuch'"):
        prepare(catalog.get("customer.create"), body={"name": "A", "postalAddress": {"nosuch": 1}})
