"""Tripletex and AsyncTripletex: the SDK clients; resources come from the catalog, `request()` is the raw call."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import replace
from typing import Any, Protocol, TypeVar

import httpx

from . import catalog
from .core.batch import CHUNK_SIZE, BatchPlan, in_order, in_order_async
from .core.config import ConnectionSettings, resolve_settings
from .core.errors import InvalidResponseError, ParameterError, TripletexError
from .core.invoke import Call, decode, decode_page, decode_page_json, decode_value_json, prepare
from .core.limiter import limiter_for
from .core.paging import AsyncPaginator, Page, Paginator
from .core.paths import split_api_path
from .core.ratelimit import RateLimit
from .core.session_store import session_store_for
from .core.suggest import suggest
from .core.transport import AsyncTransport, Transport
from .resources._generated import AsyncResources, SyncResources

Self = TypeVar("Self", bound="_ClientBase")
_METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS")
# The session owns Authorization; httpx owns the framing. A caller's value would break or leak either.
_OWN_HEADERS = frozenset({"authorization", "host", "content-length", "transfer-encoding", "connection"})


def _shared_state(settings: ConnectionSettings, options: dict[str, Any]) -> None:
    """Resolve the options naming shared state (`rate_limiter=`, `session_store=`) to the objects themselves."""
    options["rate_limiter"] = limiter_for(settings, options.get("rate_limiter"))
    options["session_store"] = session_store_for(settings, options.get("session_store"))


def _shared_with(transport: Transport | AsyncTransport) -> dict[str, Any]:
    # A client for another company shares the session and the bucket: both belong to the credential.
    return {"rate_limiter": transport.rate_limiter, "session_store": transport.session.store}


def _operation(key: str) -> catalog.Operation:
    try:
        return catalog.get(key)
    except KeyError:
        keys = [op.key for op in catalog.all_operations() if op.exposed]
        raise ParameterError(f"unknown operation {key!r}{suggest(key, keys)}") from None


def request_id_of(response: httpx.Response) -> str | None:
    """Tripletex's id of the request behind a response (`x-tlx-request-id`), for support and logs."""
    return raw_header(response, b"x-tlx-request-id")


def raw_header(response: httpx.Response, name: bytes) -> str | None:
    """The first value of a header by lower-case name, read from the raw bytes (no decoding of the others)."""
    for key, value in response.headers.raw:  # `headers.get` decodes every header on each call
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def body_of(response: httpx.Response) -> Any:
    """The decoded answer: JSON as Python values, other content as bytes, nothing as None."""
    if response.status_code in (204, 304) or not response.content:
        return None
    content_type = raw_header(response, b"content-type") or ""
    if "json" in content_type:
        try:
            return response.json()
        except ValueError:
            raise InvalidResponseError(
                f"{response.request.method} {response.request.url.path}: the server sent invalid JSON"
            ) from None
    if content_type.startswith("text/"):
        return response.text
    return response.content


def value_of(op: catalog.Operation, response: httpx.Response) -> Any:
    """An answer of one value as the operation's model: validated from the bytes, else read tolerantly."""
    request_id = request_id_of(response)
    if response.status_code in (200, 201) and "json" in (raw_header(response, b"content-type") or ""):
        value = decode_value_json(op, response.content, request_id)
        if value is not None:
            return value
    return decode(op, body_of(response), request_id)


def page_of(op: catalog.Operation, answer: tuple[httpx.Response, int]) -> Page[Any]:
    """A search answer and the `from` it asked for as a Page: validated from the bytes, else read tolerantly."""
    response, start = answer
    request_id = request_id_of(response)
    if response.status_code in (200, 201) and "json" in response.headers.get("content-type", ""):
        page = decode_page_json(op, response.content, request_id, start=start)
        if page is not None:
            return page
    return decode_page(op, body_of(response), request_id, start=start)


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def check_headers(headers: Mapping[str, str]) -> None:
    """Refuse headers the client must set itself (auth, framing) and values HTTP cannot carry, before sending."""
    for name, value in headers.items():
        if name.strip().lower() in _OWN_HEADERS:
            raise ParameterError(f"header {name!r} is set by the client itself and cannot be given")
        if not (str(name).isascii() and str(value).isascii()):
            raise ParameterError(f"header {name!r}: names and values must be plain ASCII text")


class SandboxLike(Protocol):
    """Anything that says where a (local) Tripletex is and which tokens open it: a Sandbox, a SandboxCompany."""

    @property
    def base_url(self) -> str:
        """The API base URL (`http://127.0.0.1:PORT/v2`)."""

    @property
    def consumer_token(self) -> str:
        """The consumer token that opens it."""

    @property
    def employee_token(self) -> str:
        """The employee token that opens it."""


# whoAmI with the names people want to see, not bare {"id", "url"} references.
WHOAMI_FIELDS = "*,employee(id,firstName,lastName,email),company(id,name,organizationNumber)"

