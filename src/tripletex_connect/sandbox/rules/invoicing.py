"""Invoicing: an order becomes an invoice with a balanced voucher; payments, credit notes, sending, PDF."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from ...catalog import Operation
from ..context import Ctx
from ..errors import NOT_NULL, SandboxError, invalid, not_found
from ..reference import is_valid_norwegian_account
from ..store import Row, Tx
from ..validate import check
from .ledger import close_invoice_postings
from .money import money
from .sales import INVOICED, vat_percentage

if TYPE_CHECKING:
    from ..backend import Backend

OUTGOING_INVOICE, PAYMENT = "Utgående faktura", "Innbetaling"
OUTPUT_VAT_ACCOUNTS = {25.0: 2700, 15.0: 2701, 12.0: 2702}
DEFAULT_DUE_DAYS = 14
# Private copy of the invoice date on Invoice Details, which `invoiceDateFrom`/`invoiceDateTo` filter on.
INVOICE_DATE = "_invoiceDate"


def _account(tx: Tx, ctx: Ctx, number: int) -> dict[str, int]:
    rows = tx.find(ctx.company_id, "Account", "number", number)
    if not rows:
        raise invalid([(None, f"Konto {number} finnes ikke i kontoplanen.")])
    return {"id": rows[0].id}


def _voucher_type(tx: Tx, ctx: Ctx, name: str) -> dict[str, int]:
    rows = tx.find(ctx.company_id, "VoucherType", "name", name)
    return {"id": rows[0].id} if rows else {}


def post_voucher(tx: Tx, ctx: Ctx, date: str, description: str, kind: str, lines: list[dict[str, Any]]) -> Row:
    """A voucher with its postings; refuses postings that do not sum to zero."""
    if abs(sum(line["amountGross"] for line in lines)) > 0.005:
        raise invalid([("postings", "Bilaget balanserer ikke: summen av posteringene må være 0.")])
    voucher = tx.insert(ctx.company_id, "Voucher", {
        "date": date, "description": description, "voucherType": _voucher_type(tx, ctx, kind),
        "number": next_voucher_number(tx, ctx, date), "year": int(date[:4]),
    }, ctx.now)
    return add_postings(tx, ctx, voucher, lines)


def next_voucher_number(tx: Tx, ctx: Ctx, date: str) -> int:
    """The next voucher number of the date's year (one sequence per year)."""
    return tx.next_value(ctx.company_id, f"voucher:{date[:4]}")


def add_postings(tx: Tx, ctx: Ctx, voucher: Row, lines: list[dict[str, Any]]) -> Row:
    """Store the lines as the voucher's postings (its date and description unless a line has its own)."""
    date, description = voucher.data["date"], voucher.data.get("description", "")
    refs = []
    for row, line in enumerate(lines, start=1):
        posting = {"date": date, "description": description, "voucher": {"id": voucher.id}, "row": row,
                   "currency": {"id": 1}, "amount": line["amountGross"], "amountCurrency": line["amountGross"],
                   "amountGrossCurrency": line["amountGross"], **line}
        refs.append({"id": tx.insert(ctx.company_id, "Posting", posting, ctx.now).id})
    return tx.replace(ctx.company_id, "Voucher", voucher, {**voucher.data, "postings": refs}, ctx.now)


def _require_bank_account(tx: Tx, ctx: Ctx) -> None:
    rows = tx.find(ctx.company_id, "Account", "number", 1920)
    number = str(rows[0].data.get("bankAccountNumber") or "") if rows else ""
    if not is_valid_norwegian_account(number):
        raise invalid([(None, "Faktura kan ikke opprettes før selskapet har registrert et bankkontonummer "
                              "(bankkontonummer ikke registrert): oppdater konto 1920.")])


def _order_lines(tx: Tx, ctx: Ctx, order: Row) -> list[dict[str, Any]]:
    lines = [tx.get(ctx.company_id, "OrderLine", ref["id"]) for ref in order.data.get("orderLines") or []]
    return [line.data for line in lines if line is not None]


def _sales_account(tx: Tx, ctx: Ctx, line: dict[str, Any], rate: float) -> int:
    product = tx.get(ctx.company_id, "Product", line["product"]["id"]) if line.get("product") else None
    account = tx.get(ctx.company_id, "Account", product.data["account"]["id"]) if product and product.data.get(
        "account") else None
    if account is not None:
        return int(account.data["number"])
    return 3000 if rate > 0 else 3100


