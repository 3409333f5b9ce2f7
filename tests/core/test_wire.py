"""A transport's own client sends a live session's requests straight to its pool; other clients keep httpx's path."""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import Iterator
from contextlib import closing as _closing
from typing import Any

import httpx
import pytest
import respx

from tripletex_connect.core.errors import ConnectError, NotFoundError
from tripletex_connect.core.transport import AsyncTransport, Transport
from tripletex_connect.core.wire import proxied

from .test_transport import Clock, basic, settings


@pytest.fixture
def client_sends(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The paths httpx.Client.send and AsyncClient.send were asked to send (the full httpx path)."""
    seen: list[str] = []
    sync_send, async_send = httpx.Client.send, httpx.AsyncClient.send

    def spy(self: httpx.Client, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        seen.append(request.url.path)
        return sync_send(self, request, **kwargs)

    async def async_spy(self: httpx.AsyncClient, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        seen.append(request.url.path)
        return await async_send(self, request, **kwargs)

    monkeypatch.setattr(httpx.Client, "send", spy)
    monkeypatch.setattr(httpx.AsyncClient, "send", async_spy)
    yield seen


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)


def test_only_the_request_that_makes_the_session_goes_through_httpx_client_send(
    api: respx.MockRouter, client_sends: list[str]
) -> None:
    route = api.get("/customer/1").respond(200, json={"value": {"id": 1}})
    with _closing(Transport(settings(), clock=Clock())) as t:
        for _ in range(3):
            answer = t.send("GET", "/customer/1")
            assert answer.json() == {"value": {"id": 1}}
            assert isinstance(answer.elapsed, dt.timedelta)  # set, as httpx.Client sets it
            assert answer.request.url.path == "/v2/customer/1" and answer.is_closed
    assert route.call_count == 3
    assert client_sends == ["/v2/customer/1"]  # the first makes the session: httpx runs its auth flow


def test_a_direct_request_carries_the_clients_defaults_and_its_own_headers(api: respx.MockRouter) -> None:
    route = api.post("/customer").respond(201, json={"value": {"id": 7}})
    with _closing(Transport(settings(), clock=Clock())) as t:
        t.send("POST", "/customer", params={"fields": "id", "skip": None}, json={"name": "Fjord AS"},
               headers={"If-None-Match": '"v1"', "Accept": "application/json; charset=utf-8"})
    sent = route.calls.last.request
    assert sent.headers["Authorization"] == basic("session-tok-1")
    assert sent.headers["User-Agent"].startswith("tripletex-connect/")
    assert sent.headers.get_list("Accept") == ["application/json; charset=utf-8"]  # replaced, not repeated
    assert sent.headers["If-None-Match"] == '"v1"'
    assert sent.headers["Content-Type"] == "application/json"
    assert sent.url.params == httpx.QueryParams({"fields": "id"})
    assert sent.content == b'{"name":"Fjord AS"}'
    assert sent.extensions["timeout"]["read"] == settings().timeout


def test_a_direct_upload_goes_as_multipart_form_data(api: respx.MockRouter, client_sends: list[str]) -> None:
    route = api.post("/ledger/voucher/importDocument").respond(201, json={"values": []})
    api.get("/customer/1").respond(200, json={"value": {"id": 1}})
    with _closing(Transport(settings(), clock=Clock())) as t:
        t.send("GET", "/customer/1")  # makes the session: the upload then goes direct
        t.send("POST", "/ledger/voucher/importDocument",
               files={"file": ("bilag.pdf", b"%PDF-1.7 x", "application/pdf")})
    sent = route.calls.last.request
    assert client_sends == ["/v2/customer/1"]
    assert sent.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert b'filename="bilag.pdf"' in sent.content and b"%PDF-1.7 x" in sent.content


def test_a_direct_error_answer_is_the_same_api_error(api: respx.MockRouter) -> None:
    api.get("/customer/404").respond(404, json={"status": 404, "code": 6000, "message": "Object not found",
                                                "requestId": "req-404"})
    with _closing(Transport(settings(), clock=Clock())) as t, pytest.raises(NotFoundError) as caught:
        t.send("GET", "/customer/404")
    assert (caught.value.status, caught.value.code, caught.value.request_id) == (404, 6000, "req-404")
    assert caught.value.path == "/v2/customer/404"


def test_a_refused_direct_connection_is_a_connect_error_naming_the_request() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    t = Transport(settings(base_url=f"http://127.0.0.1:{port}/v2", max_retries=0), sleep=lambda _: None)
    with _closing(t), pytest.raises(ConnectError) as caught:
        t.send("GET", "/customer/1", authenticated=False)  # no session to make: the request itself goes direct
    assert f"GET /v2/customer/1 to 127.0.0.1:{port} failed" in str(caught.value)


def test_a_proxy_in_the_environment_keeps_every_request_on_the_httpx_path(
    api: respx.MockRouter, client_sends: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:3128")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")  # httpx then still goes straight to the mocked API
    api.get("/customer/1").respond(200, json={"value": {"id": 1}})
    with _closing(Transport(settings(), clock=Clock())) as t:
        t.send("GET", "/customer/1")
        t.send("GET", "/customer/1")
    assert client_sends == ["/v2/customer/1", "/v2/customer/1"]


def test_a_callers_http_client_keeps_its_event_hooks_for_every_request(api: respx.MockRouter) -> None:
    api.get("/customer/1").respond(200, json={"value": {"id": 1}})
    hooked: list[str] = []
    own = httpx.Client(event_hooks={"request": [lambda request: hooked.append(request.url.path)]})
    with own, _closing(Transport(settings(), http_client=own, clock=Clock())) as t:
        t.send("GET", "/customer/1")
        t.send("GET", "/customer/1")
    assert hooked == ["/v2/token/session/:create", "/v2/customer/1", "/v2/customer/1"]


async def test_async_only_the_request_that_makes_the_session_goes_through_httpx_client_send(
    api: respx.MockRouter, client_sends: list[str]
) -> None:
    route = api.get("/customer/1").respond(200, json={"value": {"id": 1}})
    t = AsyncTransport(settings(), clock=Clock())
    try:
        for _ in range(3):
            assert (await t.send("GET", "/customer/1")).json() == {"value": {"id": 1}}
    finally:
        await t.aclose()
    assert route.call_count == 3
    assert client_sends == ["/v2/customer/1"]  # the first makes the session: httpx runs its auth flow


def test_proxied_reads_the_proxy_for_the_urls_scheme_or_all(monkeypatch: pytest.MonkeyPatch) -> None:
    assert not proxied("https://tripletex.no/v2")
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy:3128")
    assert proxied("https://tripletex.no/v2")
    assert not proxied("http://127.0.0.1:8000/v2")
    monkeypatch.setenv("ALL_PROXY", "socks5://proxy:1080")
    assert proxied("http://127.0.0.1:8000/v2")