class _ClientBase:
    """Everything the two clients share: settings, argument checking and answer decoding."""

    batch_size: int = CHUNK_SIZE
    """Items per request of a batch write (`create_many`); the API accepts up to a few hundred."""

    def __init__(
        self,
        consumer_token: str | None = None,
        employee_token: str | None = None,
        *,
        company_id: int | None = None,
        env: str | None = None,
        base_url: str | None = None,
        profile: str | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        max_retry_time: float | None = None,
        settings: ConnectionSettings | None = None,
    ) -> None:
        given = (("timeout", timeout), ("max_retries", max_retries), ("max_retry_time", max_retry_time))
        options: dict[str, Any] = {k: v for k, v in given if v is not None}
        self.settings = settings or resolve_settings(
            consumer_token=consumer_token,
            employee_token=employee_token,
            company_id=company_id,
            env=env,
            base_url=base_url,
            profile=profile,
            **options,
        )

    def __repr__(self) -> str:
        s = self.settings
        return f"{type(self).__name__}(base_url={s.base_url!r}, company_id={s.company_id})"

    @staticmethod
    def _prepare(
        key: str, args: Mapping[str, Any] | None, body: Any, extra_params: Mapping[str, Any] | None, file: Any = None
    ) -> Call:
        return prepare(_operation(key), args, body=body, extra_params=extra_params, file=file)

    @staticmethod
    def _raw(
        method: str, path: str, params: Mapping[str, Any] | None, headers: Mapping[str, str] | None
    ) -> tuple[str, str, dict[str, Any]]:
        verb = method.upper()
        if verb not in _METHODS:
            raise ParameterError(f"unknown HTTP method {method!r}; use one of {', '.join(_METHODS)}")
        check_headers(headers or {})
        clean, query = split_api_path(path)
        merged: dict[str, Any] = {}
        for key, value in query:  # a key repeated in the path stays repeated (`?id=1&id=2`)
            merged[key] = [*_listed(merged[key]), value] if key in merged else value
        merged.update({k: v for k, v in (params or {}).items() if v is not None})
        return verb, clean, merged


