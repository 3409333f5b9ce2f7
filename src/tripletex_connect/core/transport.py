"""The HTTP transport: one pooled httpx client per connection, sessions, retries, rate limits and logging.

`Transport` and `AsyncTransport` share everything in `_Exchange` and `_Core`; they differ only in the
send and sleep calls.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any
from urllib.parse import unquote

import httpx

from .config import ConnectionSettings
from .errors import (
    APIError,
    ConnectError,
    OutcomeUnknownError,
    TimeoutError,
    TransportError,
    TripletexError,
    api_error_from_response,
)
from .finite import json_body
from .limiter import RateLimiter
from .outcome import carries_version, landed, reread_fields, summarize
from .ratelimit import RateLimit
from .redact import Redactor, guard
from .retry import MAYBE_SENT, RetryPolicy, is_dns_failure, is_idempotent
from .session import Clock, SessionAuth, SessionManager, oslo_now
from .session_store import SessionStore
from .wire import Wire, proxied, send_async, send_direct

LOG = logging.getLogger("tripletex_connect.http")


def _user_agent() -> str:
    from importlib.metadata import PackageNotFoundError, version  # costs ~20 ms to import: only when a client is made

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
        logger: logging.Logger | None, rate_limiter: RateLimiter | None = None,
        monotonic: Callable[[], float] | None = None, session_store: SessionStore | None = None,
        sleep: Callable[[float], Any] | None = None,
    ) -> None:
        self.settings = settings
        self.monotonic = monotonic or time.monotonic
        self.limiter = rate_limiter
        self.bucket = rate_limiter.key(settings) if rate_limiter is not None else ""
        self.redactor = Redactor()
        self.redactor.add(settings.consumer_token.reveal(), settings.employee_token.reveal())
        guard(self.redactor)
        self.clock = clock or oslo_now
        self.session = SessionManager(settings, self.redactor, clock=self.clock, store=session_store)
        self.auth = SessionAuth(self.session, sleep, admit=self.admission, learn=self.learn)
        policy = RetryPolicy(settings.max_retries, settings.max_retry_time)
        if random is not None:
            policy.random = random
        self.policy = policy
        self.log = logger or LOG
        self.rate_limit: RateLimit | None = None
        self.wire: Wire | None = None

    def go_direct(self, client: httpx.Client | httpx.AsyncClient) -> bool:
        """Send the usual requests of this (own) client straight to its pool, unless a proxy must see them."""
        if proxied(self.settings.base_url):
            return False
        self.wire = Wire(client)
        return True

    def learn(self, response: httpx.Response) -> None:
        """Tell the shared rate limiter what an answer's headers say of the bucket."""
        if self.limiter is not None:
            self.limiter.after_answer(self.bucket, response.status_code, response.headers)

    def admission(self) -> float:
        """Seconds the shared rate limiter asks to wait before the next attempt (0.0: go)."""
        return self.limiter.wait_before_send(self.bucket) if self.limiter is not None else 0.0

    def prepared(self, request: httpx.Request, authenticated: bool) -> tuple[httpx.Auth | None, str | None]:
        """How to send `request`: the live session's header set on it and no auth flow (returning the token it
        carries), or through the session flow when a session must be made first (or none is wanted)."""
        if not authenticated:
            return None, None
        live = self.session.live_authorization()
        if live is None:
            return self.auth, None
        request.headers["Authorization"] = live[1]
        return None, live[0]

    def build(
        self, client: httpx.Client | httpx.AsyncClient, method: str, path: str, params: Mapping[str, Any] | None,
        json: Any, files: Any, headers: Mapping[str, str] | None,
    ) -> httpx.Request:
        if not path.startswith("/") or "://" in path:
            raise TransportError(f"internal error: path {path!r} is not relative to the base URL")
        # Encoded here, once: the check for numbers JSON cannot carry is the same pass.
        content = None if json is None else json_body(json, where=f"{method.upper()} {path}")
        given = _typed(headers, content)
        clean = {k: v for k, v in params.items() if v is not None} if params else None
        if self.wire is not None:
            return self.wire.request(method.upper(), self.settings.base_url + path, clean or None, content, files,
                                     given)
        # No `params` at all when there are none: an empty mapping makes httpx parse the URL again.
        return client.build_request(
            method.upper(), self.settings.base_url + path, params=clean or None, content=content, files=files,
            headers=given,
        )


def _typed(headers: Mapping[str, str] | None, content: bytes | None) -> dict[str, str] | None:
    """The caller's headers (names lower-cased), with the JSON content type a JSON body goes with unless given."""
    out = {key.lower(): value for key, value in headers.items()} if headers else {}
    if content is not None:
        out.setdefault("content-type", "application/json")
    return out or None


