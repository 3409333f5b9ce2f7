"""Refused values answer as the real API does: 422, code 18000, VALIDATION_ERROR, field/path/rootId; never a 500."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tripletex_connect.core.errors import ValidationMessage, api_error_from_response
from tripletex_connect.sandbox.rules.money import money

from .conftest import Api


def post(api: Api, path: str, body: Any) -> Any:
    return api.http.post("/v2" + path, json=body, headers=api.auth)


def raw_post(api: Api, path: str, content: bytes) -> Any:
    headers = {**api.auth, "Content-Type": "application/json"}
    return api.http.post("/v2" + path, content=content, headers=headers)


def test_a_refused_field_answers_422_code_18000_validation_error_with_field_path_and_root_id(api: Api) -> None:
    answer = post(api, "/customer", {"name": "Acme AS", "fixedPrice": 5})
    body = answer.json()
    assert (answer.status_code, body["code"], body["developerMessage"]) == (422, 18000, "VALIDATION_ERROR")
    assert body["validationMessages"] == [
        {"field": "fixedPrice", "message": "Feltet eksisterer ikke i objektet.", "path": None, "rootId": None}]


def test_a_refused_field_in_a_list_names_the_field_without_and_the_path_with_its_index(api: Api) -> None:
    answer = post(api, "/ledger/voucher", {"date": "2026-11-20", "description": "x", "postings": [
        {"row": 1, "amountGross": 100}, {"row": 2, "amountGross": -100, "nosuch": 1}]})
    message = answer.json()["validationMessages"][0]
    assert (answer.status_code, answer.json()["code"]) == (422, 18000)
    assert (message["field"], message["path"], message["rootId"]) == ("postings.nosuch", "postings[1].nosuch", None)


def test_a_value_of_the_wrong_type_stays_a_mapping_error_16000(api: Api) -> None:
    answer = post(api, "/customer", {"name": "Acme AS", "customerNumber": "many"})
    assert (answer.status_code, answer.json()["code"]) == (422, 16000)


@pytest.mark.parametrize("amount", [1e26, -1e26, 1e300, 10**40, 1e15])
def test_an_amount_too_large_for_any_book_is_refused_with_422_naming_the_field(api: Api, amount: float) -> None:
    answer = post(api, "/product", {"name": "Dyr", "priceExcludingVatCurrency": amount})
    body = answer.json()
    assert (answer.status_code, body["code"]) == (422, 18000), body
    assert body["validationMessages"][0]["field"] == "priceExcludingVatCurrency"


def test_an_order_line_of_large_but_allowed_numbers_is_rounded_without_a_500(api: Api) -> None:
    customer = post(api, "/customer", {"name": "Stor AS"}).json()["value"]
    answer = post(api, "/order", {"customer": {"id": customer["id"]}, "orderDate": "2026-11-20",
                                  "deliveryDate": "2026-11-20", "orderLines": [
                                      {"description": "x", "count": 9e14, "unitPriceExcludingVatCurrency": 9e14}]})
    assert answer.status_code in (201, 422), answer.text


def test_money_rounds_amounts_beyond_28_digits_and_leaves_non_finite_ones() -> None:
    assert money(1e26) == 1e26 and money(-1.7e308) == -1.7e308
    assert money(2.675) == 2.68 and money(float("inf")) == float("inf")


@pytest.mark.parametrize(("content", "field"), [
    (b'{"name": "\\ud800"}', "name"),
    (b'{"name": "Acme", "postalAddress": {"city": "x\\udfff"}}', "postalAddress.city"),
    (b'{"name": "Acme", "\\ud800": 1}', "\\ud800"),
    ('{"name": "x\ud800"}'.encode("utf-8", "surrogatepass"), "name"),  # no escape: the bytes of a surrogate
    ('{"name": "x\ud800"}'.encode("utf-16-le", "surrogatepass"), "name"),
])
def test_a_lone_surrogate_in_a_text_is_refused_with_422_naming_the_field(api: Api, content: bytes, field: str) -> None:
    answer = raw_post(api, "/customer", content)
    body = answer.json()
    assert (answer.status_code, body["code"]) == (422, 18000), body
    assert body["validationMessages"][0]["field"] == field


@pytest.mark.parametrize("content", [b'{"name": "A", "x": NaN}', b'{"name": "A", "x": Infinity}', b"-Infinity"])
def test_nan_and_infinity_are_not_json(api: Api, content: bytes) -> None:
    answer = raw_post(api, "/customer", content)
    assert (answer.status_code, answer.json()["code"]) == (422, 22000)


def test_the_client_reads_path_and_root_id_of_each_validation_message() -> None:
    body = {"status": 422, "code": 18000, "message": "Validering feilet.", "validationMessages": [
        {"field": "postings.row", "message": "Rad 0 er systemets.", "path": "postings[0].row", "rootId": 7},
        {"field": "name", "message": "Feltet må fylles ut."}]}
    error = api_error_from_response(422, json.dumps(body).encode(), {})
    assert error.validation_messages == [
        ValidationMessage("postings.row", "Rad 0 er systemets.", "postings[0].row", 7),
        ValidationMessage("name", "Feltet må fylles ut.")]
