"""Session tokens: created lazily from the consumer and employee tokens, shared, reused, and renewed in time.

A Tripletex session ends at the midnight (Oslo time) at which its expirationDate begins, so a token
asked for with today's date is born expired. We ask for today + `session_days`, renew a few minutes
before the end, and renew once and replay when a request is answered 401. The token lives in a
`SessionStore`: the client's own, or one shared per credential by every client (and process) using the
same backend; only the holder of the store's lease creates a session, the others wait and read it.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import secrets
import threading
import time
from collections.abc import AsyncGenerator, Callable, Generator
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import httpx

from .config import ConnectionSettings
from .errors import APIError, AuthenticationError, InvalidResponseError, TimeoutError, api_error_from_response
from .redact import Redactor
from .retry import RETRYABLE_STATUSES
from .session_store import Claim, SessionStore, session_key

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
    """The session of one connection: a local copy of the store's token; never shows the token in its repr."""

    def __init__(
        self, settings: ConnectionSettings, redactor: Redactor, *, clock: Clock = oslo_now,
        margin: dt.timedelta = dt.timedelta(minutes=5), store: SessionStore | None = None,
    ) -> None:
        self.settings = settings
        self._redactor = redactor
        self._clock = clock
        self._margin = margin
        self.store = store or SessionStore()
        self._key = session_key(settings)
        self._holder = secrets.token_hex(8)  # names this client's lease in the store
        self._token: str | None = None
        self._authorization: tuple[str | None, str] = (None, "")
        self.expires_at: dt.datetime | None = None
        self._renew_at: dt.datetime | None = None  # expires_at - margin, worked out once per session
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

    def needs_session(self) -> bool:
        """True when there is no session or it ends within the renewal margin."""
        return self._token is None or self._renew_at is None or self._clock() >= self._renew_at

    def live_authorization(self) -> tuple[str, str] | None:
        """The token and its `Authorization` value while the session is live, else None (a renewal is due)."""
        token = self._token
        if token is None or self._renew_at is None or self._clock() >= self._renew_at:
            return None
        return token, self._header(token)

    def _header(self, token: str) -> str:
        if self._authorization[0] != token:  # encoded once per session, not once per request
            pair = f"{self.settings.company_id}:{token}".encode()
            self._authorization = (token, "Basic " + base64.b64encode(pair).decode())
        return self._authorization[1]

    def claim(self, stale: str | None) -> Claim:
        """Ask the store (dropping `stale` if it still holds it): a session is taken at once, else a lease or a wait."""
        lease = self.settings.timeout + 5.0  # a :create outlives its lease only by hanging past its timeout
        claim = self.store.claim(
            self._key, self._holder, self._clock().timestamp(), margin=self._margin.total_seconds(), lease=lease,
            stale=stale,
        )
        if claim.token is not None:
            self._adopt(claim.token, dt.datetime.fromtimestamp(claim.expires, OSLO))
        return claim

    def release(self) -> None:
        """Give up the store's lease after a :create that gave no session."""
        self.store.release(self._key, self._holder)

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
        """Take the session from the :create answer and publish it, or raise AuthenticationError saying why not."""
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
        ends = session_end(expiration)
        self._adopt(token, ends)
        self.created += 1
        self.store.publish(self._key, self._holder, token, ends.timestamp(), self._clock().timestamp())

    def _adopt(self, token: str, ends: dt.datetime) -> None:
        if token != self._token:
            company = str(self.settings.company_id)
            self._redactor.add(token, base64.b64encode(f"{company}:{token}".encode()).decode())
        self._token = token
        self.expires_at = ends
        self._renew_at = ends - self._margin

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

    def authorize(self, request: httpx.Request) -> tuple[httpx.Request, str]:
        """The request with Basic auth `<companyId>:<sessionToken>`, and the token it carries."""
        token = self._token
        assert token is not None
        request.headers["Authorization"] = self._header(token)
        return request, token

    def replaced(self, stale: str) -> bool:
        """True when this client already holds a live session other than `stale` (another request renewed it)."""
        return self._token != stale and not self.needs_session()

    def forget(self) -> None:
        """Drop the local copy of the session, so the next request asks the store again."""
        self._token = None
        self.expires_at = None
        self._renew_at = None


class _Marker:
    def __init__(self, name: str) -> None:
        self.name = name


class _Wait(_Marker):
    def __init__(self, seconds: float) -> None:
        super().__init__("wait")
        self.seconds = seconds


LOCK, UNLOCK = _Marker("lock"), _Marker("unlock")
Step = httpx.Request | _Marker
Flow = Generator[Step, httpx.Response, None]
Renewal = Generator[Step, httpx.Response, bool]


