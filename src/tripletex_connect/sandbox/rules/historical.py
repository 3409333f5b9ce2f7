"""Historical vouchers: imported from another system with their postings as given (no VAT split, no period
check), numbered in their own series, and given a scanned attachment uploaded as PDF, PNG, JPEG or TIFF."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from ...catalog import Operation
from ...models import field_types
from ..context import Ctx
from ..errors import NOT_NULL, invalid
from ..store import Row, Tx
from ..uploads import Upload
from ..validate import check, writable
from .invoicing import add_postings
from .money import money
from .vouchers import check_account, check_balanced, check_references, voucher_row

if TYPE_CHECKING:
    from ..backend import Backend

MAX_VOUCHERS = 500
DOCUMENT_TYPES = {"application/pdf": "PDF", "image/png": "PNG", "image/jpeg": "JPEG", "image/tiff": "TIFF"}
# Private marker on vouchers imported as historical, and the list of files uploaded to a document.
HISTORICAL, UPLOADS = "_historical", "_uploads"
Problems = list[tuple[str | None, str]]


def _line(tx: Tx, ctx: Ctx, posting: dict[str, Any], row: int, problems: Problems) -> dict[str, Any]:
    """A historical posting as stored: every amount as given (amount required; the others default to it)."""
    account = check_account(tx, ctx, posting.get("account"), problems)
    check_references(tx, ctx, posting, problems)
    if posting.get("amount") is None:
        problems.append(("postings.amount", NOT_NULL))
    fields = {k: v for k, v in writable("HistoricalPosting", posting).items() if k in field_types("Posting")
              and k not in ("id", "version", "voucher", "closeGroup")}
    amount = money(posting.get("amount") or 0.0)
    return {"row": row, **fields, "account": {"id": account.id} if account else {}, "amount": amount,
            **{k: posting.get(k, amount) for k in ("amountCurrency", "amountGross", "amountGrossCurrency")}}


def _check_dates_balance(date: str, lines: list[dict[str, Any]]) -> None:
    """The amounts must sum to zero on each posting date."""
    by_date: dict[str, list[float]] = defaultdict(list)
    for line in lines:
        by_date[str(line.get("date") or date)].append(line["amount"])
    for amounts in by_date.values():
        check_balanced(amounts, "amount")


def _historical(tx: Tx, ctx: Ctx, body: Any) -> Row:
    if not isinstance(body, dict):
        raise invalid([(None, "Forventet et HistoricalVoucher-objekt.")], code=16000)
    problems = check("HistoricalVoucher", body) + [(f, NOT_NULL) for f in ("date", "postings") if not body.get(f)]
    if problems:
        raise invalid(problems)
    lines = [_line(tx, ctx, p, row, problems) for row, p in enumerate(body["postings"], start=1)]
    if problems:
        raise invalid(problems)
    _check_dates_balance(body["date"], lines)
    fields = {k: v for k, v in writable("HistoricalVoucher", body).items() if k not in ("id", "version", "postings")}
    year = int(body["date"][:4])
    voucher = tx.insert(ctx.company_id, "Voucher", {
        **fields, HISTORICAL: True, "year": year, "number": tx.next_value(ctx.company_id, f"historical:{year}"),
    }, ctx.now)
    return add_postings(tx, ctx, voucher, lines)


def _render(backend: Backend, tx: Tx, ctx: Ctx, voucher: Row) -> dict[str, Any]:
    shown = field_types("HistoricalVoucher")
    data = {k: v for k, v in voucher.full().items() if k in shown}
    return backend.engine.renderer(tx, ctx).render("HistoricalVoucher", data, None)


def create_historical(backend: Backend, tx: Tx, ctx: Ctx, op: Operation, values: dict[str, str],
                      params: dict[str, str], body: Any) -> list[dict[str, Any]]:
    """`POST /ledger/voucher/historical/historical`: up to 500 vouchers with their postings, all or none."""
    if not isinstance(body, list):
        raise invalid([(None, "Forventet en liste.")], code=16000)
    if len(body) > MAX_VOUCHERS:
        raise invalid([(None, f"Maks {MAX_VOUCHERS} bilag per forespørsel, fikk {len(body)}.")])
    return [_render(backend, tx, ctx, _historical(tx, ctx, item)) for item in body]


def _file(uploads: Any) -> Upload:
    """The `file` part of an upload, refused when absent, empty or not a document format Tripletex takes."""
    part = next((u for u in uploads or [] if isinstance(u, Upload) and u.field == "file"), None)
    if part is None:
        raise invalid([("file", NOT_NULL)])
    if not part.content:
        raise invalid([("file", f"Filen {part.filename or ''} er tom.".replace("  ", " "))])
    if part.content_type not in DOCUMENT_TYPES:
        raise invalid([("file", f"Filformatet {part.content_type} støttes ikke. Gyldige formater: PDF, PNG, JPEG "
                                f"og TIFF.")])
    return part


def _attach(tx: Tx, ctx: Ctx, voucher: Row, part: Upload) -> Row:
    """A new attachment, or the file appended to the existing one as new PDF pages."""
    upload = {"fileName": part.filename, "size": len(part.content), "mimeType": part.content_type}
    ref = voucher.data.get("attachment")
    existing = tx.get(ctx.company_id, "Document", ref["id"]) if isinstance(ref, dict) and ref.get("id") else None
    if existing is None:
        document = tx.insert(ctx.company_id, "Document", {**upload, UPLOADS: [upload]}, ctx.now)
        return tx.replace(ctx.company_id, "Voucher", voucher, {**voucher.data, "attachment": {"id": document.id}},
                          ctx.now)
    tx.replace(ctx.company_id, "Document", existing, {
        **existing.data, "size": existing.data.get("size", 0) + len(part.content), "mimeType": "application/pdf",
        UPLOADS: [*existing.data.get(UPLOADS, []), upload],
    }, ctx.now)
    return voucher


def upload_attachment(backend: Backend, tx: Tx, ctx: Ctx, op: Operation, values: dict[str, str],
                      params: dict[str, str], body: Any) -> dict[str, Any]:
    """`POST /ledger/voucher/historical/{voucherId}/attachment`: store the file's name, size and type."""
    voucher = voucher_row(tx, ctx, values["voucherId"])
    return _render(backend, tx, ctx, _attach(tx, ctx, voucher, _file(body)))


ACTIONS = {"historical_voucher.create": create_historical, "historical_voucher.upload": upload_attachment}
