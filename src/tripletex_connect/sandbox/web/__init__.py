"""The books page of `ttx sandbox serve`: a read-only, server-rendered view of each company's books at
`/books/` (Starlette and Jinja2 templates, no JavaScript), answered only to clients on this machine."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.templating import Jinja2Templates

from ..context import Ctx
from ..errors import SandboxError
from ..webhooks import is_loopback
from . import books

if TYPE_CHECKING:
    from ..backend import Backend

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


def money(value: Any) -> str:
    """An amount the Norwegian way: `12 345,50`."""
    try:
        number = float(value or 0)
    except (TypeError, ValueError):
        return str(value)
    return f"{number:,.2f}".replace(",", "\u00a0").replace(".", ",")


TEMPLATES.env.filters["money"] = money


def routes(backend: Backend) -> list[BaseRoute]:
    """The routes of the books page, to serve next to the API."""

    def local_only(request: Request) -> Response | None:
        host = request.client.host if request.client else ""
        if not is_loopback(host) and host != "testclient":  # Starlette's TestClient: an in-process caller
            return PlainTextResponse("The books page is only served to this machine.", status_code=403)
        return None

    async def index(request: Request) -> Response:
        refused = local_only(request)
        if refused:
            return refused
        with backend.store.transaction() as tx:
            found = books.companies(tx)
        return TEMPLATES.TemplateResponse(request, "index.html", {"companies": found, "sections": books.SECTIONS})

    async def section(request: Request) -> Response:
        refused = local_only(request)
        if refused:
            return refused
        company_id = request.path_params["company_id"]
        name = request.path_params.get("section", "customers")
        if name not in books.SECTIONS:
            return PlainTextResponse(f"No section {name!r}.", status_code=404)
        title, read = books.SECTIONS[name]
        with backend.store.transaction() as tx:
            company = books.company_name(tx, company_id)
            data = read(tx, company_id) if company is not None else None
        if company is None:
            return PlainTextResponse(f"No company {company_id}.", status_code=404)
        context = {"company_id": company_id, "company": company, "section": name, "title": title,
                   "sections": books.SECTIONS, "data": data}
        return TEMPLATES.TemplateResponse(request, f"{name}.html", context)

    async def pdf(request: Request) -> Response:
        refused = local_only(request)
        if refused:
            return refused
        from ... import catalog
        from ..rules.invoicing import invoice_pdf

        company_id, invoice_id = request.path_params["company_id"], request.path_params["invoice_id"]
        now, today = backend.tenancy.context_time()
        ctx = Ctx(company_id, 0, company_id, "", now, today)
        try:
            with backend.store.transaction() as tx:
                content = invoice_pdf(backend, tx, ctx, catalog.get("invoice.pdf"), {"invoiceId": str(invoice_id)},
                                      {}, None)
        except SandboxError:
            return PlainTextResponse(f"No invoice {invoice_id}.", status_code=404)
        return Response(content, media_type="application/pdf",
                        headers={"content-disposition": f'inline; filename="invoice-{invoice_id}.pdf"'})

    return [
        Route("/books/", index),
        Route("/books/{company_id:int}/", section),
        Route("/books/{company_id:int}/invoices/{invoice_id:int}.pdf", pdf),
        Route("/books/{company_id:int}/{section}", section),
    ]