def _invoice_postings(tx: Tx, ctx: Ctx, customer: dict[str, Any], lines: list[dict[str, Any]],
                      number: int, sign: int) -> tuple[list[dict[str, Any]], float, float]:
    """Receivable debit, sales credit per account and VAT type, output VAT credit (signs flipped for a credit note)."""
    net: dict[tuple[int, float, int], float] = defaultdict(float)
    for line in lines:
        rate = vat_percentage(tx, ctx, line.get("vatType"))
        net[(_sales_account(tx, ctx, line, rate), rate, line["vatType"]["id"])] += line["amountExcludingVatCurrency"]
    postings: list[dict[str, Any]] = []
    total_net = total_vat = 0.0
    for (account, rate, vat_id), amount in sorted(net.items()):
        amount, vat = money(amount), money(amount * rate / 100)
        total_net, total_vat = total_net + amount, total_vat + vat
        common = {"vatType": {"id": vat_id}, "invoiceNumber": str(number)}
        postings.append({"account": _account(tx, ctx, account), "amountGross": -sign * amount, **common})
        if vat:
            vat_account = _account(tx, ctx, OUTPUT_VAT_ACCOUNTS.get(rate, 2700))
            postings.append({"account": vat_account, "amountGross": -sign * vat, **common})
    gross = money(total_net + total_vat)
    receivable = {"account": _account(tx, ctx, 1500), "customer": customer, "invoiceNumber": str(number),
                  "amountGross": sign * gross, "type": "OUTGOING_INVOICE_CUSTOMER_POSTING"}
    return [receivable, *postings], money(total_net), gross


def _invoice_lines(tx: Tx, ctx: Ctx, orders: list[Row]) -> list[dict[str, Any]]:
    """Every line of the orders; an order without lines cannot be invoiced."""
    lines: list[dict[str, Any]] = []
    for order in orders:
        own = _order_lines(tx, ctx, order)
        if not own:
            raise invalid([("orderLines", "Ordren har ingen ordrelinjer og kan ikke faktureres.")])
        lines += own
    return lines


def _due_date(tx: Tx, ctx: Ctx, customer_id: int, date: str) -> str:
    customer = tx.get(ctx.company_id, "Customer", customer_id)
    days = int((customer.data.get("invoicesDueIn") if customer else None) or DEFAULT_DUE_DAYS)
    return (dt.date.fromisoformat(date) + dt.timedelta(days=days)).isoformat()


def create_invoice(tx: Tx, ctx: Ctx, orders: list[Row], date: str, *, due: str | None = None,
                   credit_of: Row | None = None) -> Row:
    """The invoice of orders (or the credit note of an invoice), with its balanced voucher and details."""
    lines = _invoice_lines(tx, ctx, orders)
    customer = {"id": orders[0].data["customer"]["id"]}
    number = tx.next_value(ctx.company_id, "invoiceNumber")
    sign = -1 if credit_of else 1
    postings, net, gross = _invoice_postings(tx, ctx, customer, lines, number, sign)
    voucher = post_voucher(tx, ctx, date, f"Faktura nummer {number}", OUTGOING_INVOICE, postings)
    outstanding = 0.0 if credit_of else gross
    data: dict[str, Any] = {
        "invoiceNumber": number, "invoiceDate": date, "invoiceDueDate": due or _due_date(tx, ctx, customer["id"], date),
        "customer": customer, "orders": [{"id": o.id} for o in orders], "voucher": {"id": voucher.id},
        "currency": {"id": 1}, "amount": sign * gross, "amountCurrency": sign * gross,
        "amountExcludingVat": sign * net, "amountExcludingVatCurrency": sign * net,
        "amountOutstanding": outstanding, "amountCurrencyOutstanding": outstanding,
        "isCreditNote": credit_of is not None, "isCredited": False, "isCharged": True, "isApproved": True,
        "kid": f"{number:07d}", "deliveryDate": orders[0].data.get("deliveryDate"),
    }
    if credit_of is not None:
        data["creditedInvoice"] = credit_of.id
    invoice = tx.insert(ctx.company_id, "Invoice", data, ctx.now)
    return _with_details(tx, ctx, invoice, orders[0], sign * net)


def _with_details(tx: Tx, ctx: Ctx, invoice: Row, order: Row, net: float) -> Row:
    """Invoice Details (`/invoice/details`) of a new invoice: the order's project and the invoiced amounts."""
    details = tx.insert(ctx.company_id, "ProjectInvoiceDetails", {
        **({"project": order.data["project"]} if order.data.get("project") else {}), "invoice": {"id": invoice.id},
        "amountOrderLinesAndReinvoicing": net, "amountOrderLinesAndReinvoicingCurrency": net,
        "feeAmount": 0.0, "feeAmountCurrency": 0.0, "markupPercent": 0.0, "markupAmount": 0.0,
        "markupAmountCurrency": 0.0, "amountTravelReportsAndExpenses": 0.0,
        "amountTravelReportsAndExpensesCurrency": 0.0, "includeOrderLinesAndReinvoicing": True,
        "includeHours": False, "includeOnAccountBalance": False, "onAccountBalanceAmount": 0.0,
        "onAccountBalanceAmountCurrency": 0.0, INVOICE_DATE: invoice.data["invoiceDate"],
    }, ctx.now)
    return tx.replace(ctx.company_id, "Invoice", invoice,
                      {**invoice.data, "projectInvoiceDetails": [{"id": details.id}]}, ctx.now)