class AnswerLost(Exception):
    """Internal: a write was sent and its answer lost; carries the error, and what to re-read when it can tell."""

    def __init__(self, error: OutcomeUnknownError, reread: str | None) -> None:
        super().__init__(str(error))
        self.error = error
        self.reread = reread


class _Exchange:
    """One logical request across its attempts: decides retries, logs, and turns answers into results."""

    def __init__(
        self, core: _Core, request: httpx.Request, idempotent: bool | None, api_path: str,
        sent: tuple[Mapping[str, Any] | None, Any, Any] = (None, None, None),
    ) -> None:
        self.core = core
        self.request = request
        self.method = request.method
        self.api_path = api_path
        self.params, self.body, self.files = sent
        # A PUT guarded by `version` is not safe to replay: a replay of a write that landed meets a new version.
        self.versioned = carries_version(self.method, self.body)
        replayable = is_idempotent(self.method, self.path) if idempotent is None else idempotent
        self.idempotent = replayable and not self.versioned
        self.retries = 0
        self.slept = 0.0
        self.active = 0.0
        self.attempt_started = self.core.monotonic()

    @functools.cached_property
    def path(self) -> str:
        """The URL path sent (base path included), for messages and errors: worked out only when needed."""
        return self.request.url.path

    def _where(self) -> str:
        target = unquote(self.request.url.raw_path.decode("ascii", "replace"))
        return self.core.redactor.scrub(f"{self.method} {target}")

    def begin(self) -> None:
        """Mark the start of an attempt."""
        self.attempt_started = self.core.monotonic()

    def _attempt_took(self) -> float:
        took = self.core.monotonic() - self.attempt_started
        self.active += took
        return took

    def elapsed(self) -> float:
        """Seconds spent so far: attempts as measured plus waits as asked (each counted once, fake sleeps work)."""
        return self.active + self.slept

    def _retry(self, wait: float, reason: str) -> float:
        self.retries += 1
        self.slept += wait
        self.core.log.info("retrying %s in %.2fs: %s (retry %d)", self._where(), wait, reason, self.retries)
        return wait

    def _ours(self, request: httpx.Request | None) -> bool:
        # An answer or error may belong to the session's :create instead: then ours was never sent.
        return request is None or request is self.request

    def on_response(self, response: httpx.Response) -> float | None:
        """Seconds to wait before retrying, or None when this answer is final; raises AnswerLost for a lost write."""
        core = self.core
        took = self._attempt_took() * 1000
        core.rate_limit = _rate_limit(response.headers, core.clock) or core.rate_limit
        core.learn(response)
        ours = self._ours(response.request)
        if core.log.isEnabledFor(logging.DEBUG):  # nothing is computed for a line that is not written
            core.log.debug(
                "%s -> %s in %.0f ms (request id %s, attempt %d)",
                self._where() if ours else "PUT /token/session/:create", response.status_code, took,
                response.headers.get("x-tlx-request-id", "-"), self.retries + 1,
            )
        decision = core.policy.after_status(
            response.status_code, response.headers, idempotent=self.idempotent or not ours,
            retries_done=self.retries, elapsed=self.elapsed(),
        )
        if decision.wait is not None:
            return self._retry(decision.wait, decision.reason)
        if ours and response.status_code >= 500 and not self.idempotent:
            self.lost("", response)
        return None

    def on_error(self, error: httpx.TransportError) -> float:
        """Seconds to wait before retrying after a transport error; raises our TransportError when giving up."""
        self._attempt_took()
        ours = self._ours(_request_of(error))
        decision = self.core.policy.after_error(
            error, idempotent=self.idempotent or not ours, retries_done=self.retries, elapsed=self.elapsed()
        )
        if decision.wait is not None:
            return self._retry(decision.wait, decision.reason)
        if ours and not self.idempotent and isinstance(error, MAYBE_SENT):
            self.lost(f"{type(error).__name__}: {error or 'no answer'}", None)
        raise self._transport_error(error, decision.reason) from None

    def lost(self, cause: str, response: httpx.Response | None) -> None:
        """Raise AnswerLost: the write may have been applied; re-read it when it is a versioned update."""
        scrub = self.core.redactor.scrub
        answer = self.error(response) if response is not None else None
        if answer is not None:
            cause = f"HTTP {answer.status}: {answer.message}"  # the body was read in full: nothing to close
        error = OutcomeUnknownError(
            method=self.method, path=self.path, sent=summarize(self.params, self.body, self.files, scrub),
            status=answer.status if answer else None, code=answer.code if answer else None,
            request_id=answer.request_id if answer else None, cause=scrub(cause.splitlines()[0] if cause else ""),
        )
        reread = self.api_path if self.versioned and isinstance(self.body, Mapping) else None
        self.core.log.info("%s: answer lost (%s)%s", self._where(), error.cause,
                           "; reading the object again to check" if reread else "")
        raise AnswerLost(error, reread)

    def reread_params(self) -> dict[str, str]:
        """The query of the re-read: every field that was sent, nested ones included."""
        assert isinstance(self.body, Mapping)
        return {"fields": reread_fields(self.body)}

    def checked(self, lost: AnswerLost, answer: httpx.Response | TripletexError) -> httpx.Response:
        """The re-read answer when it shows the update landed; otherwise the OutcomeUnknownError, explained."""
        assert isinstance(self.body, Mapping)
        if isinstance(answer, TripletexError):
            why = f"reading it again failed too ({self.core.redactor.scrub(str(answer).splitlines()[0])})"
        else:
            try:
                stored = answer.json().get("value")
            except (ValueError, AttributeError):
                stored = None
            why = landed(self.body, stored) or ""
            if not why:
                self.core.log.info("%s: the update landed (checked by reading it again)", self._where())
                return answer
        error = lost.error
        error.cause = f"{error.cause}; {why}" if error.cause else why
        raise error

    def _transport_error(self, error: httpx.TransportError, reason: str) -> TransportError:
        scrub = self.core.redactor.scrub
        detail = scrub(str(error) or type(error).__name__)
        host = self.request.url.netloc.decode("ascii", "replace")  # which server did not answer matters here
        if is_dns_failure(error):
            name = self.request.url.host
            message = f"{self._where()}: the host name {name!r} does not resolve ({detail}); check the base URL"
            return ConnectError(message, method=self.method, path=self.path)
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
        """The APIError for an error answer (of the session's :create when that is what failed)."""
        # The server may echo what it was sent (a token in a message): scrub before it becomes an error.
        content = self.core.redactor.scrub(response.content.decode("utf-8", "replace")).encode()
        ours = self._ours(response.request)
        method, path = (self.method, self.path) if ours else ("PUT", response.request.url.path)
        return api_error_from_response(response.status_code, content, response.headers, method=method, path=path)


