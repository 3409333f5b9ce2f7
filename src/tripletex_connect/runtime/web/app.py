"""The dashboard's routes: scenarios, runs, one run's steps and items, incomplete executions with Resume
and Discard, and (on the same server) the webhook receiver.

The page is for loopback: requests must name a loopback host (a page of another site that resolves its
name to 127.0.0.1 is refused), and a POST needs the form's token and, when the browser sends them, an
Origin of this server and no cross-site fetch metadata.
"""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from ..incomplete import discard
from ..store import DISCARDED, OPEN, RESOLVED, RunStore
from ..webhooks import LOOPBACK, RECEIVER_PATH, receiver
from .chart import runs_chart

if TYPE_CHECKING:
    from ..service import Service

TEMPLATES = Path(__file__).with_name("templates")
CHART_DAYS = 14


def create_app(service: Service, *, token: str | None = None, loopback_only: bool = True) -> Starlette:
    """The dashboard (and webhook receiver) of a running service."""
    store = service.store
    csrf = token or secrets.token_urlsafe(24)
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))

    def page(name: str, request: Request, **values: Any) -> HTMLResponse:
        refused = _refuse_host(request, loopback_only)
        if refused is not None:
            return refused  # type: ignore[return-value]
        html = env.get_template(name).render(csrf=csrf, now=service.clock(), **values)
        return HTMLResponse(html, headers=_SECURITY_HEADERS)

    async def index(request: Request) -> HTMLResponse:
        days = store.runs_per_day(CHART_DAYS, service.clock().date())
        return page("index.html", request, scenarios=service.listing(), chart=runs_chart(days),
                    incomplete=store.incomplete(), recent=list(reversed(store.runs(limit=20))))

    async def runs(request: Request) -> HTMLResponse:
        name = request.query_params.get("scenario") or None
        failed = request.query_params.get("failed") == "1"
        return page("runs.html", request, runs=list(reversed(store.runs(name, failed=failed, limit=200))),
                    scenario=name, failed=failed)

    async def run(request: Request) -> Response:
        found = store.run(int(request.path_params["run_id"]))
        if found is None:
            return PlainTextResponse("no such run", status_code=404)
        return page("run.html", request, run=found,
                    incomplete=[i for i in store.incomplete(state=None) if i.run_id == found["id"]])

    async def act(request: Request) -> Response:
        refused = _refuse_host(request, loopback_only) or _refuse_forgery(request)
        if refused is not None:
            return refused
        form = await request.form()
        if not secrets.compare_digest(str(form.get("csrf", "")), csrf):
            return PlainTextResponse("the form's token is missing or stale: reload the page", status_code=403)
        item = store.get_incomplete(int(request.path_params["incomplete_id"]))
        if item is None or item.state != OPEN:
            return PlainTextResponse("no such open incomplete execution", status_code=404)
        try:
            if request.path_params["action"] == "resume":
                service.request_resume(item.id)
            else:
                discard(store, item)
        except (LookupError, ValueError) as exc:
            return PlainTextResponse(str(exc), status_code=409)
        return RedirectResponse("/", status_code=303)

    routes = [
        Route("/", index),
        Route("/runs", runs),
        Route("/runs/{run_id:int}", run),
        Route("/incomplete/{incomplete_id:int}/{action:str}", act, methods=["POST"]),
        Route(RECEIVER_PATH, receiver(store, service.wake, service.clock), methods=["POST"]),
    ]
    app = Starlette(routes=routes)
    app.state.csrf = csrf
    env.filters["local"] = _local
    env.globals.update(OPEN=OPEN, RESOLVED=RESOLVED, DISCARDED=DISCARDED)
    return app


_SECURITY_HEADERS = {"X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer", "Cache-Control": "no-store",
                     "Content-Security-Policy": "default-src 'self'; style-src 'unsafe-inline'"}


def _refuse_host(request: Request, loopback_only: bool) -> Response | None:
    host = (request.headers.get("host") or "").rsplit(":", 1)[0].strip("[]")
    if loopback_only and host not in LOOPBACK:
        return PlainTextResponse("this dashboard answers on loopback addresses only", status_code=421)
    return None


def _refuse_forgery(request: Request) -> Response | None:
    if request.headers.get("sec-fetch-site") not in (None, "same-origin", "none"):
        return PlainTextResponse("cross-site form posts are refused", status_code=403)
    origin = request.headers.get("origin")
    if origin and origin != "null" and urlsplit(origin).netloc != request.headers.get("host"):
        return PlainTextResponse("a form from another origin is refused", status_code=403)
    return None


def _local(value: Any) -> str:
    """An ISO time in Oslo time, to the second, for people."""
    if not value:
        return ""
    from zoneinfo import ZoneInfo

    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return moment.astimezone(ZoneInfo("Europe/Oslo")).strftime("%Y-%m-%d %H:%M:%S")


__all__ = ["RunStore", "create_app"]
