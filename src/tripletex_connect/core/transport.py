"""The HTTP transport: one pooled httpx client per connection, sessions, retries, rate limits and logging.

`Transport` and `AsyncTransport` share everything in `_Exchange` and `_Core`; they differ only in the
send and sleep calls.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from importlib.metadata import PackageNotFoundError, version
from typing import Any
from urllib.parse import unquote

import httpx

from .config import ConnectionSettings
from .errors import APIError, ConnectError, TimeoutError, TransportError, api_error_from_response
from .ratelimit import RateLimit
from .redact import Redactor, guard
from .retry import RetryPolicy, is_idempotent
from .session import Clock, SessionAuth, SessionManager, oslo_now

LOG = logging.getLogger("tripletex_connect.http")


def _user_agent() -> str:
    try:
        ours = version("tripletex-connect")
    except PackageNotFoundError:
        ours = "dev"
    return f"tripletex-connect/{ours} python-httpx/{httpx.__version__}"


def client_options(settings: ConnectionSettings) -> dict[str, Any]:
    """The options of the pooled httpx client: timeouts, headers, no redirects (tokens stay put)."""
    return {
        "timeout": httpx.Timeout(settings.timeout, connect=min(10.0, settings.timeout)),
        "headers": {"User-Agent": _user_agent(), "Accept": "application/json"},
        "follow_redirects": False,
    }


class _Core:
    """State and rules shared by the sync and async transports."""

    def __init__(
        self, settings: ConnectionSettings, *, clock: Clock | None, random: Callable[[], float] | None,
        logger: logging.Logger | None,
    ) -> None:
        self.settings = settings
        self.redactor = Redactor()
        self.redactor.add(settings.consumer_token.reveal(), settings.employee_token.reveal())
        guard(self.redactor)
        self.clock = clock or oslo_now
        self.session = SessionManager(settings, self.redactor, clock=self.clock)
        self.auth = SessionAuth(self.session)
        policy = RetryPolicy(settings.max_retries, settings.max_retry_time)
        if random is not None:
            policy.random = random
        self.policy = policy
        self.log = logger or LOG
        self.rate_limit: RateLimit | None = None

    def build(
        self, client: httpx.Client | httpx.AsyncClient, method: str, path: str, params: Mapping[str, Any] | None,
        json: Any, files: Any, headers: Mapping[str, str] | None,
    ) -> httpx.Request:
        if not path.startswith("/") or "://" in path:
            raise TransportError(f"internal error: path {path!r} is not relative to the base URL")
        clean = {k: v for k, v in (params or {}).items() if v is not None}
        return client.build_request(
            method.upper(), self.settings.base_url + path, params=clean, json=json, files=files,
            headers=dict(headers or {}),
        )


class _Exchange:
    """One logical request across its attempts: decides retries, logs, and turns answers into results."""

    def __init__(self, core: _Core, request: httpx.Request, idempotent: bool | None) -> None:
        self.core = core
        self.request = request
        self.method = request.method
        self.path = request.url.path
        self.idempotent = is_idempotent(self.method, self.path) if idempotent is None else idempotent
        self.retries = 0
        self.slept = 0.0
        self.active = 0.0
        self.attempt_started = time.monotonic()

    def _where(self) -> str:
        target = unquote(self.request.url.raw_path.decode("ascii", "replace"))
        return self.core.redactor.scrub(f"{self.method} {target}")

    def begin(self) -> None:
        """Mark the start of an attempt."""
        self.attempt_started = time.monotonic()

    def _attempt_took(self) -> float:
        took = time.monotonic() - self.attempt_started
        self.active += took
        return took

    def elapsed(self) -> float:
        """Seconds spent so far: attempts as measured plus waits as asked (each counted once, fake sleeps work)."""
        return self.active + self.slept

    def on_response(self, response: httpx.Response) -> float | None:
        """Seconds to wait before retrying, or None when this answer is final."""
        core = self.core
        took = self._attempt_took() * 1000
        core.rate_limit = RateLimit.from_headers(response.headers, core.clock()) or core.rate_limit
        request_id = response.headers.get("x-tlx-request-id", "-")
        core.log.debug(
            "%s -> %s in %.0f ms (request id %s, attempt %d)",
            self._where(), response.status_code, took, request_id, self.retries + 1,
        )
        decision = core.policy.after_status(
            response.status_code, response.headers, idempotent=self.idempotent, retries_done=self.retries,
            elapsed=self.elapsed(),
        )
        if decision.wait is None:
            return None
        return self._retry(decision.wait, decision.reason)

    def on_error(self, error: httpx.TransportError) -> float:
        """Seconds to wait before retrying after a transport error; raises our TransportError when giving up."""
        self._attempt_took()
        decision = self.core.policy.after_error(
            error, idempotent=self.idempotent, retries_done=self.retries, elapsed=self.elapsed()
        )
        if decision.wait is None:
            raise self._transport_error(error, decision.reason) from None
        return self._retry(decision.wait, decision.reason)

    def _retry(self, wait: float, reason: str) -> float:
        self.retries += 1
        self.slept += wait
        self.core.log.info("retrying %s in %.2fs: %s (retry %d)", self._where(), wait, reason, self.retries)
        return wait

    def _transport_error(self, error: httpx.TransportError, reason: str) -> TransportError:
        scrub = self.core.redactor.scrub
        detail = scrub(str(error) or type(error).__name__)
        host = self.request.url.netloc.decode("ascii", "replace")  # which server did not answer matters here
        message = f"{self._where()} to {host} failed: {detail} ({scrub(reason)})"
        cls: type[TransportError] = TransportError
        if isinstance(error, httpx.ConnectError | httpx.ConnectTimeout):
            cls = ConnectError
        elif isinstance(error, httpx.TimeoutException):
            cls = TimeoutError
        return cls(message, method=self.method, path=self.path)

    def finish(self, response: httpx.Response) -> httpx.Response:
        """The response when it is a success; otherwise the APIError it stands for."""
        if response.is_success or response.status_code == 304:
            return response
        raise self.error(response)

    def error(self, response: httpx.Response) -> APIError:
        """The APIError for an error answer."""
        # The server may echo what it was sent (a token in a message): scrub before it becomes an error.
        content = self.core.redactor.scrub(response.content.decode("utf-8", "replace")).encode()
        return api_error_from_response(
            response.status_code, content, response.headers, method=self.method, path=self.path
        )


class Transport:
    """Synchronous transport over a pooled httpx.Client."""

    def __init__(
        self, settings: ConnectionSettings, *, http_client: httpx.Client | None = None, clock: Clock | None = None,
        sleep: Callable[[float], None] | None = None, logger: logging.Logger | None = None,
        random: Callable[[], float] | None = None,
    ) -> None:
        self._core = _Core(settings, clock=clock, random=random, logger=logger)
        self._owns_client = http_client is None
        self._client = http_client or httpx.Client(**client_options(settings))
        self._sleep = sleep or time.sleep

    def __repr__(self) -> str:
        return f"Transport(base_url={self._core.settings.base_url!r}, company_id={self._core.settings.company_id})"

    @property
    def rate_limit(self) -> RateLimit | None:
        """The rate-limit state from the last response."""
        return self._core.rate_limit

    @property
    def session(self) -> SessionManager:
        """The session state (token hidden)."""
        return self._core.session

    def send(
        self, method: str, path: str, *, params: Mapping[str, Any] | None = None, json: Any = None,
        files: Any = None, headers: Mapping[str, str] | None = None, idempotent: bool | None = None,
        authenticated: bool = True,
    ) -> httpx.Response:
        """Send a request to base_url + path with the session, retrying as the rules allow."""
        request = self._core.build(self._client, method, path, params, json, files, headers)
        exchange = _Exchange(self._core, request, idempotent)
        auth = self._core.auth if authenticated else None
        while True:
            exchange.begin()
            try:
                response = self._client.send(request, auth=auth)
            except httpx.TransportError as error:
                self._sleep(exchange.on_error(error))
                continue
            wait = exchange.on_response(response)
            if wait is None:
                return exchange.finish(response)
            response.close()
            self._sleep(wait)

    def close(self) -> None:
        """Close the httpx client if this transport created it."""
        if self._owns_client:
            self._client.close()


class AsyncTransport:
    """Asynchronous transport over a pooled httpx.AsyncClient."""

    def __init__(
        self, settings: ConnectionSettings, *, http_client: httpx.AsyncClient | None = None,
        clock: Clock | None = None, sleep: Callable[[float], Awaitable[None]] | None = None,
        logger: logging.Logger | None = None, random: Callable[[], float] | None = None,
    ) -> None:
        self._core = _Core(settings, clock=clock, random=random, logger=logger)
        self._owns_client = http_client is None
        self._client = http_client or httpx.AsyncClient(**client_options(settings))
        self._sleep = sleep or asyncio.sleep

    def __repr__(self) -> str:
        s = self._core.settings
        return f"AsyncTransport(base_url={s.base_url!r}, company_id={s.company_id})"

    @property
    def rate_limit(self) -> RateLimit | None:
        """The rate-limit state from the last response."""
        return self._core.rate_limit

    @property
    def session(self) -> SessionManager:
        """The session state (token hidden)."""
        return self._core.session

    async def send(
        self, method: str, path: str, *, params: Mapping[str, Any] | None = None, json: Any = None,
        files: Any = None, headers: Mapping[str, str] | None = None, idempotent: bool | None = None,
        authenticated: bool = True,
    ) -> httpx.Response:
        """Send a request to base_url + path with the session, retrying as the rules allow."""
        request = self._core.build(self._client, method, path, params, json, files, headers)
        exchange = _Exchange(self._core, request, idempotent)
        auth = self._core.auth if authenticated else None
        while True:
            exchange.begin()
            try:
                response = await self._client.send(request, auth=auth)
            except httpx.TransportError as error:
                await self._sleep(exchange.on_error(error))
                continue
            wait = exchange.on_response(response)
            if wait is None:
                return exchange.finish(response)
            await response.aclose()
            await self._sleep(wait)

    async def aclose(self) -> None:
        """Close the httpx client if this transport created it."""
        if self._owns_client:
            await self._client.aclose()