class Tripletex(SyncResources, _ClientBase):
    """The synchronous client: `Tripletex(...).customers.search(customer_name="Acme")`."""

    def __init__(
        self,
        consumer_token: str | None = None,
        employee_token: str | None = None,
        *,
        company_id: int | None = None,
        env: str | None = None,
        base_url: str | None = None,
        profile: str | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        max_retry_time: float | None = None,
        settings: ConnectionSettings | None = None,
        http_client: httpx.Client | None = None,
        **transport_options: Any,
    ) -> None:
        _ClientBase.__init__(
            self, consumer_token, employee_token, company_id=company_id, env=env, base_url=base_url,
            profile=profile, timeout=timeout, max_retries=max_retries, max_retry_time=max_retry_time,
            settings=settings,
        )
        _shared_state(self.settings, transport_options)
        self._transport = Transport(self.settings, http_client=http_client, **transport_options)
        self._init_resources()

    @property
    def rate_limit(self) -> RateLimit | None:
        """The rate-limit state from the last response (limit, remaining, reset)."""
        return self._transport.rate_limit

    def invoke(
        self,
        key: str,
        args: Mapping[str, Any] | None = None,
        *,
        body: Any = None,
        limit: int | None = None,
        page_size: int | None = None,
        extra_params: Mapping[str, Any] | None = None,
        file: Any = None,
    ) -> Any:
        """Run the catalog operation `key` with arguments by API or Python name; searches return a Paginator."""
        call = self._prepare(key, args, body, extra_params, file)
        if call.op.batch:
            return self._batch(call)
        if call.op.paged:
            fetch, read = functools.partial(self._page, call), functools.partial(page_of, call.op)
            return Paginator(fetch, limit=limit, page_size=page_size, decode=read)
        return value_of(call.op, self._answer(call, call.params))

    def _batch(self, call: Call) -> list[Any]:
        plan = BatchPlan(call.op, call.json, self.batch_size)

        def send(chunk: list[Any]) -> Any:
            try:
                return page_of(call.op, (self._answer(replace(call, json=chunk), call.params), 0))
            except TripletexError as error:
                return error

        for chunk, answer in in_order(send, plan.chunks):
            for single in plan.settle(chunk, answer):
                plan.settle(single, send(single[1]))
        return plan.result()

    def _answer(self, call: Call, params: Mapping[str, Any]) -> httpx.Response:
        return self._transport.send(
            call.method, call.path, params=params, json=call.json, files=call.files, idempotent=call.idempotent
        )

    def _send(self, call: Call, params: Mapping[str, Any]) -> tuple[Any, str | None]:
        response = self._answer(call, params)
        return body_of(response), request_id_of(response)

    def _page(self, call: Call, start: int, count: int) -> tuple[httpx.Response, int]:
        return self._answer(call, {**call.params, "from": start, "count": count}), start

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        files: Any = None,
        raw: bool = False,
    ) -> Any:
        """Make an API call: any method on a path under the base URL; JSON, bytes, or the raw httpx response."""
        verb, clean, merged = self._raw(method, path, params, headers)
        response = self._transport.send(verb, clean, params=merged, json=json, headers=headers, files=files)
        return response if raw else body_of(response)

    def whoami(self, fields: str = WHOAMI_FIELDS) -> Any:
        """Who the session is: employee, company and language (`GET /token/session/>whoAmI`)."""
        return self.session.whoami(fields=fields)

    def with_company(self, company_id: int) -> Tripletex:
        """A new client acting for another company (an accountant's client), with the same tokens."""
        return Tripletex(settings=self.settings.with_company(company_id), **_shared_with(self._transport))

    @classmethod
    def for_sandbox(cls, sandbox: SandboxLike, **options: Any) -> Tripletex:
        """A client connected to a local sandbox or one of its companies: `Tripletex.for_sandbox(sb)`."""
        return cls(sandbox.consumer_token, sandbox.employee_token, base_url=sandbox.base_url, **options)

    def close(self) -> None:
        """Close the connection pool (only if the client created it)."""
        self._transport.close()

    def __enter__(self) -> Tripletex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncTripletex(AsyncResources, _ClientBase):
    """The asynchronous client: `await AsyncTripletex(...).customers.get(1)`."""

    def __init__(
        self,
        consumer_token: str | None = None,
        employee_token: str | None = None,
        *,
        company_id: int | None = None,
        env: str | None = None,
        base_url: str | None = None,
        profile: str | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        max_retry_time: float | None = None,
        settings: ConnectionSettings | None = None,
        http_client: httpx.AsyncClient | None = None,
        **transport_options: Any,
    ) -> None:
        _ClientBase.__init__(
            self, consumer_token, employee_token, company_id=company_id, env=env, base_url=base_url,
            profile=profile, timeout=timeout, max_retries=max_retries, max_retry_time=max_retry_time,
            settings=settings,
        )
        _shared_state(self.settings, transport_options)
        self._transport = AsyncTransport(self.settings, http_client=http_client, **transport_options)
        self._init_resources()

    @property
    def rate_limit(self) -> RateLimit | None:
        """The rate-limit state from the last response (limit, remaining, reset)."""
        return self._transport.rate_limit

    def invoke(
        self,
        key: str,
        args: Mapping[str, Any] | None = None,
        *,
        body: Any = None,
        limit: int | None = None,
        page_size: int | None = None,
        extra_params: Mapping[str, Any] | None = None,
        file: Any = None,
    ) -> Any:
        """Run the catalog operation `key`: an awaitable, or an AsyncPaginator for searches."""
        call = self._prepare(key, args, body, extra_params, file)
        if call.op.batch:
            return self._batch(call)
        if call.op.paged:
            fetch, read = functools.partial(self._page, call), functools.partial(page_of, call.op)
            return AsyncPaginator(fetch, limit=limit, page_size=page_size, decode=read)
        return self._decoded(call)

    async def _batch(self, call: Call) -> list[Any]:
        plan = BatchPlan(call.op, call.json, self.batch_size)

        async def send(chunk: list[Any]) -> Any:
            try:
                return page_of(call.op, (await self._answer(replace(call, json=chunk), call.params), 0))
            except TripletexError as error:
                return error

        async for chunk, answer in in_order_async(send, plan.chunks):
            for single in plan.settle(chunk, answer):
                plan.settle(single, await send(single[1]))
        return plan.result()

    async def _decoded(self, call: Call) -> Any:
        return value_of(call.op, await self._answer(call, call.params))

    async def _answer(self, call: Call, params: Mapping[str, Any]) -> httpx.Response:
        return await self._transport.send(
            call.method, call.path, params=params, json=call.json, files=call.files, idempotent=call.idempotent
        )

    async def _send(self, call: Call, params: Mapping[str, Any]) -> tuple[Any, str | None]:
        response = await self._answer(call, params)
        return body_of(response), request_id_of(response)

    async def _page(self, call: Call, start: int, count: int) -> tuple[httpx.Response, int]:
        return await self._answer(call, {**call.params, "from": start, "count": count}), start

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        files: Any = None,
        raw: bool = False,
    ) -> Any:
        """Make an API call: any method on a path under the base URL; JSON, bytes, or the raw httpx response."""
        verb, clean, merged = self._raw(method, path, params, headers)
        response = await self._transport.send(verb, clean, params=merged, json=json, headers=headers, files=files)
        return response if raw else body_of(response)

    async def whoami(self, fields: str = WHOAMI_FIELDS) -> Any:
        """Who the session is: employee, company and language (`GET /token/session/>whoAmI`)."""
        return await self.session.whoami(fields=fields)

    def with_company(self, company_id: int) -> AsyncTripletex:
        """A new client acting for another company (an accountant's client), with the same tokens."""
        return AsyncTripletex(settings=self.settings.with_company(company_id), **_shared_with(self._transport))

    @classmethod
    def for_sandbox(cls, sandbox: SandboxLike, **options: Any) -> AsyncTripletex:
        """An async client connected to a local sandbox or one of its companies."""
        return cls(sandbox.consumer_token, sandbox.employee_token, base_url=sandbox.base_url, **options)

    async def aclose(self) -> None:
        """Close the connection pool (only if the client created it)."""
        await self._transport.aclose()

    async def __aenter__(self) -> AsyncTripletex:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()
