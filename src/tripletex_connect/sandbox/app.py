"""The ASGI face of the sandbox: Starlette in, Backend out; every route under /v2 comes from the catalog."""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request as HttpRequest
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from .backend import Backend, Request
from .encode import encode_reply
from .reply import Reply

METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]


def _response(reply: Reply) -> Response:
    status, headers, content = encode_reply(reply)
    media = headers.pop("content-type", None)
    return Response(content or None, status, headers, media_type=media)


async def _request(http: HttpRequest, path: str) -> Request:
    return Request(
        method=http.method,
        path=path,
        query=list(http.query_params.multi_items()),
        headers={k.lower(): v for k, v in http.headers.items()},
        body=await http.body(),
    )


class SandboxApp:
    """The ASGI app: an API request goes straight to the backend; the rest (the books pages, and Starlette's
    own 404 and 405 in the envelope) through the Starlette app. The API is the hot path: Starlette's routing
    and request object cost more than a GET by id takes in the backend."""

    def __init__(self, backend: Backend, pages: Starlette) -> None:
        self.backend = backend
        self.pages = pages
        self.state = pages.state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one ASGI connection scope."""
        if scope["type"] != "http" or scope["method"] not in METHODS or not scope["path"].startswith("/v2/"):
            await self.pages(scope, receive, send)
            return
        request = Request(
            method=scope["method"],
            path=scope["path"][len("/v2"):],
            # As Starlette reads them: the query string as latin-1, then percent-decoded as UTF-8.
            query=parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True),
            headers={k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]},
            body=await _body(receive),
        )
        # Called on the event loop, not in a worker thread: the store serialises all work on one lock anyway,
        # and the hop to a thread cost more than most requests take.
        await _response(self.backend.handle(request))(scope, receive, send)


async def _body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":  # the client went away: nothing more comes
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def create_app(backend: Backend) -> SandboxApp:
    """The ASGI app serving `backend` under /v2; every answer, anywhere, is a Tripletex envelope."""

    async def endpoint(http: HttpRequest) -> Response:  # SandboxApp answers these first; kept for completeness
        request = await _request(http, "/" + http.path_params["rest"])
        return _response(backend.handle(request))

    async def no_route(http: HttpRequest, exc: Exception) -> Response:
        # Starlette's own 404/405 (a path outside /v2, or a method no route takes) in the envelope too.
        path = http.url.path
        inside = path.startswith("/v2/")
        request = await _request(http, path[len("/v2"):] if inside else path)
        status = getattr(exc, "status_code", 404)
        return _response(backend.handle(request, outside_api=not inside, outside_status=status))

    from .web import routes as books_page

    app = Starlette(
        routes=[Route("/v2/{rest:path}", endpoint, methods=METHODS), *books_page(backend)],
        exception_handlers={404: no_route, 405: no_route},
    )
    app.state.backend = backend
    return SandboxApp(backend, app)

