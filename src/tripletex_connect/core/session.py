"""Session tokens: created lazily from the consumer and employee tokens, reused, and renewed in time.

A Tripletex session ends at the midnight (Oslo time) at which its expirationDate begins, so a token
asked for with today's date is born expired. We ask for today + `session_days`, renew a few minutes
before the end, and renew once and replay when a request is answered 401.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import threading
from collections.abc import AsyncGenerator, Callable, Generator
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import httpx

from .config import ConnectionSettings
from .errors import APIError, AuthenticationError, InvalidResponseError, api_error_from_response
from .redact import Redactor
from .retry import RETRYABLE_STATUSES

if TYPE_CHECKING:
    import asyncio

# Answers to :create that the transport waits out and retries like any other: the request was never sent.
HANDED_BACK = RETRYABLE_STATUSES | {429}

OSLO = ZoneInfo("Europe/Oslo")
CREATE_PATH = "/token/session/:create"
Clock = Callable[[], dt.datetime]


def oslo_now() -> dt.datetime:
    """The current time in Oslo (the default clock)."""
    return dt.datetime.now(OSLO)


def session_end(expiration: dt.date) -> dt.datetime:
    """When a session with this expirationDate ends: the Oslo midnight at which that date begins."""
    return dt.datetime.combine(expiration, dt.time(0), OSLO)


class SessionManager:
    """The current session token of one connection; never shows the token in its repr."""

    def __init__(
        self, settings: ConnectionSettings, redactor: Redactor, *, clock: Clock = oslo_now,
        margin: dt.timedelta = dt.timedelta(minutes=5),
    ) -> None:
        self.settings = settings
        self._redactor = redactor
        self._clock = clock
        self._margin = margin
        self._token: str | None = None
        self._authorization: tuple[str | None, str] = (None, "")
        self.expires_at: dt.datetime | None = None
        self.created = 0
        self.sync_lock = threading.Lock()
        self._async_lock: asyncio.Lock | None = None

    def __repr__(self) -> str:
        state = f"expires_at={self.expires_at.isoformat()}" if self.expires_at else "no session yet"
        return f"SessionManager(company_id={self.settings.company_id}, {state})"

    @property
    def async_lock(self) -> asyncio.Lock:
        """The lock that makes concurrent async first requests create one session."""
        if self._async_lock is None:
            import asyncio

            self._async_lock = asyncio.Lock()
        return self._async_lock

    @property
    def token_marker(self) -> int:
        """Identifies the current session (changes on every renewal) without exposing the token."""
        return self.created

    def needs_session(self) -> bool:
        """True when there is no session or it ends within the renewal margin."""
        return self._token is None or self.expires_at is None or self._clock() >= self.expires_at - self._margin

    def create_request(self) -> httpx.Request:
        """The `PUT /token/session/:create` request for a session lasting `session_days` more days."""
        self.settings.require_tokens()
        expiration = self._clock().astimezone(OSLO).date() + dt.timedelta(days=max(1, self.settings.session_days))
        params = {
            "consumerToken": self.settings.consumer_token.reveal(),
            "employeeToken": self.settings.employee_token.reveal(),
            "expirationDate": expiration.isoformat(),
        }
        self._asked = expiration
        return httpx.Request("PUT", self.settings.base_url + CREATE_PATH, params=params)

    def accept(self, response: httpx.Response) -> None:
        """Take the session from the :create answer, or raise AuthenticationError saying what was refused."""
        if not response.is_success:
            content = self._redactor.scrub(response.content.decode("utf-8", "replace")).encode()
            raise self._refused(api_error_from_response(
                response.status_code, content, response.headers, method="PUT", path=CREATE_PATH
            ))
        try:
            value = json.loads(response.content)["value"]
            token = str(value["token"])
        except (ValueError, KeyError, TypeError):
            raise InvalidResponseError("the session :create answer carried no token") from None
        try:
            expiration = dt.date.fromisoformat(str(value.get("expirationDate"))[:10])
        except ValueError:
            expiration = self._asked
        self._token = token
        self.expires_at = session_end(expiration)
        self.created += 1
        company = str(self.settings.company_id)
        self._redactor.add(token, base64.b64encode(f"{company}:{token}".encode()).decode())

    def _refused(self, error: APIError) -> APIError:
        if error.status not in (401, 403, 422):
            return error
        fields = {m.field for m in error.validation_messages}
        which = (
            "the consumer token" if "arg:consumerToken" in fields
            else "the employee token" if "arg:employeeToken" in fields else "the tokens"
        )
        message = (
            f"{which} was refused when creating a session at {self.settings.base_url}: tokens of the production "
            f"and test environments are separate; check --env / TRIPLETEX_ENV and the tokens ({error.message})"
        )
        return AuthenticationError(
            message, status=error.status, code=error.code, developer_message=error.developer_message,
            validation_messages=list(error.validation_messages), request_id=error.request_id,
            method="PUT", path=CREATE_PATH, body=None, headers=error.headers,
        )

    def authorize(self, request: httpx.Request) -> httpx.Request:
        """The request with Basic auth `<companyId>:<sessionToken>`."""
        assert self._token is not None
        if self._authorization[0] != self._token:  # encoded once per session, not once per request
            pair = f"{self.settings.company_id}:{self._token}".encode()
            self._authorization = (self._token, "Basic " + base64.b64encode(pair).decode())
        request.headers["Authorization"] = self._authorization[1]
        return request

    def forget(self) -> None:
        """Drop the session (after a 401), so the next request creates a new one."""
        self._token = None
        self.expires_at = None


class _Marker:
    def __init__(self, name: str) -> None:
        self.name = name


LOCK, UNLOCK = _Marker("lock"), _Marker("unlock")
Step = httpx.Request | _Marker
Flow = Generator[Step, httpx.Response, None]
Renewal = Generator[Step, httpx.Response, bool]


class SessionAuth(httpx.Auth):
    """httpx auth that creates/renews the session around each request.

    The flow is written once (`_flow`) and yields requests plus LOCK/UNLOCK markers; the sync and async
    drivers only differ in how they take the lock and read a body.
    """

    def __init__(self, manager: SessionManager) -> None:
        self.manager = manager

    def _renew(self, stale_marker: int | None) -> Renewal:
        """Create a session if still needed; False when :create was answered 429/5xx (that answer ends the flow)."""
        yield LOCK
        renewed = True
        # Another request may have renewed while we waited for the lock: renew only if still needed.
        if self.manager.needs_session() or stale_marker == self.manager.token_marker:
            response = yield self.manager.create_request()
            # A 429 or 502/503/504 is handed to the transport as the answer, which waits and retries it
            # whatever the request's method: the request itself was never sent.
            renewed = response.status_code not in HANDED_BACK
            if renewed:
                self.manager.accept(response)
        yield UNLOCK
        return renewed

    def _flow(self, request: httpx.Request) -> Flow:
        # The common case, a live session, takes no lock and no renewal step.
        if self.manager.needs_session() and not (yield from self._renew(None)):
            return
        marker = self.manager.token_marker
        response = yield self.manager.authorize(request)
        if response.status_code == 401 and (yield from self._renew(marker)):
            yield self.manager.authorize(request)

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Drive the session flow for httpx.Client."""
        flow, lock, held = self._flow(request), self.manager.sync_lock, False
        try:
            step = next(flow)
            while True:
                if isinstance(step, _Marker):
                    held = step is LOCK
                    if held:
                        lock.acquire()
                    else:
                        lock.release()
                    step = next(flow)
                    continue
                response = yield step
                response.read()
                step = flow.send(response)
        except StopIteration:
            return
        finally:
            if held:
                lock.release()

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        """Drive the session flow for httpx.AsyncClient."""
        flow, lock, held = self._flow(request), self.manager.async_lock, False
        try:
            step = next(flow)
            while True:
                if isinstance(step, _Marker):
                    held = step is LOCK
                    if held:
                        await lock.acquire()
                    else:
                        lock.release()
                    step = next(flow)
                    continue
                response = yield step
                await response.aread()
                step = flow.send(response)
        except StopIteration:
            return
        finally:
            if held:
                lock.release()