class SessionAuth(httpx.Auth):
    """httpx auth that creates/renews the session around each request.

    The flow is written once (`flow`) and yields requests plus LOCK/UNLOCK/wait markers; the sync and async
    drivers only differ in how they take the lock, wait and read a body. `sleep` is the transport's (a fake
    one in tests); the async driver awaits what it returns.
    """

    def __init__(
        self, manager: SessionManager, sleep: Callable[[float], Any] | None = None, *,
        admit: Callable[[], float] | None = None, learn: Callable[[httpx.Response], None] | None = None,
    ) -> None:
        self.manager = manager
        self.sleep = sleep
        # The shared rate limiter's hooks: a :create spends a request of the bucket like any other.
        self.admit = admit or _no_wait
        self.learn = learn or _ignore

    def _renew(self, stale: str | None) -> Renewal:
        """Get a session if still needed; False when :create was answered 429/5xx (that answer ends the flow)."""
        manager = self.manager
        if stale is None and not manager.needs_session():
            return True  # the common case: a live session, no lock taken
        yield LOCK
        renewed = True
        # Another request may have renewed while we waited for the lock: renew only if still needed.
        still_needed = manager.needs_session() if stale is None else not manager.replaced(stale)
        if still_needed:
            renewed = yield from self._obtain(stale)
        yield UNLOCK
        return renewed

    def _obtain(self, stale: str | None) -> Renewal:
        """Take the stored session, or create it under the store's lease, or wait for the lease holder."""
        manager, waited = self.manager, 0.0
        while True:
            claim = manager.claim(stale)
            if claim.token is not None:
                return True
            if not claim.lease:
                if waited + claim.wait > manager.store.max_wait:
                    raise TimeoutError(
                        f"no session after waiting {waited:.0f}s for another client to create it; "
                        "its lease in the session store never ended", method="PUT", path=CREATE_PATH,
                    )
                waited += claim.wait
                yield _Wait(claim.wait)
                continue
            try:
                while (wait := self.admit()) > 0:
                    yield _Wait(wait)
                response = yield manager.create_request()
                # A 429 or 502/503/504 is handed to the transport as the answer, which waits and retries it
                # whatever the request's method: the request itself was never sent.
                if response.status_code in HANDED_BACK:
                    manager.release()
                    return False
                self.learn(response)
                manager.accept(response)
            except BaseException:
                manager.release()
                raise
            return True

    def flow(self, request: httpx.Request, stale: str | None = None) -> Flow:
        """The steps of sending `request` with the session (renewing once after a 401); `stale`: replay after one."""
        if stale is not None:  # the transport's request with `stale` was answered 401: renew once and replay
            if (yield from self._renew(stale)):
                yield self.manager.authorize(request)[0]
            return
        # The common case, a live session, takes no lock and no renewal step.
        if self.manager.needs_session() and not (yield from self._renew(None)):
            return
        authorized, token = self.manager.authorize(request)
        response = yield authorized
        if response.status_code == 401 and (yield from self._renew(token)):
            yield self.manager.authorize(request)[0]

    def replay(self, stale: str) -> httpx.Auth:
        """The auth for replaying a request that carried `stale` and was answered 401: renews once, then sends."""
        return _Replay(self, stale)

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Drive the session flow for httpx.Client."""
        return self.drive(self.flow(request))

    def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        """Drive the session flow for httpx.AsyncClient."""
        return self.drive_async(self.flow(request))

    def drive(self, flow: Flow) -> Generator[httpx.Request, httpx.Response, None]:
        """Run a session flow under httpx.Client: take the lock, wait and read bodies as its markers ask."""
        lock, held = self.manager.sync_lock, False
        try:
            step = next(flow)
            while True:
                if isinstance(step, _Wait):
                    (self.sleep or time.sleep)(step.seconds)
                    step = next(flow)
                    continue
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

    async def drive_async(self, flow: Flow) -> AsyncGenerator[httpx.Request, httpx.Response]:
        """Run a session flow under httpx.AsyncClient (the async twin of `drive`)."""
        lock, held = self.manager.async_lock, False
        try:
            step = next(flow)
            while True:
                if isinstance(step, _Wait):
                    await (self.sleep or _asyncio_sleep())(step.seconds)
                    step = next(flow)
                    continue
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


class _Replay(httpx.Auth):
    """The session flow of one replay after a 401 on a request sent with a prepared header."""

    def __init__(self, auth: SessionAuth, stale: str) -> None:
        self.auth = auth
        self.stale = stale

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Renew (unless another request already did) and send the request once more."""
        return self.auth.drive(self.auth.flow(request, self.stale))

    def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        """The async twin of `sync_auth_flow`."""
        return self.auth.drive_async(self.auth.flow(request, self.stale))


def _asyncio_sleep() -> Callable[[float], Any]:
    """asyncio.sleep, imported on first use so that importing the client stays light."""
    import asyncio

    return asyncio.sleep


def _no_wait() -> float:
    return 0.0


def _ignore(response: httpx.Response) -> None:
    return None
