"""Request bodies checked before sending: a batch of bodies is checked as each body alone would be."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pydantic
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tripletex_connect import ParameterError
from tripletex_connect.core.finite import check_finite
from tripletex_connect.models import SCHEMA_FIELDS, Customer, Order, model_for
from tripletex_connect.models.check import _api_names, _text_in_numbers, check_bodies, check_body

BODIES: list[Any] = [
    {"name": "Flat AS", "discountPercentage": 2.5, "isPrivateIndividual": False, "email": None},
    {"name": "Python names AS", "is_private_individual": True},
    {"name": "Nested AS", "postalAddress": {"addressLine1": "Gata 1", "postal_code": "0150"}},
    Customer(name="Model AS", discount_percentage=1.0),
    {"name": "Numbers as text AS", "discountPercentage": "12.5"},
]


def test_a_batch_of_bodies_is_checked_into_what_each_body_alone_gives() -> None:
    assert check_bodies("Customer", BODIES, where="w") == [check_body("Customer", b, where="w") for b in BODIES]


def test_dates_and_refs_in_batch_items_become_json_as_in_a_single_body() -> None:
    body = {"customer": {"id": 1}, "order_date": dt.date(2026, 12, 1), "deliveryDate": "2026-12-02"}
    assert check_bodies("Order", [body], where="w") == [check_body("Order", body, where="w")]
    assert check_bodies("Order", [body], where="w")[0]["orderDate"] == "2026-12-01"
    assert Order.model_validate(check_bodies("Order", [body], where="w")[0]).customer is not None


@pytest.mark.parametrize(("item", "problem"), [
    ({"name": "B", "isPrivateIndividual": "perhaps"}, "invalid Customer: isPrivateIndividual"),
    ({"name": "B", "nmae": "typo"}, "no field 'nmae'"),
    ({"name": "B", "discountPercentage": float("nan")}, "not a finite number"),
    ({"name": "B", "discountPercentage": "-Infinity"}, "not a finite number"),
    ("not a mapping", "must be a Customer"),
])
def test_a_bad_batch_item_is_refused_naming_its_index(item: Any, problem: str) -> None:
    bodies = [{"name": "A"}, {"name": "C"}, item, {"name": "D"}]
    with pytest.raises(ParameterError, match=rf"^w: item 2: .*{problem}"):
        check_bodies("Customer", bodies, where="w")


def test_the_first_bad_item_of_a_long_batch_is_the_one_named() -> None:
    bodies: list[Any] = [{"name": f"K{n}"} for n in range(250)]
    bodies[180] = {"name": "X", "customerNumber": "many"}
    bodies[230] = {"name": "Y", "customerNumber": "more"}
    with pytest.raises(ParameterError, match=r"^w: item 180: invalid Customer: customerNumber"):
        check_bodies("Customer", bodies, where="w")


VALUES = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(), st.text(max_size=5),
                   st.just({"id": 1}), st.just([1]))


@given(data=st.data(), name=st.sampled_from(["Customer", "Product", "Order", "Employee", "Voucher"]))
@settings(max_examples=300, deadline=None)
def test_a_body_is_checked_into_what_the_full_walk_and_the_model_give(data: st.DataObject, name: str) -> None:
    fields = sorted(SCHEMA_FIELDS[name])
    body = data.draw(st.dictionaries(st.sampled_from([*fields, "notAField"]), VALUES, max_size=4))
    try:  # the full walk: API names, finite numbers, the model, numbers given as text read as the model does
        expected: Any = _api_names(name, body, "w")
        check_finite(expected, where="w")
        model = model_for(name).model_validate(expected)
        if _text_in_numbers(name, expected):
            check_finite(model.model_dump(by_alias=True, exclude_unset=True, warnings=False), where="w")
    except (ParameterError, pydantic.ValidationError):
        expected = ParameterError
    for check in (lambda: check_body(name, body, where="w"), lambda: check_bodies(name, [body], where="w")[0]):
        try:
            got: Any = check()
        except ParameterError:
            got = ParameterError
        assert got == expected
