"""Rate limits as Tripletex counts them: per employee per API consumer, in fixed windows, with bounded memory."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient
from typer.testing import CliRunner

from tripletex_connect.cli.main import app as cli
from tripletex_connect.sandbox import Backend, Sandbox, Store
from tripletex_connect.sandbox.app import create_app
from tripletex_connect.sandbox.backend import Request
from tripletex_connect.sandbox.ratelimit import RateLimit, RateLimiter, parse_rate_limit, parse_scope

from .conftest import BASE, Api, Clock


class Seconds:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def seconds() -> Seconds:
    return Seconds()


def limited(clock: Clock, seconds: Seconds, rate: str, scope: str = "credential") -> Iterator[Api]:
    backend = Backend(Store(), base_url=BASE, clock=clock, rate_limit=rate, monotonic=seconds,
                      rate_limit_scope=parse_scope(scope))
    company = backend.new_company(employee_token="limited-employee")
    with TestClient(create_app(backend)) as http:
        api = Api(http, backend, company, {}, clock)
        api.auth = api.session()
        yield api


@pytest.fixture
def api3(clock: Clock, seconds: Seconds) -> Iterator[Api]:
    yield from limited(clock, seconds, "3/60s")


def remaining(answer: Any) -> tuple[int, str, str]:
    headers = answer.headers
    return answer.status_code, headers["X-Rate-Limit-Remaining"], headers["X-Rate-Limit-Reset"]


def test_a_new_session_does_not_reset_the_count_of_its_employee_and_consumer(api3: Api) -> None:
    # The fixture's session creation counted as the first request of the window.
    assert remaining(api3.get("/customer")) == (200, "1", "60")
    fresh = api3.session()  # the third request: the window is used up
    assert remaining(api3.http.get("/v2/customer", headers=fresh))[:2] == (429, "0")


def test_once_hit_every_request_is_429_for_the_rest_of_the_window_then_it_opens(api3: Api, seconds: Seconds) -> None:
    for _ in range(2):
        api3.get("/customer")
    seconds.now += 59
    refused = api3.get("/customer")
    assert remaining(refused) == (429, "0", "1")
    assert refused.json()["code"] == 429 and refused.headers["X-Rate-Limit-Limit"] == "3"
    seconds.now += 1
    assert remaining(api3.get("/customer")) == (200, "2", "60")


def test_every_answer_carries_the_rate_limit_headers_errors_too(api3: Api) -> None:
    for answer in (api3.get("/customer/999999"), api3.get("/nowhere")):
        assert all(name in answer.headers for name in ("X-Rate-Limit-Limit", "X-Rate-Limit-Remaining",
                                                        "X-Rate-Limit-Reset"))


def test_another_employee_has_a_bucket_of_its_own(api3: Api) -> None:
    other = api3.backend.new_company(employee_token="another-employee")
    for _ in range(3):
        api3.get("/customer")
    assert remaining(api3.http.get("/v2/customer", headers=api3.session(other.employee_token)))[:2] == (200, "1")


@pytest.mark.parametrize(("scope", "client_left"), [("credential", "0"), ("company", "4")])
def test_the_scope_says_whether_client_companies_share_the_accountants_bucket(
    clock: Clock, seconds: Seconds, scope: str, client_left: str
) -> None:
    for api in limited(clock, seconds, "5/60s", scope):
        api.get("/customer")
        api.get("/customer")
        client = api.session(company=api.company.client_company_id or 0)  # counts as the accountant's
        answer = api.http.get("/v2/customer", headers=client)
        assert (answer.status_code, answer.headers["X-Rate-Limit-Remaining"]) == (200, client_left)


def test_the_limiter_keeps_at_most_its_bound_of_buckets_however_many_keys() -> None:
    limiter = RateLimiter(5, 60, lambda: 0.0, max_buckets=100)
    for n in range(10_000):
        limiter.hit(f"key-{n}")
    assert len(limiter) == 100
    assert limiter.hit("key-9999")[1]["X-Rate-Limit-Remaining"] == "3"  # the most recent buckets stay


def test_thousands_of_distinct_unknown_authorization_headers_use_one_bucket(clock: Clock, seconds: Seconds) -> None:
    backend = Backend(Store(), base_url=BASE, clock=clock, rate_limit=10**9, monotonic=seconds)
    for n in range(3000):
        header = "Basic " + base64.b64encode(f"0:no-such-session-{n}".encode()).decode()
        assert backend.handle(Request("GET", "/customer", headers={"authorization": header})).status == 401
    assert len(backend.limiter) == 1


@pytest.mark.parametrize(("text", "limit", "period"), [
    ("100/60s", 100, 60.0), ("100/m", 100, 60.0), ("5000/1h", 5000, 3600.0), ("7", 7, 60.0), ("10/2.5s", 10, 2.5),
    ("3/d", 3, 86400.0), (250, 250, 60.0),
])
def test_a_rate_limit_is_n_per_period(text: str | int, limit: int, period: float) -> None:
    assert parse_rate_limit(text) == RateLimit(limit, period)


@pytest.mark.parametrize("text", ["", "abc", "0/60s", "10/0s", "10/60x", "-1", "10/"])
def test_a_malformed_rate_limit_says_the_form_it_takes(text: str) -> None:
    with pytest.raises(ValueError, match=r"N/PERIOD|at least 1"):
        parse_rate_limit(text)


def test_a_sandbox_takes_its_rate_limit_and_scope_as_text() -> None:
    sandbox = Sandbox(rate_limit="100/10s", rate_limit_scope="company")
    try:
        assert (sandbox.backend.limiter.limit, sandbox.backend.limiter.period) == (100, 10.0)
        assert sandbox.backend.rate_limit_scope == "company"
    finally:
        sandbox.stop()
    with pytest.raises(ValueError, match="scope"):
        parse_scope("session")


@pytest.mark.parametrize(("args", "hint"), [
    (["--rate-limit", "lots"], "--rate-limit"), (["--rate-limit-scope", "session"], "--rate-limit-scope")])
def test_serve_refuses_a_malformed_rate_limit_with_a_usage_error(args: list[str], hint: str) -> None:
    result = CliRunner().invoke(cli, ["sandbox", "serve", "--memory", "--port", "1", *args])
    assert result.exit_code == 2 and hint in result.output
