"""NaN, Infinity and numbers too large for JSON are refused before sending, naming the field."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import httpx
import pytest
import respx

from tripletex_connect import ParameterError, Tripletex
from tripletex_connect.core.finite import check_finite, json_body

from .test_transport import BASE


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"amount": math.nan}, "'amount'"),
        ({"postings": [{"amountGross": 1.0}, {"amountGross": math.inf}]}, "'postings.1.amountGross'"),
        ({"a": {"b": -math.inf}}, "'a.b'"),
        ({"price": Decimal("NaN")}, "'price'"),
        ([{"x": 1}, {"x": float("1e999")}], "'1.x'"),
    ],
)
def test_a_number_that_is_not_finite_is_refused_naming_its_dotted_path(body: Any, field: str) -> None:
    with pytest.raises(ParameterError, match=f"field {field} is .*nothing was sent"):
        check_finite(body)


def test_finite_numbers_booleans_and_text_pass() -> None:
    check_finite({"a": 1, "b": 1.5, "c": True, "d": "nan", "e": [Decimal("2.50")], "f": None})


def test_numbers_inside_tuples_and_read_only_mappings_are_checked_as_inside_dicts() -> None:
    from types import MappingProxyType

    check_finite(MappingProxyType({"a": (1, Decimal("2"), {"b": 1.5}), 3: "x", (1, 2): None}))
    with pytest.raises(ParameterError, match=r"field 'a\.0\.c' is"):
        check_finite(MappingProxyType({"a": ({"c": Decimal("-Infinity")},)}))


@pytest.mark.parametrize("body", [{"name": "Ærlig Øl AS", "n": 1, "x": 1.5, "ok": True, "none": None},
                                  [{"a": [1, {"b": "c"}]}], {}, [], "text", 3])
def test_a_body_is_encoded_to_the_bytes_httpx_sends_for_it(body: Any) -> None:
    assert json_body(body) == httpx.Request("POST", "http://x", json=body).content


def test_encoding_a_body_refuses_a_number_that_is_not_finite_naming_its_field() -> None:
    with pytest.raises(ParameterError, match=r"POST /x: field 'lines\.1\.amount' is nan"):
        json_body({"lines": [{"amount": 1}, {"amount": math.nan}]}, where="POST /x")
    with pytest.raises(ParameterError, match="field 'price' is -Infinity"):
        json_body({"price": Decimal("-Infinity")})


def test_encoding_a_body_json_cannot_carry_fails_as_httpx_would() -> None:
    with pytest.raises(TypeError, match="Decimal is not JSON serializable"):
        json_body({"price": Decimal("2.50")})


@pytest.fixture
def tx() -> Tripletex:
    return Tripletex("consumer-secret-1", "employee-secret-2", base_url=BASE)


@pytest.mark.parametrize("value", [math.nan, math.inf, "nan", "1e999", "-Infinity"])
def test_the_sdk_refuses_a_body_number_that_is_not_finite_before_any_request(tx: Tripletex, value: Any) -> None:
    with respx.mock(base_url=BASE) as router, pytest.raises(ParameterError, match="'discountPercentage'"):
        tx.customers.create({"name": "A", "discount_percentage": value})
    assert not router.calls


def test_a_nested_number_of_a_model_is_checked_too(tx: Tripletex) -> None:
    from tripletex_connect.models import Customer

    body = Customer.model_validate({"name": "A", "discountPercentage": math.nan})
    with respx.mock(base_url=BASE) as router, pytest.raises(ParameterError, match="'discountPercentage'"):
        tx.customers.create(body)
    assert not router.calls


def test_the_raw_call_refuses_a_body_number_that_is_not_finite(tx: Tripletex) -> None:
    with respx.mock(base_url=BASE) as router, pytest.raises(ParameterError, match=r"'lines\.0\.amount'"):
        tx.request("POST", "/thing", json={"lines": [{"amount": math.inf}]})
    assert not router.calls


@pytest.mark.parametrize("body", [
    {"customer": {"id": 1}, "orderLines": [{"count": 1}, {"unitPriceExcludingVatCurrency": "nan"}]},
    {"customer": {"id": 1, "discountPercentage": "-Infinity"}},
])
def test_text_for_a_number_deep_inside_a_batch_item_is_refused_before_any_request(
    tx: Tripletex, body: dict[str, Any],
) -> None:
    with respx.mock(base_url=BASE) as router, pytest.raises(ParameterError, match="finite"):
        tx.orders.create_many([{"customer": {"id": 1}, "orderDate": "2026-12-01"}, body])
    assert not router.calls