_LIMIT, _REMAINING, _RESET = b"x-rate-limit-limit", b"x-rate-limit-remaining", b"x-rate-limit-reset"
_RATE_HEADERS = frozenset({_LIMIT, _REMAINING, _RESET})


def _rate_limit(headers: httpx.Headers, clock: Clock) -> RateLimit | None:
    # One pass over the raw bytes: each `headers.get` decodes every header again (~20 us for the three).
    found: dict[bytes, float | None] = {}
    for key, value in headers.raw:
        if (name := key.lower()) in _RATE_HEADERS:
            found[name] = _number(value)
    limit, remaining, reset = found.get(_LIMIT), found.get(_REMAINING), found.get(_RESET)
    if limit is None and remaining is None and reset is None:
        return None
    return RateLimit(
        int(limit) if limit is not None else None, int(remaining) if remaining is not None else None, reset, clock()
    )


def _number(value: bytes) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


def _request_of(error: httpx.TransportError) -> httpx.Request | None:
    try:
        return error.request
    except RuntimeError:  # raised before httpx knew the request
        return None


class Transport:
    """Synchronous transport over a pooled httpx.Client."""

    def __init__(
        self, settings: ConnectionSettings, *, http_client: httpx.Client | None = None, clock: Clock | None = None,
        sleep: Callable[[float], None] | None = None, logger: logging.Logger | None = None,
        random: Callable[[], float] | None = None, rate_limiter: RateLimiter | None = None,
        monotonic: Callable[[], float] | None = None, session_store: SessionStore | None = None,
    ) -> None:
        self._sleep = sleep or time.sleep
        self._core = _Core(settings, clock=clock, random=random, logger=logger, rate_limiter=rate_limiter,
                           monotonic=monotonic, session_store=session_store, sleep=self._sleep)
        self._owns_client = http_client is None
        self._pool: httpx.HTTPTransport | None = None
        if http_client is None:
            pool = httpx.HTTPTransport()
            http_client = httpx.Client(**client_options(settings), transport=pool)
            self._pool = pool if self._core.go_direct(http_client) else None
        self._client = http_client

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

    @property
    def rate_limiter(self) -> RateLimiter | None:
        """The shared rate limiter this transport waits on, if any."""
        return self._core.limiter

    def send(
        self, method: str, path: str, *, params: Mapping[str, Any] | None = None, json: Any = None,
        files: Any = None, headers: Mapping[str, str] | None = None, idempotent: bool | None = None,
        authenticated: bool = True,
    ) -> httpx.Response:
        """Send a request to base_url + path with the session, retrying as the rules allow."""
        request = self._core.build(self._client, method, path, params, json, files, headers)
        exchange = _Exchange(self._core, request, idempotent, path, (params, json, files))
        try:
            return self._attempts(exchange, authenticated)
        except AnswerLost as lost:
            if lost.reread is None:
                raise lost.error from None
            try:
                answer: httpx.Response | TripletexError = self.send("GET", lost.reread, params=exchange.reread_params())
            except TripletexError as error:
                answer = error
            return exchange.checked(lost, answer)

    def _attempts(self, exchange: _Exchange, authenticated: bool) -> httpx.Response:
        while True:
            while (hold := self._core.admission()) > 0:
                self._sleep(hold)
            exchange.begin()
            try:
                response = self._attempt(exchange.request, authenticated)
            except httpx.TransportError as error:
                self._sleep(exchange.on_error(error))
                continue
            wait = exchange.on_response(response)
            if wait is None:
                return exchange.finish(response)
            response.close()
            self._sleep(wait)

    def _attempt(self, request: httpx.Request, authenticated: bool) -> httpx.Response:
        # A live session goes as a prepared header, outside httpx's auth machinery; a 401 renews once and replays.
        auth, token = self._core.prepared(request, authenticated)
        if auth is None and self._pool is not None:
            response = send_direct(self._pool, request)
        else:
            response = self._client.send(request, auth=auth)
        if token is None or response.status_code != 401:
            return response
        response.close()
        return self._client.send(request, auth=self._core.auth.replay(token))

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
        rate_limiter: RateLimiter | None = None, monotonic: Callable[[], float] | None = None,
        session_store: SessionStore | None = None,
    ) -> None:
        if sleep is None:
            import asyncio  # imported on first use: `import tripletex_connect` stays light

            sleep = asyncio.sleep
        self._sleep = sleep
        self._core = _Core(settings, clock=clock, random=random, logger=logger, rate_limiter=rate_limiter,
                           monotonic=monotonic, session_store=session_store, sleep=self._sleep)
        self._owns_client = http_client is None
        self._pool: httpx.AsyncHTTPTransport | None = None
        if http_client is None:
            pool = httpx.AsyncHTTPTransport()
            http_client = httpx.AsyncClient(**client_options(settings), transport=pool)
            self._pool = pool if self._core.go_direct(http_client) else None
        self._client = http_client

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

    @property
    def rate_limiter(self) -> RateLimiter | None:
        """The shared rate limiter this transport waits on, if any."""
        return self._core.limiter

    async def send(
        self, method: str, path: str, *, params: Mapping[str, Any] | None = None, json: Any = None,
        files: Any = None, headers: Mapping[str, str] | None = None, idempotent: bool | None = None,
        authenticated: bool = True,
    ) -> httpx.Response:
        """Send a request to base_url + path with the session, retrying as the rules allow."""
        request = self._core.build(self._client, method, path, params, json, files, headers)
        exchange = _Exchange(self._core, request, idempotent, path, (params, json, files))
        try:
            return await self._attempts(exchange, authenticated)
        except AnswerLost as lost:
            if lost.reread is None:
                raise lost.error from None
            try:
                answer: httpx.Response | TripletexError = await self.send(
                    "GET", lost.reread, params=exchange.reread_params()
                )
            except TripletexError as error:
                answer = error
            return exchange.checked(lost, answer)

    async def _attempts(self, exchange: _Exchange, authenticated: bool) -> httpx.Response:
        while True:
            while (hold := self._core.admission()) > 0:
                await self._sleep(hold)
            exchange.begin()
            try:
                response = await self._attempt(exchange.request, authenticated)
            except httpx.TransportError as error:
                await self._sleep(exchange.on_error(error))
                continue
            wait = exchange.on_response(response)
            if wait is None:
                return exchange.finish(response)
            await response.aclose()
            await self._sleep(wait)

    async def _attempt(self, request: httpx.Request, authenticated: bool) -> httpx.Response:
        auth, token = self._core.prepared(request, authenticated)
        if auth is None and self._pool is not None:
            response = await send_async(self._pool, request)
        else:
            response = await self._client.send(request, auth=auth)
        if token is None or response.status_code != 401:
            return response
        await response.aclose()
        return await self._client.send(request, auth=self._core.auth.replay(token))

    async def aclose(self) -> None:
        """Close the httpx client if this transport created it."""
        if self._owns_client:
            await self._client.aclose()