def _payment(tx: Tx, ctx: Ctx, invoice: Row, date: str, type_id: int, amount: float) -> Row:
    payment_type = tx.get(ctx.company_id, "PaymentType", type_id)
    if payment_type is None:
        raise invalid([("paymentTypeId", f"Betalingstypen {type_id} finnes ikke.")])
    amount = money(amount)
    post_voucher(tx, ctx, date, f"Innbetaling faktura {invoice.data['invoiceNumber']}", PAYMENT, [
        {"account": payment_type.data["debitAccount"], "amountGross": amount},
        {"account": _account(tx, ctx, 1500), "customer": invoice.data["customer"], "amountGross": -amount,
         "invoiceNumber": str(invoice.data["invoiceNumber"]), "type": "INCOMING_PAYMENT"},
    ])
    outstanding = money(invoice.data.get("amountOutstanding", 0.0) - amount)
    if outstanding == 0:
        close_invoice_postings(tx, ctx, date, str(invoice.data["invoiceNumber"]))
    return tx.replace(ctx.company_id, "Invoice", invoice, {
        **invoice.data, "amountOutstanding": outstanding, "amountCurrencyOutstanding": outstanding,
    }, ctx.now)


def _invoice(tx: Tx, ctx: Ctx, values: dict[str, str], key: str = "id") -> Row:
    row = tx.get(ctx.company_id, "Invoice", int(values[key]))
    if row is None:
        raise not_found("Fakturaen")
    return row


def _render(backend: Backend, tx: Tx, ctx: Ctx, row: Row) -> dict[str, Any]:
    return backend.engine.renderer(tx, ctx).render("Invoice", row.full(), None)


def _open_order(tx: Tx, ctx: Ctx, order_id: int) -> Row:
    order = tx.get(ctx.company_id, "Order", order_id)
    if order is None:
        raise not_found("Ordren")
    if order.data.get(INVOICED):
        raise invalid([(None, f"Ordren {order_id} er allerede fakturert.")])
    return order


def invoice_orders(tx: Tx, ctx: Ctx, orders: list[Row], date: str, params: dict[str, str],
                   due: str | None = None) -> Row:
    """Invoice open orders of one customer, mark them invoiced, and register a payment given at once."""
    if len({o.data["customer"]["id"] for o in orders}) > 1:
        raise invalid([("id", "Ordrene må ha samme kunde for å faktureres samlet.")])
    customer_id = (orders[0].data.get("customer") or {}).get("id")
    if not customer_id or tx.get(ctx.company_id, "Customer", customer_id) is None:
        raise invalid([("customer.id", f"Kunden til ordren (id {customer_id}) finnes ikke lenger: ordren kan ikke "
                                       "faktureres. Sett en annen kunde på ordren.")])
    _require_bank_account(tx, ctx)
    invoice = create_invoice(tx, ctx, orders, date, due=due)
    for order in orders:
        tx.replace(ctx.company_id, "Order", order, {**order.data, INVOICED: invoice.id, "isClosed": True}, ctx.now)
    if params.get("paymentTypeId") and params.get("paidAmount"):
        invoice = _payment(tx, ctx, invoice, date, int(params["paymentTypeId"]), float(params["paidAmount"]))
    return invoice


def invoice_order(backend: Backend, tx: Tx, ctx: Ctx, op: Operation, values: dict[str, str],
                  params: dict[str, str], body: Any) -> dict[str, Any]:
    """`PUT /order/{id}/:invoice`."""
    order = _open_order(tx, ctx, int(values["id"]))
    return _render(backend, tx, ctx, invoice_orders(tx, ctx, [order], params["invoiceDate"], params))


def invoice_multiple(backend: Backend, tx: Tx, ctx: Ctx, op: Operation, values: dict[str, str],
                     params: dict[str, str], body: Any) -> dict[str, Any]:
    """`PUT /order/:invoiceMultipleOrders`: one invoice for several orders of the same customer."""
    ids = list(dict.fromkeys(int(i) for i in params["id"].split(",") if i.strip()))
    orders = [_open_order(tx, ctx, i) for i in ids]
    return _render(backend, tx, ctx, invoice_orders(tx, ctx, orders, params["invoiceDate"], params))


