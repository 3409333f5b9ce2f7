"""Requests straight to the SDK's own connection pool, past the httpx.Client layers it has no use for.

`httpx.Client.send` runs an auth flow, a redirect loop, cookie extraction and event hooks around every request
(~100 µs of CPU per call, more than the rest of the SDK together). A client the SDK made for itself needs none of
them on its usual path: a live session goes as a prepared header, redirects are off (tokens stay put), and the API
authenticates by token, never by cookie. So such a client's requests are built with its defaults and handed to its
pool directly. A client the caller passes in (their hooks, mounts, cookies), a session that must be made first (the
auth flow), and a connection the environment routes through a proxy keep the full httpx path.
"""

from __future__ import annotations

import datetime as dt
import functools
import time
import urllib.request
from collections.abc import Mapping
from typing import Any

import httpx


def proxied(base_url: str) -> bool:
    """Whether the environment names a proxy for this URL's scheme (httpx then routes through it)."""
    proxies = urllib.request.getproxies()
    scheme = base_url.split("://", 1)[0].lower()
    return bool(proxies.get(scheme) or proxies.get("all"))


@functools.lru_cache(maxsize=1024)
def url_of(text: str) -> httpx.URL:
    """A URL parsed once: most calls repeat a path (parsing costs ~17 µs; an httpx.URL is immutable)."""
    return httpx.URL(text)


class Wire:
    """The SDK's own client's pool, with the request defaults the client would have added (headers, timeout)."""

    def __init__(self, client: httpx.Client | httpx.AsyncClient) -> None:
        self.headers = {key.lower(): value for key, value in client.headers.items()}
        self.timeout = client.timeout.as_dict()

    def request(
        self, method: str, url: str, params: dict[str, Any] | None, content: bytes | None, files: Any,
        headers: Mapping[str, str] | None,
    ) -> httpx.Request:
        """The request `client.build_request` would make, without its merging of cookies, params and URLs."""
        merged = {**self.headers, **{key.lower(): value for key, value in headers.items()}} if headers else self.headers
        return httpx.Request(method, url_of(url), params=params, content=content, files=files, headers=merged,
                             extensions={"timeout": self.timeout})


def send_direct(pool: httpx.BaseTransport, request: httpx.Request) -> httpx.Response:
    """Send `request` through `pool` and read the answer in full (the connection goes back to the pool)."""
    started = time.perf_counter()
    try:
        response = pool.handle_request(request)
    except httpx.RequestError as error:
        error.request = request  # as httpx.Client does: the retry rules tell our request from the session's
        raise
    response.request = request
    try:
        response.read()
    except BaseException:
        response.close()
        raise
    response.elapsed = dt.timedelta(seconds=time.perf_counter() - started)
    return response


async def send_async(pool: httpx.AsyncBaseTransport, request: httpx.Request) -> httpx.Response:
    """The async twin of `send_direct`."""
    started = time.perf_counter()
    try:
        response = await pool.handle_async_request(request)
    except httpx.RequestError as error:
        error.request = request
        raise
    response.request = request
    try:
        await response.aread()
    except BaseException:
        await response.aclose()
        raise
    response.elapsed = dt.timedelta(seconds=time.perf_counter() - started)
    return response
