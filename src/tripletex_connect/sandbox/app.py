"""The ASGI face of the sandbox: Starlette in, Backend out; every route under /v2 comes from the catalog."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request as HttpRequest
from starlette.responses import Response
from starlette.routing import Route

from .backend import Backend, Reply, Request
from .encode import encode_reply

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


def create_app(backend: Backend) -> Starlette:
    """The Starlette app serving `backend` under /v2; every answer, anywhere, is a Tripletex envelope."""

    async def endpoint(http: HttpRequest) -> Response:
        # Called on the event loop, not in a worker thread: the store serialises all work on one lock anyway,
        # and the hop to a thread cost more than most requests take.
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
    return app

