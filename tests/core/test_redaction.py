"""Secrets never appear in logs (httpx's own included), exception messages, tracebacks or reprs."""

from __future__ import annotations

import io
import logging
import traceback
from collections.abc import Iterator

import httpx
import pytest
import respx

from tripletex_connect import Tripletex
from tripletex_connect.core.errors import APIError, TransportError

BASE = "http://127.0.0.1:9/v2"
CONSUMER, EMPLOYEE, SESSION = "cons-SECRET-aaaa", "empl-SECRET-bbbb", "sess-SECRET-cccc"
SECRETS = (CONSUMER, EMPLOYEE, SESSION)


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """Everything logged anywhere (root at DEBUG), formatted as a handler would write it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield stream
    root.removeHandler(handler)
    root.setLevel(old_level)


def assert_clean(*texts: str) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in text


def test_a_debug_session_leaks_no_token(captured: io.StringIO, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with respx.mock(base_url=BASE) as api:
        session = {"value": {"token": SESSION, "expirationDate": "2099-01-01"}}
        api.put("/token/session/:create").respond(200, json=session)
        api.get("/customer/1").respond(404, json={"status": 404, "code": 6000, "message": "Not found"})
        api.get("/customer/2").mock(side_effect=httpx.ReadError(f"reset while sending token={SESSION}"))
        tx = Tripletex(CONSUMER, EMPLOYEE, base_url=BASE, max_retries=0)
        errors: list[BaseException] = []
        for path in ("/customer/1", "/customer/2"):
            try:
                tx.request("GET", path)
            except (APIError, TransportError) as exc:
                errors.append(exc)
        texts = [str(e) for e in errors] + ["".join(traceback.format_exception(e)) for e in errors]
        assert len(errors) == 2
        assert_clean(captured.getvalue(), caplog.text, repr(tx), *texts)
    assert "GET /v2/customer/1 -> 404" in captured.getvalue()  # the log is there, only the secrets are not
    assert "consumerToken=***" in captured.getvalue()  # httpx's own request line, scrubbed


def test_a_refused_session_leaks_no_token(captured: io.StringIO) -> None:
    with respx.mock(base_url=BASE) as api:
        api.put("/token/session/:create").respond(422, json={
            "status": 422, "code": 18000, "message": f"bad token {EMPLOYEE}",
            "validationMessages": [{"field": "arg:employeeToken", "message": "Ugyldig"}],
        })
        tx = Tripletex(CONSUMER, EMPLOYEE, base_url=BASE)
        with pytest.raises(APIError) as caught:
            tx.request("GET", "/customer/1")
    error = caught.value
    assert "employee token was refused" in str(error)
    assert_clean(captured.getvalue(), str(error), "".join(traceback.format_exception(error)))
