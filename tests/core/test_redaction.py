"""Secrets never appear in logs (httpx's own included), exception messages, tracebacks or reprs."""

from __future__ import annotations

import io
import json
import logging
import traceback
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import respx
from typer.testing import CliRunner

from tripletex_connect import Tripletex
from tripletex_connect.cli.main import app
from tripletex_connect.core.errors import APIError, TransportError
from tripletex_connect.core.redact import Redactor, redact_data
from tripletex_connect.sandbox import SandboxCompany

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


# --- point 5: tokens given as parameters, and tokens too short to mask by value -----------------------


def test_a_token_shorter_than_four_characters_is_masked_where_named_and_nowhere_else() -> None:
    redactor = Redactor()
    redactor.add("e", "c")
    text = "PUT /v2/token/session/:create?consumerToken=c&employeeToken=e -> 200; everyone sees the message"
    assert redactor.scrub(text) == (
        "PUT /v2/token/session/:create?consumerToken=***&employeeToken=*** -> 200; everyone sees the message"
    )


def test_token_keys_in_json_and_dict_reprs_are_masked() -> None:
    text = """{"consumerToken": "abc", "employeeToken": "x", 'token': 'q1', "name": "Acme"}"""
    masked = """{"consumerToken": "***", "employeeToken": "***", 'token': '***', "name": "Acme"}"""
    assert Redactor().scrub(text) == masked


def test_redact_data_masks_secret_named_values_at_any_depth() -> None:
    call = {"method": "GET", "params": {"consumerToken": "c", "employeeToken": "long-employee"},
            "body": [{"password": "p"}], "path": "/token/session/:create?token=abc", "count": 2}
    assert redact_data(call) == {"method": "GET", "params": {"consumerToken": "***", "employeeToken": "***"},
                                 "body": [{"password": "***"}], "path": "/token/session/:create?token=***", "count": 2}


def test_a_dry_run_prints_tokens_given_as_parameters_masked(
    tripletex_sandbox: SandboxCompany, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRIPLETEX_DATA_DIR", str(tmp_path / "data"))
    scenario = tmp_path / "login.yaml"
    scenario.write_text(
        "name: login\nsteps:\n  - id: login\n    module: api\n    method: PUT\n    path: /token/session/:create\n"
        "    params: {consumerToken: c0nsumer-param, employeeToken: e, expirationDate: '2026-12-01'}\n"
    )
    env = {"TRIPLETEX_CONSUMER_TOKEN": tripletex_sandbox.consumer_token,
           "TRIPLETEX_EMPLOYEE_TOKEN": tripletex_sandbox.employee_token}
    result = CliRunner().invoke(
        app, ["--base-url", tripletex_sandbox.base_url, "-o", "json", "run", str(scenario), "--dry-run"], env=env
    )
    assert result.exit_code == 0, result.stderr
    [call] = json.loads(result.stdout)
    assert call["params"] == {"consumerToken": "***", "employeeToken": "***", "expirationDate": "2026-12-01"}
    assert "c0nsumer-param" not in result.stdout + result.stderr


def test_verbose_logs_with_one_letter_tokens_stay_readable(api_short: respx.MockRouter) -> None:
    env = {"TRIPLETEX_CONSUMER_TOKEN": "c", "TRIPLETEX_EMPLOYEE_TOKEN": "e"}
    result = CliRunner().invoke(app, ["--base-url", BASE, "--debug", "api", "GET", "/customer/1"], env=env)
    assert result.exit_code == 0, result.stderr
    assert "GET /v2/customer/1 -> 200" in result.stderr and "(request id -, attempt 1)" in result.stderr
    assert "***" not in result.stderr


@pytest.fixture
def api_short() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE) as router:
        router.put("/token/session/:create").respond(200, json={"value": {"token": SESSION,
                                                                          "expirationDate": "2099-01-01"}})
        router.get("/customer/1").respond(200, json={"value": {"id": 1}})
        yield router


def test_a_secret_containing_another_clients_secret_is_masked_whole_in_logs() -> None:
    from tripletex_connect.core.redact import RedactingFilter

    for _ in range(20):  # the filter's redactors come in no set order: each pair once in either
        log_filter, short, long = RedactingFilter(), Redactor(), Redactor()
        short.add("SECRET-part")
        long.add("my-SECRET-part-and-more")
        log_filter.register(short)
        log_filter.register(long)
        assert log_filter.scrub("sent my-SECRET-part-and-more and SECRET-part") == "sent *** and ***"
