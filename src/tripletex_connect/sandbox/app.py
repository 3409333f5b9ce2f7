"""The ASGI face of the sandbox: Starlette in, Backend out; every route under /v2 comes from the catalog."""

from __future__ import annotations

import json
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request as HttpRequest
from starlette.responses import Response
from starlette.routing import Route

from .backend import Backend, Reply, Request

METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]


def _response(reply: Reply) -> Response:
    if reply.content is not None:
        media = reply.headers.pop("content-type", "application/octet-stream")
        return Response(reply.content, reply.status, reply.headers, media_type=media)
    if reply.body is None:
        return Response(None, reply.status, reply.headers)
    text = json.dumps(reply.body, ensure_ascii=False, separators=(",", ":"))
    return Response(text, reply.status, reply.headers, media_type="application/json; charset=utf-8")


def create_app(backend: Backend) -> Starlette:
    """The Starlette app serving `backend` under /v2."""

    async def endpoint(http: HttpRequest) -> Response:
        body = await http.body()
        request = Request(
            method=http.method,
            path="/" + http.path_params["rest"],
            query=list(http.query_params.multi_items()),
            headers={k.lower(): v for k, v in http.headers.items()},
            body=body,
        )
        reply = await _in_thread(backend, request)
        return _response(reply)

    from .web import routes as books_page

    app = Starlette(routes=[Route("/v2/{rest:path}", endpoint, methods=METHODS), *books_page(backend)])
    app.state.backend = backend
    return app


async def _in_thread(backend: Backend, request: Request) -> Any:
    # SQLite work is blocking: keep it off the event loop so concurrent requests interleave.
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(backend.handle, request)
