"""The validator itself: it accepts what the spec allows and fails on what it does not."""

from __future__ import annotations

import httpx
import pytest

from .openapi import validate_exchange

BASE = "http://127.0.0.1:9/v2"
AUTH = {"Authorization": "Basic MDpzZXNzaW9uLXRva2Vu"}  # 0:session-token
CUSTOMER = {"id": 1, "version": 0, "url": f"{BASE}/customer/1", "name": "Acme", "customerNumber": 10000,
            "postalAddress": {"id": 3, "url": f"{BASE}/address/3"}, "phoneNumber": None}


def answer(status: int, body: object) -> httpx.Response:
    return httpx.Response(status, json=body)


def test_a_correct_customer_envelope_validates_even_with_nulls() -> None:
    validate_exchange(httpx.Request("GET", f"{BASE}/customer/1", headers=AUTH), answer(200, {"value": CUSTOMER}))


def test_a_wrongly_typed_response_field_fails() -> None:
    with pytest.raises(AssertionError, match="customer/1"):
        validate_exchange(httpx.Request("GET", f"{BASE}/customer/1", headers=AUTH),
                          answer(200, {"value": {**CUSTOMER, "customerNumber": "abc"}}))


def test_a_wrongly_typed_query_parameter_fails() -> None:
    with pytest.raises(AssertionError, match="request"):
        validate_exchange(httpx.Request("GET", f"{BASE}/customer", params={"from": "abc"}, headers=AUTH),
                          answer(200, {"values": []}))


def test_the_session_create_call_validates() -> None:
    request = httpx.Request("PUT", f"{BASE}/token/session/:create", params={
        "consumerToken": "c", "employeeToken": "e", "expirationDate": "2026-11-27"})
    validate_exchange(request, answer(200, {"value": {"id": 1, "version": 0, "token": "t",
                                                      "expirationDate": "2026-11-27"}}))


def test_a_request_body_with_nulls_validates() -> None:
    request = httpx.Request("POST", f"{BASE}/customer", json={"name": "A", "email": None}, headers=AUTH)
    validate_exchange(request, answer(201, {"value": CUSTOMER}))


def test_an_error_envelope_validates_against_api_error_and_a_broken_one_fails() -> None:
    request = httpx.Request("POST", f"{BASE}/customer", json={"name": ""}, headers=AUTH)
    error = {"status": 422, "code": 15000, "message": "Validering feilet.", "requestId": "r",
             "validationMessages": [{"field": "name", "message": "Feltet må fylles ut."}]}
    validate_exchange(request, answer(422, error))
    with pytest.raises(AssertionError, match="ApiError"):
        validate_exchange(request, answer(422, {**error, "code": "fifteen thousand"}))
