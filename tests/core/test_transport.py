"""The transport against a mocked Tripletex on 127.0.0.1: sessions, retry rules, rate limits, errors."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterator

import httpx
import pytest
import respx

from tripletex_connect.core.config import ConnectionSettings, Secret
from tripletex_connect.core.errors import (
    APIError,
    AuthenticationError,
    ConnectError,
    OutcomeUnknownError,
    RateLimitError,
    ServerError,
)
from tripletex_connect.core.session import OSLO
from tripletex_connect.core.transport import AsyncTransport, Transport

BASE = "http://127.0.0.1:9/v2"
NOW = dt.datetime(2026, 11, 25, 14, 0, tzinfo=OSLO)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: dt.datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def settings(**overrides: object) -> ConnectionSettings:
    values: dict[str, object] = {
        "base_url": BASE, "environment": "custom", "consumer_token": Secret("consumer-secret-1"),
        "employee_token": Secret("employee-secret-2"), "max_retries": 3, "max_retry_time": 60.0,
    }
    values.update(overrides)
    return ConnectionSettings(**values)  # type: ignore[arg-type]


def session_answer(token: str, expiration: str) -> httpx.Response:
    return httpx.Response(200, json={"value": {"id": 1, "version": 1, "token": token, "expirationDate": expiration}})


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def transport(sleeps: list[float], clock: Clock) -> Iterator[Transport]:
    t = Transport(settings(), clock=clock, sleep=sleeps.append, random=lambda: 0.5)
    yield t
    t.close()


def auth_of(request: httpx.Request) -> str:
    return request.headers["Authorization"]


def basic(token: str, company: int = 0) -> str:
    import base64

    return "Basic " + base64.b64encode(f"{company}:{token}".encode()).decode()


# Sessions


def test_session_is_created_lazily_once_and_reused(api: respx.MockRouter, transport: Transport) -> None:
    route = api.get("/customer/1").respond(200, json={"value": {"id": 1}})
    assert api.routes[0].call_count == 0
    transport.send("GET", "/customer/1")
    transport.send("GET", "/customer/1")
    assert api.routes[0].call_count == 1
    assert all(auth_of(call.request) == basic("session-tok-1") for call in route.calls)


def test_session_is_asked_for_two_days_ahead_in_oslo_time(api: respx.MockRouter, transport: Transport) -> None:
    api.get("/customer/1").respond(200, json={"value": {}})
    transport.send("GET", "/customer/1")
    create = api.routes[0].calls.last.request
    params = dict(create.url.params)
    assert params == {
        "consumerToken": "consumer-secret-1", "employeeToken": "employee-secret-2", "expirationDate": "2026-11-27",
    }
    assert "Authorization" not in create.headers


def test_session_is_renewed_shortly_before_the_oslo_midnight_it_ends(
    api: respx.MockRouter, transport: Transport, clock: Clock
) -> None:
    route = api.get("/customer/1").respond(200, json={"value": {}})
    transport.send("GET", "/customer/1")
    clock.now = dt.datetime(2026, 11, 26, 23, 50, tzinfo=OSLO)  # 10 minutes before the session ends
    transport.send("GET", "/customer/1")
    assert api.routes[0].call_count == 1
    clock.now = dt.datetime(2026, 11, 26, 23, 56, tzinfo=OSLO)  # inside the 5-minute margin
    transport.send("GET", "/customer/1")
    assert api.routes[0].call_count == 2
    assert auth_of(route.calls.last.request) == basic("session-tok-2")


def test_a_401_renews_the_session_once_and_replays(api: respx.MockRouter, transport: Transport) -> None:
    route = api.post("/customer").mock(
        side_effect=[httpx.Response(401, json={"status": 401, "code": 3000}), httpx.Response(201, json={"value": {}})]
    )
    transport.send("POST", "/customer", json={"name": "A"})
    assert [auth_of(c.request) for c in route.calls] == [basic("session-tok-1"), basic("session-tok-2")]
    assert route.calls.last.request.content == b'{"name":"A"}'


def test_a_second_401_is_an_authentication_error(api: respx.MockRouter, transport: Transport) -> None:
    answer = {"status": 401, "code": 3000, "message": "Unauthorized", "requestId": "r1"}
    api.get("/customer/1").respond(401, json=answer)
    with pytest.raises(AuthenticationError) as caught:
        transport.send("GET", "/customer/1")
    assert caught.value.code == 3000 and caught.value.request_id == "r1"
    assert api.routes[0].call_count == 2


def test_a_401_with_a_live_sessions_prepared_header_renews_exactly_once_and_replays(
    api: respx.MockRouter, transport: Transport
) -> None:
    route = api.get("/customer/1").mock(side_effect=[
        httpx.Response(200, json={"value": {}}), httpx.Response(401), httpx.Response(200, json={"value": {}}),
        httpx.Response(200, json={"value": {}}),
    ])
    transport.send("GET", "/customer/1")  # makes the session: later requests carry it as a prepared header
    assert transport.send("GET", "/customer/1").status_code == 200
    transport.send("GET", "/customer/1")
    assert api.routes[0].call_count == 2
    tokens = [auth_of(c.request) for c in route.calls]
    assert tokens == [basic("session-tok-1"), basic("session-tok-1"), basic("session-tok-2"), basic("session-tok-2")]


def test_a_second_401_after_the_replay_of_a_prepared_header_is_an_authentication_error(
    api: respx.MockRouter, transport: Transport
) -> None:
    route = api.get("/customer/1").mock(side_effect=[
        httpx.Response(200, json={"value": {}}), httpx.Response(401, json={"status": 401, "code": 3000}),
        httpx.Response(401, json={"status": 401, "code": 3000, "requestId": "r2"}),
    ])
    transport.send("GET", "/customer/1")
    with pytest.raises(AuthenticationError) as caught:
        transport.send("GET", "/customer/1")
    assert caught.value.request_id == "r2" and route.call_count == 3 and api.routes[0].call_count == 2


async def test_async_401s_with_a_prepared_header_renew_once_for_all_requests_in_flight(
    api: respx.MockRouter,
) -> None:
    import asyncio

    stale_seen = asyncio.Event()
    seen: list[str] = []

    async def answer(request: httpx.Request) -> httpx.Response:
        seen.append(auth_of(request))
        if len(seen) == 1 or seen[-1] == basic("session-tok-2"):
            return httpx.Response(200, json={"value": {}})
        if seen.count(basic("session-tok-1")) == 5:  # all four in flight carry the old token: answer them now
            stale_seen.set()
        await stale_seen.wait()
        return httpx.Response(401)

    route = api.get("/customer/1").mock(side_effect=answer)
    t = AsyncTransport(settings(), clock=Clock())
    await t.send("GET", "/customer/1")
    results = await asyncio.gather(*(t.send("GET", "/customer/1") for _ in range(4)))
    assert [r.status_code for r in results] == [200] * 4
    assert api.routes[0].call_count == 2  # one session, then one renewal shared by the four 401s
    assert route.call_count == 9 and seen[5:] == [basic("session-tok-2")] * 4
    await t.aclose()


def test_a_refused_consumer_token_names_the_field_and_the_environment_hint(
    api: respx.MockRouter, transport: Transport
) -> None:
    api.routes[0].side_effect = None
    api.routes[0].return_value = httpx.Response(422, json={
        "status": 422, "code": 18000, "message": "Validering feilet.", "requestId": "r-422",
        "validationMessages": [{"field": "arg:consumerToken", "message": "Ugyldig token."}],
    })
    with pytest.raises(AuthenticationError) as caught:
        transport.send("GET", "/customer/1")
    error = caught.value
    assert error.code == 18000 and error.request_id == "r-422"
    assert [m.field for m in error.validation_messages] == ["arg:consumerToken"]
    assert "consumer token was refused" in str(error) and "environment" in str(error)
    assert "consumer-secret-1" not in str(error)


def test_basic_auth_user_is_the_company_id(api: respx.MockRouter, clock: Clock) -> None:
    route = api.get("/customer/1").respond(200, json={"value": {}})
    t = Transport(settings(company_id=5), clock=clock)
    t.send("GET", "/customer/1")
    assert auth_of(route.calls.last.request) == basic("session-tok-1", company=5)


def test_a_429_on_session_creation_waits_the_reset_then_retries(
    api: respx.MockRouter, transport: Transport, sleeps: list[float]
) -> None:
    api.routes[0].side_effect = [
        httpx.Response(429, headers={"X-Rate-Limit-Reset": "4"}), session_answer("session-tok-1", "2026-11-27"),
    ]
    route = api.post("/customer").respond(201, json={"value": {"id": 1}})
    assert transport.send("POST", "/customer", json={"name": "A"}).status_code == 201
    assert api.routes[0].call_count == 2 and route.call_count == 1 and sleeps == [4.0]
    assert auth_of(route.calls.last.request) == basic("session-tok-1")


def test_a_429_on_session_renewal_after_a_401_waits_then_replays(
    api: respx.MockRouter, transport: Transport, sleeps: list[float]
) -> None:
    api.routes[0].side_effect = [
        session_answer("session-tok-1", "2026-11-27"), httpx.Response(429, headers={"X-Rate-Limit-Reset": "2"}),
        session_answer("session-tok-2", "2026-11-27"),
    ]
    route = api.get("/customer/1").mock(side_effect=[
        httpx.Response(401), httpx.Response(401), httpx.Response(200, json={"value": {}}),
    ])
    transport.send("GET", "/customer/1")
    assert sleeps == [2.0] and api.routes[0].call_count == 3
    assert auth_of(route.calls.last.request) == basic("session-tok-2")


def test_missing_tokens_fail_before_any_request(api: respx.MockRouter) -> None:
    from tripletex_connect.core.errors import ConfigurationError

    t = Transport(settings(consumer_token=Secret("")))
    with pytest.raises(ConfigurationError, match="TRIPLETEX_CONSUMER_TOKEN"):
        t.send("GET", "/customer/1")
    assert api.routes[0].call_count == 0


# Retry rules


def test_429_on_post_waits_the_reset_seconds_then_retries(
    api: respx.MockRouter, transport: Transport, sleeps: list[float]
) -> None:
    route = api.post("/customer").mock(side_effect=[
        httpx.Response(429, json={"status": 429}, headers={"X-Rate-Limit-Reset": "7"}),
        httpx.Response(201, json={"value": {"id": 1}}),
    ])
    assert transport.send("POST", "/customer", json={"name": "A"}).status_code == 201
    assert route.call_count == 2 and sleeps == [7.0]


def test_429_falls_back_to_retry_after(api: respx.MockRouter, transport: Transport, sleeps: list[float]) -> None:
    api.get("/customer").mock(side_effect=[
        httpx.Response(429, headers={"Retry-After": "3"}), httpx.Response(200, json={"values": []}),
    ])
    transport.send("GET", "/customer")
    assert sleeps == [3.0]


def test_503_on_get_is_retried_with_backoff(api: respx.MockRouter, transport: Transport, sleeps: list[float]) -> None:
    route = api.get("/customer/1").mock(side_effect=[
        httpx.Response(503), httpx.Response(503), httpx.Response(200, json={"value": {}}),
    ])
    transport.send("GET", "/customer/1")
    assert route.call_count == 3
    assert sleeps == [0.25, 0.5]  # random 0.5 x (0.5 s, 1 s): exponential with full jitter


def test_503_on_post_is_not_retried(api: respx.MockRouter, transport: Transport, sleeps: list[float]) -> None:
    route = api.post("/customer").respond(503, json={"status": 503, "message": "busy"})
    with pytest.raises(OutcomeUnknownError):
        transport.send("POST", "/customer", json={"name": "A"})
    assert route.call_count == 1 and sleeps == []


def test_an_action_put_is_not_idempotent(api: respx.MockRouter, transport: Transport) -> None:
    route = api.put("/invoice/1/:send").respond(503)
    with pytest.raises(OutcomeUnknownError):
        transport.send("PUT", "/invoice/1/:send")
    assert route.call_count == 1


def test_a_put_to_a_resource_without_version_is_retried(api: respx.MockRouter, transport: Transport) -> None:
    route = api.put("/customer/1").mock(side_effect=[httpx.Response(502), httpx.Response(200, json={"value": {}})])
    transport.send("PUT", "/customer/1", json={"name": "B"})
    assert route.call_count == 2


def test_a_read_timeout_on_post_is_not_retried(api: respx.MockRouter, transport: Transport) -> None:
    route = api.post("/customer").mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(OutcomeUnknownError):
        transport.send("POST", "/customer", json={"name": "A"})
    assert route.call_count == 1


@pytest.mark.parametrize(
    "error", [httpx.WriteTimeout("slow"), httpx.ReadError("reset"), httpx.RemoteProtocolError("x")]
)
@pytest.mark.parametrize(("method", "path"), [("POST", "/customer"), ("PUT", "/invoice/1/:send")])
def test_a_write_that_may_have_reached_the_server_is_not_retried(
    api: respx.MockRouter, transport: Transport, sleeps: list[float], error: Exception, method: str, path: str
) -> None:
    route = api.route(method=method, path=path).mock(side_effect=error)
    with pytest.raises(OutcomeUnknownError):
        transport.send(method, path, json={"name": "A"})
    assert route.call_count == 1 and sleeps == []


def test_a_read_timeout_on_get_is_retried(api: respx.MockRouter, transport: Transport) -> None:
    route = api.get("/customer/1").mock(side_effect=[httpx.ReadTimeout("slow"), httpx.Response(200, json={})])
    transport.send("GET", "/customer/1")
    assert route.call_count == 2


@pytest.mark.parametrize("method", ["GET", "DELETE", "PUT"])
@pytest.mark.parametrize("failure", [httpx.ReadError("connection reset"), httpx.Response(504)], ids=["reset", "504"])
def test_a_dropped_connection_or_504_on_an_idempotent_request_is_retried(
    api: respx.MockRouter, transport: Transport, method: str, failure: object
) -> None:
    route = api.route(method=method, path="/customer/1").mock(side_effect=[failure, httpx.Response(200, json={})])
    transport.send(method, "/customer/1", json={"name": "B"} if method == "PUT" else None)
    assert route.call_count == 2


def test_a_connect_error_on_post_is_retried(api: respx.MockRouter, transport: Transport) -> None:
    route = api.post("/customer").mock(side_effect=[httpx.ConnectError("refused"), httpx.Response(201, json={})])
    assert transport.send("POST", "/customer", json={"name": "A"}).status_code == 201
    assert route.call_count == 2


def test_attempts_are_bounded_by_max_retries(api: respx.MockRouter, transport: Transport) -> None:
    route = api.get("/customer/1").respond(503)
    with pytest.raises(ServerError):
        transport.send("GET", "/customer/1")
    assert route.call_count == 4  # the first attempt and max_retries=3 retries


def test_a_429_longer_than_the_time_budget_is_raised_at_once(api: respx.MockRouter, sleeps: list[float]) -> None:
    route = api.get("/customer").respond(429, headers={"X-Rate-Limit-Reset": "600"})
    t = Transport(settings(max_retry_time=30.0), sleep=sleeps.append)
    with pytest.raises(RateLimitError) as caught:
        t.send("GET", "/customer")
    assert route.call_count == 1 and sleeps == [] and caught.value.retry_after == 600


def test_nothing_listening_is_a_connect_error_after_bounded_retries(sleeps: list[float]) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    t = Transport(settings(base_url=f"http://127.0.0.1:{port}/v2", max_retries=2), sleep=sleeps.append)
    with pytest.raises(ConnectError) as caught:
        t.send("POST", "/customer", json={})
    assert len(sleeps) == 2 and "consumer-secret-1" not in str(caught.value)
    assert f"POST /v2/customer to 127.0.0.1:{port} failed" in str(caught.value)


def test_waits_count_once_against_the_time_budget(api: respx.MockRouter) -> None:
    now = [0.0]

    def sleep(seconds: float) -> None:  # time passes while waiting, as it would for real
        now[0] += seconds

    route = api.get("/customer").respond(429, headers={"X-Rate-Limit-Reset": "0.1"})
    t = Transport(settings(max_retries=10, max_retry_time=0.37), sleep=sleep, monotonic=lambda: now[0])
    with pytest.raises(RateLimitError):
        t.send("GET", "/customer")
    # waits of 0.1 s fit three times in 0.37 s; counting slept time twice would allow only two
    assert route.call_count == 4


def test_each_request_is_logged_at_debug_with_status_duration_and_request_id(
    api: respx.MockRouter, transport: Transport, caplog: pytest.LogCaptureFixture
) -> None:
    api.get("/token/session/>whoAmI").respond(200, json={"value": {}}, headers={"x-tlx-request-id": "rid-77"})
    with caplog.at_level(logging.DEBUG, logger="tripletex_connect"):
        transport.send("GET", "/token/session/>whoAmI", params={"fields": "*"})
    line = next(r.getMessage() for r in caplog.records if r.name == "tripletex_connect.http")
    expected = r"GET /v2/token/session/>whoAmI\?fields=\* -> 200 in \d+ ms \(request id rid-77, attempt 1\)"
    assert re.fullmatch(expected, line)


# Rate limit state


def test_the_last_rate_limit_state_is_readable(api: respx.MockRouter, transport: Transport) -> None:
    assert transport.rate_limit is None
    api.get("/customer/1").respond(200, json={}, headers={
        "X-Rate-Limit-Limit": "1000", "X-Rate-Limit-Remaining": "998", "X-Rate-Limit-Reset": "42",
    })
    transport.send("GET", "/customer/1")
    state = transport.rate_limit
    assert state is not None and (state.limit, state.remaining, state.reset) == (1000, 998, 42.0)


# Async twin


async def test_async_transport_shares_the_session_and_retry_rules(api: respx.MockRouter) -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    route = api.post("/customer").mock(side_effect=[
        httpx.Response(401), httpx.Response(429, headers={"X-Rate-Limit-Reset": "2"}), httpx.Response(201, json={}),
    ])
    get = api.get("/customer/1").respond(503)
    t = AsyncTransport(settings(), clock=Clock(), sleep=sleep, random=lambda: 0.5)
    assert (await t.send("POST", "/customer", json={"name": "A"})).status_code == 201
    assert api.routes[0].call_count == 2 and route.call_count == 3 and waits == [2.0]
    with pytest.raises(ServerError):
        await t.send("GET", "/customer/1")
    assert get.call_count == 4
    await t.aclose()


async def test_concurrent_async_first_requests_create_one_session(api: respx.MockRouter) -> None:
    import asyncio

    api.get("/customer/1").respond(200, json={})
    t = AsyncTransport(settings(), clock=Clock())
    await asyncio.gather(*(t.send("GET", "/customer/1") for _ in range(5)))
    assert api.routes[0].call_count == 1
    await t.aclose()


def test_reprs_show_no_token(api: respx.MockRouter, transport: Transport) -> None:
    api.get("/customer/1").respond(200, json={})
    transport.send("GET", "/customer/1")
    for text in (repr(transport), repr(transport.session)):
        assert "session-tok" not in text and "secret" not in text


@pytest.mark.parametrize(
    ("status", "code", "name"),
    [
        (400, 4000, "BadRequestError"), (401, 3000, "AuthenticationError"), (403, 9000, "PermissionDeniedError"),
        (404, 6000, "NotFoundError"), (409, 7000, "ObjectExistsError"), (409, 8000, "StaleVersionError"),
        (409, 10000, "LockedError"), (409, 14000, "DuplicateError"), (422, 15000, "ValidationError"),
        (422, 16000, "ValidationError"), (422, 17000, "ValidationError"), (422, 18000, "ValidationError"),
        (422, 21000, "ValidationError"), (422, 22000, "ValidationError"), (422, 23000, "ValidationError"),
        (500, 1000, "ServerError"),
    ],
)
def test_error_answers_raise_the_class_of_their_status_and_code(
    api: respx.MockRouter, transport: Transport, status: int, code: int, name: str
) -> None:
    api.get("/customer/1").respond(status, json={
        "status": status, "code": code, "message": "nope", "requestId": "req-9",
        "validationMessages": [{"field": "name", "message": "Feltet må fylles ut."}],
    })
    with pytest.raises(APIError) as caught:
        transport.send("GET", "/customer/1")
    error = caught.value
    assert type(error).__name__ == name
    assert (error.status, error.code, error.request_id) == (status, code, "req-9")
    assert error.validation_messages[0].field == "name"