def create_invoice_from_body(backend: Backend, tx: Tx, ctx: Ctx, op: Operation, values: dict[str, str],
                             params: dict[str, str], body: Any) -> dict[str, Any]:
    """`POST /invoice`: invoice existing orders, or orders (with lines) included as new objects."""
    if not isinstance(body, dict):
        raise invalid([(None, "Forventet et Invoice-objekt.")], code=16000)
    problems = [(f, NOT_NULL) for f in ("invoiceDate", "orders") if not body.get(f)] + check("Invoice", body)
    if problems:
        raise invalid(problems)
    orders = [_body_order(backend, tx, ctx, ref, f"orders[{i}]") for i, ref in enumerate(body["orders"])]
    invoice = invoice_orders(tx, ctx, orders, body["invoiceDate"], params, due=body.get("invoiceDueDate"))
    return _render(backend, tx, ctx, invoice)


def _body_order(backend: Backend, tx: Tx, ctx: Ctx, ref: dict[str, Any], where: str) -> Row:
    """An order of a POST /invoice body: an existing open one by id, or a new one (its problems under `where`)."""
    ref_id = ref.get("id")
    if isinstance(ref_id, int) and not isinstance(ref_id, bool) and ref_id > 0:
        return _open_order(tx, ctx, ref_id)
    try:
        return backend.engine.create(tx, ctx, "Order", ref)
    except SandboxError as error:
        error.messages = [(f"{where}.{field}" if field else where, message) for field, message in error.messages]
        raise


def register_payment(backend: Backend, tx: Tx, ctx: Ctx, op: Operation, values: dict[str, str],
                     params: dict[str, str], body: Any) -> dict[str, Any]:
    """`PUT /invoice/{id}/:payment`: a payment reduces the outstanding amount (negative reverses one)."""
    invoice = _payment(tx, ctx, _invoice(tx, ctx, values), params["paymentDate"], int(params["paymentTypeId"]),
                       float(params["paidAmount"]))
    return _render(backend, tx, ctx, invoice)


def credit_note(backend: Backend, tx: Tx, ctx: Ctx, op: Operation, values: dict[str, str],
                params: dict[str, str], body: Any) -> dict[str, Any]:
    """`PUT /invoice/{id}/:createCreditNote`: a new invoice that reverses the original."""
    original = _invoice(tx, ctx, values)
    if original.data.get("isCredited") or original.data.get("isCreditNote"):
        raise invalid([(None, "Fakturaen er allerede kreditert.")])
    orders = [tx.get(ctx.company_id, "Order", ref["id"]) for ref in original.data["orders"]]
    if any(order is None for order in orders):
        raise SandboxError(422, 15000, "Ordren bak fakturaen finnes ikke lenger.")
    note = create_invoice(tx, ctx, [o for o in orders if o is not None], params["date"], credit_of=original)
    tx.replace(ctx.company_id, "Invoice", original, {
        **original.data, "isCredited": True, "amountOutstanding": 0.0, "amountCurrencyOutstanding": 0.0,
    }, ctx.now)
    return _render(backend, tx, ctx, note)


def send_invoice(backend: Backend, tx: Tx, ctx: Ctx, op: Operation, values: dict[str, str],
                 params: dict[str, str], body: Any) -> None:
    """`PUT /invoice/{id}/:send`: nothing leaves the sandbox; the invoice must exist."""
    _invoice(tx, ctx, values)


def invoice_pdf(backend: Backend, tx: Tx, ctx: Ctx, op: Operation, values: dict[str, str],
                params: dict[str, str], body: Any) -> bytes:
    """`GET /invoice/{invoiceId}/pdf`: a small real PDF naming the invoice."""
    invoice = _invoice(tx, ctx, {"id": values["invoiceId"]})
    customer = tx.get(ctx.company_id, "Customer", invoice.data["customer"]["id"])
    return render_pdf([
        f"Faktura {invoice.data['invoiceNumber']}",
        f"Kunde: {customer.data.get('name') if customer else ''}",
        f"Fakturadato: {invoice.data['invoiceDate']}   Forfall: {invoice.data['invoiceDueDate']}",
        f"Beløp inkl. mva: {invoice.data['amount']:.2f} NOK   KID: {invoice.data['kid']}",
    ])


def render_pdf(lines: list[str]) -> bytes:
    """A minimal, valid one-page PDF with the given lines of text."""
    text = "BT /F1 12 Tf 50 780 Td 16 TL " + " ".join(
        "(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") Tj T*" for line in lines
    ) + " ET"
    stream = text.encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


ACTIONS = {
    "order.invoice": invoice_order,
    "order.invoice_multiple": invoice_multiple,
    "invoice.create": create_invoice_from_body,
    "invoice.payment": register_payment,
    "invoice.credit_note": credit_note,
    "invoice.send": send_invoice,
    "invoice.pdf": invoice_pdf,
}
