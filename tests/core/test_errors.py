"""The error hierarchy built from Tripletex's error envelope."""

from __future__ import annotations

import json
import pickle

import pytest

from tripletex_connect.core import errors as e


def envelope(status: int, code: int | None, message: str = "Something", **extra: object) -> bytes:
    body = {"status": status, "code": code, "message": message, "link": None, "developerMessage": None,
            "validationMessages": [], "requestId": "req-123"}
    body.update(extra)
    return json.dumps(body).encode()


@pytest.mark.parametrize(
    ("status", "code", "cls"),
    [
        (400, 4000, e.BadRequestError),
        (400, 11000, e.BadRequestError),
        (400, 12000, e.BadRequestError),
        (401, 3000, e.AuthenticationError),
        (403, 9000, e.PermissionDeniedError),
        (404, 6000, e.NotFoundError),
        (405, None, e.MethodNotAllowedError),
        (409, 7000, e.ObjectExistsError),
        (409, 8000, e.StaleVersionError),
        (409, 10000, e.LockedError),
        (409, 14000, e.DuplicateError),
        (409, None, e.ConflictError),
        (422, 15000, e.ValidationError),
        (422, 16000, e.ValidationError),
        (422, 17000, e.ValidationError),
        (422, 18000, e.ValidationError),
        (422, 21000, e.ValidationError),
        (422, 22000, e.ValidationError),
        (422, 23000, e.ValidationError),
        (429, None, e.RateLimitError),
        (500, 1000, e.ServerError),
        (502, None, e.ServerError),
        (503, None, e.ServerError),
        (418, None, e.APIError),
    ],
)
def test_each_status_and_code_maps_to_its_exception_class(status: int, code: int | None, cls: type) -> None:
    err = e.api_error_from_response(status, envelope(status, code), {"x-tlx-request-id": "req-123"})
    assert type(err) is cls
    assert isinstance(err, e.APIError) and isinstance(err, e.TripletexError)
    assert (err.status, err.code, err.request_id) == (status, code, "req-123")


def test_stale_version_is_a_conflict_error() -> None:
    err = e.api_error_from_response(409, envelope(409, 8000), {})
    assert isinstance(err, e.ConflictError)
    assert "stale version" in str(err)


def test_str_of_a_validation_error_lists_every_field_message_and_the_request_id() -> None:
    body = envelope(
        422, 15000, "Validering feilet.",
        validationMessages=[
            {"field": "name", "message": "Kan ikke være null."},
            {"field": "email", "message": "Ugyldig e-postadresse."},
        ],
        requestId="abc-42",
    )
    err = e.api_error_from_response(422, body, {}, method="POST", path="/customer")
    text = str(err)
    assert "422" in text and "15000" in text and "POST /customer" in text
    assert "name: Kan ikke være null." in text
    assert "email: Ugyldig e-postadresse." in text
    assert "abc-42" in text
    assert [m.field for m in err.validation_messages] == ["name", "email"]


def test_request_id_falls_back_to_the_response_header() -> None:
    body = json.dumps({"status": 404, "code": 6000, "message": "Not found"}).encode()
    err = e.api_error_from_response(404, body, {"X-Tlx-Request-Id": "hdr-9"})
    assert err.request_id == "hdr-9"


def test_a_body_that_is_not_json_still_gives_a_readable_error() -> None:
    err = e.api_error_from_response(502, b"<html>Bad gateway</html>", {})
    assert isinstance(err, e.ServerError)
    assert "Bad gateway" in str(err)


def test_an_empty_body_gives_the_meaning_of_the_status() -> None:
    err = e.api_error_from_response(401, b"", {})
    assert isinstance(err, e.AuthenticationError)
    assert "401" in str(err)


def test_rate_limit_error_reads_retry_after_from_the_reset_header() -> None:
    err = e.api_error_from_response(429, b"", {"X-Rate-Limit-Reset": "7"})
    assert isinstance(err, e.RateLimitError)
    assert err.retry_after == 7.0


def test_api_errors_survive_pickling_with_all_their_fields() -> None:
    err = e.api_error_from_response(422, envelope(422, 18000, validationMessages=[{"field": "x", "message": "y"}]), {})
    copy = pickle.loads(pickle.dumps(err))
    assert type(copy) is e.ValidationError
    assert (copy.status, copy.code, copy.request_id) == (422, 18000, "req-123")
    assert str(copy) == str(err)


def test_user_mistakes_are_also_standard_python_errors() -> None:
    assert issubclass(e.ParameterError, TypeError)
    assert issubclass(e.ConfigurationError, ValueError)
    assert issubclass(e.UnsafePathError, e.ConfigurationError)
