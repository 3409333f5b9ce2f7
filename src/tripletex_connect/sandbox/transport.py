"""In-process httpx transports onto a sandbox Backend: the SDK against the sandbox without a socket or a server.

`httpx.Client(transport=BackendTransport(backend), base_url="http://sandbox/v2")` is what Starlette's TestClient
used to give (it now speaks httpx2, which the SDK's httpx-based auth cannot drive).
"""

from __future__ import annotations

import httpx

from .backend import Backend, Request
from .encode import encode_reply


def _backend_request(request: httpx.Request, body: bytes) -> tuple[Request, bool]:
    path = request.url.path
    inside = path.startswith("/v2/")
    backend_request = Request(
        method=request.method,
        path=path[len("/v2"):] if inside else path,
        query=list(request.url.params.multi_items()),
        headers={k.lower(): v for k, v in request.headers.items()},
        body=body,
    )
    return backend_request, inside


def _response(backend: Backend, request: httpx.Request, body: bytes) -> httpx.Response:
    backend_request, inside = _backend_request(request, body)
    reply = backend.handle(backend_request, outside_api=not inside)
    status, headers, content = encode_reply(reply)
    return httpx.Response(status, headers=headers, content=content, request=request)


class BackendTransport(httpx.BaseTransport):
    """A sync httpx transport that hands each request to `backend.handle`, as the ASGI app does."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Answer one request from the backend."""
        return _response(self.backend, request, request.read())


class AsyncBackendTransport(httpx.AsyncBaseTransport):
    """The async twin of BackendTransport (the backend call itself is synchronous and fast)."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Answer one request from the backend."""
        return _response(self.backend, request, await request.aread())
