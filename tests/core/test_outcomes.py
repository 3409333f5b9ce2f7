"""Writes whose answer was lost, session creation under faults, and names that do not resolve."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import httpx
import pytest
import respx

from tripletex_connect import Tripletex
from tripletex_connect.core.errors import (
    OUTCOME_UNKNOWN_ADVICE,
    ConnectError,
    OutcomeUnknownError,
    TripletexError,
)
from tripletex_connect.core.transport import AsyncTransport, Transport
from tripletex_connect.sandbox import Sandbox, SandboxCompany

from .test_transport import BASE, Clock, session_answer, settings


@pytest.fixture
def transport(sleeps: list[float]) -> Iterator[Transport]:
    t = Transport(settings(), clock=Clock(), sleep=sleeps.append, random=lambda: 0.5)
    yield t
    t.close()


def stored(version: int, **fields: object) -> httpx.Response:
    return httpx.Response(200, json={"value": {"id": 1, "version": version, **fields}})


# --- point 3: a POST or :action whose answer was lost -------------------------------------------------


def test_a_post_answered_503_raises_outcome_unknown_with_method_path_request_id_and_what_was_sent(
    api: respx.MockRouter, transport: Transport, sleeps: list[float]
) -> None:
    route = api.post("/customer").respond(503, json={"message": "busy"}, headers={"x-tlx-request-id": "req-7"})
    with pytest.raises(OutcomeUnknownError) as raised:
        transport.send("POST", "/customer", params={"fields": "id"}, json={"name": "A", "email": "a@b.no"})
    error = raised.value
    assert isinstance(error, TripletexError)
    assert (error.method, error.path, error.status, error.request_id) == ("POST", "/v2/customer", 503, "req-7")
    assert "name, email" in error.sent and "fields=id" in error.sent and "a@b.no" not in error.sent
    assert OUTCOME_UNKNOWN_ADVICE in str(error) and "req-7" in str(error)
    assert route.call_count == 1 and sleeps == []


@pytest.mark.parametrize("failure", [httpx.ReadTimeout("slow"), httpx.ReadError("reset"), httpx.Response(502)])
def test_an_action_put_whose_answer_was_lost_raises_outcome_unknown(
    api: respx.MockRouter, transport: Transport, failure: object
) -> None:
    route = api.put("/invoice/1/:send").mock(side_effect=[failure])
    with pytest.raises(OutcomeUnknownError) as raised:
        transport.send("PUT", "/invoice/1/:send", params={"sendType": "EMAIL"})
    assert raised.value.method == "PUT" and "sendType=EMAIL" in raised.value.sent
    assert route.call_count == 1


def test_the_summary_of_what_was_sent_hides_tokens(api: respx.MockRouter, transport: Transport) -> None:
    api.post("/thing").respond(503)
    with pytest.raises(OutcomeUnknownError) as raised:
        transport.send("POST", "/thing", params={"employeeToken": "employee-secret-2", "token": "abc"})
    assert "employee-secret-2" not in str(raised.value) and "abc" not in raised.value.sent


def test_a_post_that_never_reached_the_server_is_a_connect_error_not_an_unknown_outcome(
    api: respx.MockRouter, transport: Transport
) -> None:
    api.post("/customer").mock(side_effect=httpx.ConnectError("refused"))
    with pytest.raises(ConnectError):
        transport.send("POST", "/customer", json={"name": "A"})


async def test_the_async_transport_raises_outcome_unknown_too(api: respx.MockRouter) -> None:
    api.post("/customer").mock(side_effect=httpx.ReadTimeout("slow"))
    transport = AsyncTransport(settings(), clock=Clock(), sleep=_no_sleep)
    with pytest.raises(OutcomeUnknownError):
        await transport.send("POST", "/customer", json={"name": "A"})
    await transport.aclose()


async def _no_sleep(_: float) -> None:
    return None


# --- point 2: a PUT carrying version is checked by reading it again, never replayed -------------------


def test_a_lost_versioned_update_that_landed_returns_the_object_read_again(
    api: respx.MockRouter, transport: Transport
) -> None:
    put = api.put("/customer/1").respond(503)
    get = api.get("/customer/1").mock(return_value=stored(4, phoneNumber="123", postalAddress={"city": "Oslo"}))
    answer = transport.send(
        "PUT", "/customer/1", json={"version": 3, "phoneNumber": "123", "postalAddress": {"city": "Oslo"}}
    )
    assert answer.json()["value"]["version"] == 4
    assert put.call_count == 1  # never replayed
    assert get.calls.last.request.url.params["fields"] == "*,postalAddress(*)"


@pytest.mark.parametrize(
    ("reread", "why"),
    [
        (stored(3, phoneNumber="123"), "still 3"),
        (stored(4, phoneNumber="999"), "phoneNumber differ"),
        (httpx.Response(404, json={"message": "gone"}), "reading it again failed"),
    ],
    ids=["version-unchanged", "someone-else-wrote", "reread-failed"],
)
def test_a_lost_versioned_update_that_cannot_be_confirmed_raises_outcome_unknown(
    api: respx.MockRouter, transport: Transport, reread: httpx.Response, why: str
) -> None:
    put = api.put("/customer/1").mock(side_effect=httpx.ReadTimeout("slow"))
    api.get("/customer/1").mock(return_value=reread)
    with pytest.raises(OutcomeUnknownError) as raised:
        transport.send("PUT", "/customer/1", json={"version": 3, "phoneNumber": "123"})
    assert why in raised.value.cause and put.call_count == 1


def test_a_versioned_batch_update_whose_answer_was_lost_is_not_replayed(
    api: respx.MockRouter, transport: Transport
) -> None:
    put = api.put("/customer/list").respond(504)
    with pytest.raises(OutcomeUnknownError):
        transport.send("PUT", "/customer/list", json=[{"id": 1, "version": 2, "name": "A"}])
    assert put.call_count == 1


async def test_the_async_transport_checks_a_lost_versioned_update_too(api: respx.MockRouter) -> None:
    api.put("/customer/1").respond(502)
    api.get("/customer/1").mock(return_value=stored(1, name="B"))
    transport = AsyncTransport(settings(), clock=Clock(), sleep=_no_sleep)
    answer = await transport.send("PUT", "/customer/1", json={"version": 0, "name": "B"})
    assert answer.json()["value"]["name"] == "B"
    await transport.aclose()


# --- point 1: session creation is retried like an idempotent request -----------------------------------


@pytest.mark.parametrize(
    "failure", [httpx.Response(503), httpx.Response(502), httpx.ReadError("dropped")], ids=["503", "502", "dropped"]
)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_failed_session_creation_is_retried_whatever_the_method(
    sleeps: list[float], failure: object, method: str
) -> None:
    with respx.mock(base_url=BASE) as router:
        create = router.put("/token/session/:create").mock(
            side_effect=[failure, session_answer("session-tok-1", "2026-11-27")]
        )
        call = router.route(method=method, path="/customer").respond(200, json={"value": {}})
        transport = Transport(settings(), clock=Clock(), sleep=sleeps.append, random=lambda: 0.5)
        assert transport.send(method, "/customer", json={"name": "A"} if method == "POST" else None).status_code == 200
        transport.close()
    assert create.call_count == 2 and call.call_count == 1 and sleeps == [0.25]


def test_session_creation_failing_every_time_is_reported_as_the_sessions_error(sleeps: list[float]) -> None:
    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        router.put("/token/session/:create").respond(503)
        post = router.post("/customer").respond(201, json={"value": {}})
        transport = Transport(settings(), clock=Clock(), sleep=sleeps.append, random=lambda: 0.5)
        with pytest.raises(TripletexError) as raised:
            transport.send("POST", "/customer", json={"name": "A"})
        transport.close()
    assert not isinstance(raised.value, OutcomeUnknownError) and "token/session/:create" in str(raised.value)
    assert post.call_count == 0 and len(sleeps) == 3


# --- point 20: a host name that does not resolve fails at once ------------------------------------------


def _unresolvable(request: httpx.Request) -> httpx.Response:
    try:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    except socket.gaierror as cause:
        raise httpx.ConnectError("[Errno -2] Name or service not known", request=request) from cause


def test_a_host_name_that_does_not_resolve_fails_at_once_without_retries(sleeps: list[float]) -> None:
    with respx.mock(base_url=BASE) as router:
        create = router.put("/token/session/:create").mock(side_effect=_unresolvable)
        transport = Transport(settings(), clock=Clock(), sleep=sleeps.append)
        with pytest.raises(ConnectError) as raised:
            transport.send("GET", "/customer")
        transport.close()
    assert create.call_count == 1 and sleeps == []
    assert "does not resolve" in str(raised.value) and "127.0.0.1" in str(raised.value)


# --- against the sandbox, with its fault injection --------------------------------------------------------


@pytest.fixture
def waits() -> list[float]:
    return []


@pytest.fixture
def tx(tripletex_sandbox: SandboxCompany, waits: list[float]) -> Iterator[Tripletex]:
    client = Tripletex(tripletex_sandbox.consumer_token, tripletex_sandbox.employee_token,
                       base_url=tripletex_sandbox.base_url, sleep=waits.append)
    yield client
    client.close()


def test_a_503_on_session_creation_is_retried_and_the_search_succeeds(waits: list[float]) -> None:
    # A session fault cannot be scoped to a company (:create names none yet): a sandbox of its own.
    with Sandbox(memory=True, faults=["503,path=/token/session/*,times=1"]) as sandbox:
        client = Tripletex(sandbox.consumer_token, sandbox.employee_token, base_url=sandbox.base_url,
                           sleep=waits.append)
        assert list(client.customers.search(customer_name="Ingen")) == []
        client.close()
        assert [f.hits for f in sandbox.faults.pending()] == [] and len(waits) == 1


def test_a_versioned_update_whose_answer_was_lost_returns_the_updated_customer(
    tripletex_sandbox: SandboxCompany, tx: Tripletex
) -> None:
    created = tx.customers.create({"name": "Versjon AS"})
    tripletex_sandbox.inject("503,method=PUT,path=/customer/*,when=after")
    updated = tx.customers.update(created.id, {"version": created.version, "phoneNumber": "123"})
    assert (updated.version, updated.phone_number) == (created.version + 1, "123")


def test_a_versioned_update_refused_before_writing_is_outcome_unknown_as_its_version_did_not_move(
    tripletex_sandbox: SandboxCompany, tx: Tripletex
) -> None:
    created = tx.customers.create({"name": "Annen AS"})
    tripletex_sandbox.inject("503,method=PUT,path=/customer/*,when=before")
    with pytest.raises(OutcomeUnknownError) as raised:
        tx.customers.update(created.id, {"version": created.version, "phoneNumber": "123"})
    assert "still" in raised.value.cause


def test_a_post_whose_answer_was_lost_is_outcome_unknown_and_booked_once(
    tripletex_sandbox: SandboxCompany, tx: Tripletex, waits: list[float]
) -> None:
    tripletex_sandbox.inject("503,method=POST,path=/customer,when=after")
    with pytest.raises(OutcomeUnknownError) as raised:
        tx.customers.create({"name": "Én Gang AS"})
    assert raised.value.status == 503 and "injected" in raised.value.cause and waits == []
    assert [c.name for c in tx.customers.search(customer_name="Én Gang AS")] == ["Én Gang AS"]
