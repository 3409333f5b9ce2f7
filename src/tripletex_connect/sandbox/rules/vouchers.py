"""Vouchers entered through the API: gross postings with their VAT split out, balance and reference rules,
numbers per year once sent to the ledger, closed periods, postings replaced on update, delete and reverse."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ...catalog import Operation
from ...models import field_types
from ..context import Ctx
from ..errors import NOT_NULL, invalid, not_found, stale
from ..reference.vat import OUTPUT_VAT_ACCOUNT
from ..store import Row, Tx
from ..validate import check, writable
from . import Rules
from .invoicing import add_postings, next_voucher_number
from .money import money

if TYPE_CHECKING:
    from ..backend import Backend

Problems = list[tuple[str | None, str]]
RECEIVABLES = range(1500, 1600)
SUPPLIER_DEBT = 2400
EXPENSES = range(4000, 8000)
INPUT_VAT_ACCOUNTS = {25.0: 2710, 15.0: 2711, 12.0: 2712}
# Private marker on the postings of a voucher not sent to the ledger: the ledger and posting search skip them.
DRAFT = "_draft"
SYSTEM_ROW = ("Posteringene på rad 0 (guiRow 0) er systemgenererte og kan ikke opprettes eller endres utenfor "
              "Tripletex. Bruk rad 1 og oppover.")
AMOUNTS = ("amount", "amountCurrency", "amountGross", "amountGrossCurrency")
# Posting fields that refer to other objects and are checked to exist.
REFERENCES = ("customer", "supplier", "employee", "project", "product", "department")


def find_account(tx: Tx, ctx: Ctx, ref: Any) -> Row | None:
    """The account a posting names, by id or by number."""
    if not isinstance(ref, dict):
        return None
    if isinstance(ref.get("id"), int) and ref["id"] > 0:
        return tx.get(ctx.company_id, "Account", ref["id"])
    rows = tx.find(ctx.company_id, "Account", "number", ref.get("number")) if ref.get("number") else []
    return rows[0] if rows else None


def check_account(tx: Tx, ctx: Ctx, ref: Any, problems: Problems) -> Row | None:
    """The posting's account, or a problem on `postings.account` when it is missing, unknown or inactive."""
    if not ref:
        problems.append(("postings.account", NOT_NULL))
        return None
    account = find_account(tx, ctx, ref)
    if account is None:
        problems.append(("postings.account.id", "Kontoen finnes ikke i kontoplanen."))
    elif account.data.get("isInactive"):
        problems.append(("postings.account.id", f"Kontoen {account.data['number']} er inaktiv."))
        return None
    return account


def check_references(tx: Tx, ctx: Ctx, posting: dict[str, Any], problems: Problems) -> None:
    """Every object a posting refers to (customer, supplier, project...) must exist."""
    from ..engine import MODEL_PATHS

    specs = field_types("Posting")
    for name in REFERENCES:
        ref, model = posting.get(name), specs[name].ref
        ref_id = ref.get("id") if isinstance(ref, dict) else None
        known = model and (model in MODEL_PATHS or tx.has_type(ctx.company_id, model))
        if known and isinstance(ref_id, int) and tx.get(ctx.company_id, str(model), ref_id) is None:
            problems.append((f"postings.{name}.id", f"Objektet med id {ref_id} finnes ikke."))


def _check_parties(posting: dict[str, Any], number: int, problems: Problems, where: str = "postings") -> None:
    """Parties only where they belong, and where they are needed: 1500-1599 a customer, 2400 a supplier."""
    if number in RECEIVABLES and not _ref(posting.get("customer")):
        problems.append((f"{where}.customer.id", f"Kunde mangler: en postering på konto {number} "
                                                 f"(kundefordringer) må ha en kunde."))
    if number == SUPPLIER_DEBT and not _ref(posting.get("supplier")):
        problems.append((f"{where}.supplier.id", f"Leverandør mangler: en postering på konto {number} "
                                                 f"(leverandørgjeld) må ha en leverandør."))
    if posting.get("customer") and number not in RECEIVABLES:
        problems.append((f"{where}.customer.id", f"Kunde kan bare føres på kundefordringer (konto 1500-1599), "
                                                 f"ikke på konto {number}."))
    if posting.get("supplier") and number != SUPPLIER_DEBT and number not in EXPENSES:
        problems.append((f"{where}.supplier.id", f"Leverandør kan bare føres på leverandørgjeld (konto 2400) eller "
                                                 f"kostnadskonti (4000-7999), ikke på konto {number}."))


def _ref(value: Any) -> bool:
    return isinstance(value, dict) and bool(value.get("id"))


def _check_row(posting: dict[str, Any], problems: Problems, where: str) -> None:
    """Row 0 (guiRow 0) holds the postings the system generates: a client cannot enter one there."""
    if posting.get("row") == 0:
        problems.append((f"{where}.row", SYSTEM_ROW))


def user_postings(postings: Any) -> Any:
    """The postings of an update body without the system's row-0 postings, which are regenerated."""
    if not isinstance(postings, list):
        return postings
    return [p for p in postings if not (isinstance(p, dict) and p.get("row") == 0)]


def _vat_split(tx: Tx, ctx: Ctx, vat_ref: Any, gross: float) -> tuple[float, int | None]:
    """The VAT inside a gross amount and the account it goes to (0 and None when the type carries none)."""
    vat = tx.get(ctx.company_id, "VatType", vat_ref["id"]) if isinstance(vat_ref, dict) and vat_ref.get("id") else None
    if vat is None or not vat.data.get("percentage"):
        return 0.0, None
    rate, deduction = float(vat.data["percentage"]), float(vat.data.get("deductionPercentage") or 0.0)
    inside = gross * rate / (100 + rate)
    if str(vat.data.get("number")) in OUTPUT_VAT_ACCOUNT:
        return money(inside), OUTPUT_VAT_ACCOUNT[str(vat.data["number"])]
    if deduction > 0:
        return money(inside * deduction / 100), INPUT_VAT_ACCOUNTS.get(rate, 2710)
    return 0.0, None


def _account_ref(tx: Tx, ctx: Ctx, number: int) -> dict[str, int]:
    rows = tx.find(ctx.company_id, "Account", "number", number)
    if not rows:
        raise invalid([("postings.vatType.id", f"MVA-kontoen {number} finnes ikke i kontoplanen.")])
    return {"id": rows[0].id}


def _split_lines(tx: Tx, ctx: Ctx, posting: dict[str, Any], account: Row, row: int) -> list[dict[str, Any]]:
    """A gross posting as stored: the net posting, and the VAT posting when its VAT type carries VAT."""
    gross = money(posting["amountGross"])
    vat, vat_account = _vat_split(tx, ctx, posting.get("vatType"), gross)
    fields = {k: v for k, v in writable("Posting", posting).items() if k not in ("id", "version", "voucher", *AMOUNTS)}
    net = money(gross - vat)
    line = {**fields, "row": posting.get("row") or row, "account": {"id": account.id}, "amount": net,
            "amountCurrency": net, "amountGross": gross, "amountGrossCurrency": gross}
    if vat_account is None or not vat:
        return [line]
    vat_line = {"row": 0, "account": _account_ref(tx, ctx, vat_account), "vatType": posting["vatType"],
                "amount": vat, "amountCurrency": vat, "amountGross": vat, "amountGrossCurrency": vat,
                "systemGenerated": True}
    if posting.get("description"):
        vat_line["description"] = posting["description"]
    return [line, vat_line]


def posting_lines(tx: Tx, ctx: Ctx, postings: Any) -> list[dict[str, Any]]:
    """The stored lines of a voucher's gross postings, or 422 naming every problem (and any imbalance)."""
    if not postings:
        raise invalid([("postings", NOT_NULL)])
    problems: Problems = []
    accounts: list[Row | None] = []
    for index, posting in enumerate(postings):
        account = check_account(tx, ctx, posting.get("account"), problems)
        accounts.append(account)
        if posting.get("amountGross") is None:
            problems.append(("postings.amountGross", NOT_NULL))
        check_references(tx, ctx, posting, problems)
        _check_row(posting, problems, f"postings[{index}]")
        if account is not None:
            _check_parties(posting, int(account.data["number"]), problems, f"postings[{index}]")
    if problems:
        raise invalid(problems)
    check_balanced([money(p["amountGross"]) for p in postings], "amountGross")
    lines: list[dict[str, Any]] = []
    for row, (posting, account) in enumerate(zip(postings, accounts, strict=True), start=1):
        assert account is not None
        lines += _split_lines(tx, ctx, posting, account, row)
    return lines


def check_balanced(amounts: list[float], field: str) -> None:
    """422 on `postings` naming the difference when the amounts do not sum to zero."""
    difference = money(sum(amounts))
    if difference:
        raise invalid([("postings", f"Bilaget balanserer ikke: summen av posteringene ({field}) er "
                                    f"{difference:.2f} NOK, men må være 0.")])


def check_open_period(tx: Tx, ctx: Ctx, date: str) -> None:
    """422 on `date` when the date falls in a closed accounting period."""
    where = ["json_extract(data, '$.start') <= ?", "json_extract(data, '$.end') > ?"]
    _, rows = tx.search(ctx.company_id, "AccountingPeriod", where, [date, date], [], 0, 1)
    if rows and rows[0].data.get("isClosed"):
        raise invalid([("date", f"Regnskapsperioden {rows[0].data.get('name', '')} er lukket: bilag kan ikke "
                                f"føres på {date}.")])


def _voucher_fields(tx: Tx, ctx: Ctx, body: Any, *, partial: bool) -> tuple[dict[str, Any], Any]:
    """The voucher's own fields of a body (checked) and its postings (None when absent)."""
    if not isinstance(body, dict):
        raise invalid([(None, "Forventet et Voucher-objekt.")], code=16000)
    problems = check("Voucher", body)
    if not partial:
        problems += [(f, NOT_NULL) for f in ("date", "postings") if body.get(f) in (None, "", [])]
    elif "postings" in body and not body["postings"]:
        problems.append(("postings", NOT_NULL))
    type_ref = body.get("voucherType")
    if isinstance(type_ref, dict) and type_ref.get("id") and tx.get(ctx.company_id, "VoucherType",
                                                                     type_ref["id"]) is None:
        problems.append(("voucherType.id", f"Objektet med id {type_ref['id']} finnes ikke."))
    if problems:
        raise invalid(problems)
    fields = {k: v for k, v in writable("Voucher", body).items() if k not in ("id", "version", "postings")}
    fields.pop("voucherType", None)  # kept only as a reference with an id; an empty one is no type
    if isinstance(type_ref, dict) and type_ref.get("id"):
        fields["voucherType"] = {"id": type_ref["id"]}
    return fields, body.get("postings")


def _sent(params: Mapping[str, str]) -> bool:
    return params.get("sendToLedger", "true").lower() != "false"


def _numbered(tx: Tx, ctx: Ctx, voucher: Row, send: bool) -> Row:
    """Give a voucher its number of the year when it is sent to the ledger, else a temporary number."""
    data = {**voucher.data, "year": int(voucher.data["date"][:4])}
    if send and not data.get("number"):
        data["number"] = next_voucher_number(tx, ctx, data["date"])
    elif not send and not data.get("number"):
        data.update(number=0, tempNumber=data.get("tempNumber") or tx.next_value(ctx.company_id, "voucherTemp"))
    return tx.replace(ctx.company_id, "Voucher", voucher, data, ctx.now)


def _drafted(voucher: Row, lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**line, DRAFT: True} if not voucher.data.get("number") else line for line in lines]


def _render(backend: Backend, tx: Tx, ctx: Ctx, voucher: Row) -> dict[str, Any]:
    return backend.engine.renderer(tx, ctx).render("Voucher", voucher.full(), None)


def create_voucher(backend: Backend, tx: Tx, ctx: Ctx, op: Operation, values: dict[str, str],
                   params: dict[str, str], body: Any) -> dict[str, Any]:
    """`POST /ledger/voucher`: a voucher with its gross postings (VAT split out), numbered when sent to ledger."""
    fields, postings = _voucher_fields(tx, ctx, body, partial=False)
    lines = posting_lines(tx, ctx, postings)
    check_open_period(tx, ctx, fields["date"])
    voucher = _numbered(tx, ctx, tx.insert(ctx.company_id, "Voucher", fields, ctx.now), _sent(params))
    return _render(backend, tx, ctx, add_postings(tx, ctx, voucher, _drafted(voucher, lines)))


def voucher_row(tx: Tx, ctx: Ctx, voucher_id: str | int) -> Row:
    """A stored voucher, or 404."""
    row = tx.get(ctx.company_id, "Voucher", int(voucher_id))
    if row is None:
        raise not_found("Bilaget")
    return row


def _check_changeable(tx: Tx, ctx: Ctx, voucher: Row, verb: str) -> None:
    invoices = tx.find(ctx.company_id, "Invoice", "voucher.id", voucher.id)
    if invoices:
        number = invoices[0].data.get("invoiceNumber")
        raise invalid([(None, f"Bilaget tilhører faktura {number} og kan ikke {verb}; krediter fakturaen.")])
    check_open_period(tx, ctx, voucher.data["date"])


def _postings_of(tx: Tx, ctx: Ctx, voucher: Row) -> list[Row]:
    rows = [tx.get(ctx.company_id, "Posting", ref["id"]) for ref in voucher.data.get("postings") or []]
    return [row for row in rows if row is not None]


def _restamp(tx: Tx, ctx: Ctx, voucher: Row) -> None:
    """Keep the existing postings in step with the voucher's date and ledger state."""
    for row in _postings_of(tx, ctx, voucher):
        data = {k: v for k, v in row.data.items() if k != DRAFT}
        data = _drafted(voucher, [{**data, "date": voucher.data["date"]}])[0]
        tx.replace(ctx.company_id, "Posting", row, data, ctx.now)


def update_voucher(backend: Backend, tx: Tx, ctx: Ctx, op: Operation, values: dict[str, str],
                   params: dict[str, str], body: Any) -> dict[str, Any]:
    """`PUT /ledger/voucher/{id}`: a partial update; postings in the body replace the voucher's postings."""
    voucher = voucher_row(tx, ctx, values["id"])
    version = body.get("version") if isinstance(body, dict) else None
    if isinstance(version, int) and not isinstance(version, bool) and version != voucher.version:
        raise stale(version, voucher.version)
    _check_changeable(tx, ctx, voucher, "endres")
    fields, postings = _voucher_fields(tx, ctx, body, partial=True)
    postings = user_postings(postings)  # the spec: postings with guiRow 0 are deleted and regenerated
    lines = posting_lines(tx, ctx, postings) if postings is not None else None
    check_open_period(tx, ctx, fields.get("date", voucher.data["date"]))
    voucher = tx.replace(ctx.company_id, "Voucher", voucher, {**voucher.data, **fields}, ctx.now)
    voucher = _numbered(tx, ctx, voucher, _sent(params))
    if lines is None:
        _restamp(tx, ctx, voucher)
        return _render(backend, tx, ctx, voucher)
    _drop_postings(tx, ctx, voucher)
    return _render(backend, tx, ctx, add_postings(tx, ctx, voucher, _drafted(voucher, lines)))


def _drop_postings(tx: Tx, ctx: Ctx, voucher: Row) -> None:
    for row in _postings_of(tx, ctx, voucher):
        tx.delete(ctx.company_id, "Posting", row.id)


def _reversed(row: Row) -> dict[str, Any]:
    skip = ("id", "voucher", "date", "description", "closeGroup", DRAFT)
    line = {k: v for k, v in row.data.items() if k not in skip}
    return {**line, **{k: -float(line[k]) for k in AMOUNTS if isinstance(line.get(k), int | float)}}


def reverse_voucher(backend: Backend, tx: Tx, ctx: Ctx, op: Operation, values: dict[str, str],
                    params: dict[str, str], body: Any) -> dict[str, Any]:
    """`PUT /ledger/voucher/{id}/:reverse`: a new voucher with every posting negated, linked both ways."""
    original = voucher_row(tx, ctx, values["id"])
    if original.data.get("reverseVoucher"):
        raise invalid([(None, "Bilaget er allerede reversert.")])
    check_open_period(tx, ctx, params["date"])
    number = original.data.get("number") or original.data.get("tempNumber")
    kind = original.data.get("voucherType")
    reversal = tx.insert(ctx.company_id, "Voucher", {
        "date": params["date"], "description": f"Reversering av bilag {number}", "reverseVoucher": {"id": original.id},
        **({"voucherType": kind} if isinstance(kind, dict) and kind.get("id") else {}),
    }, ctx.now)
    reversal = _numbered(tx, ctx, reversal, True)
    reversal = add_postings(tx, ctx, reversal, [_reversed(row) for row in _postings_of(tx, ctx, original)])
    tx.replace(ctx.company_id, "Voucher", original, {**original.data, "reverseVoucher": {"id": reversal.id}},
               ctx.now)
    return _render(backend, tx, ctx, reversal)


class VoucherRules(Rules):
    """A delete removes the voucher's postings; a voucher of an invoice or in a closed period stays."""

    def on_delete(self, tx: Tx, ctx: Ctx, row: Row) -> None:
        """Refuse invoice vouchers and closed periods; otherwise take the postings with the voucher."""
        _check_changeable(tx, ctx, row, "slettes")
        _drop_postings(tx, ctx, row)


class PostingRules(Rules):
    """Postings of vouchers not sent to the ledger are not in the ledger."""

    def filters(self, params: Mapping[str, str]) -> list[tuple[str, list[Any]]]:
        """Skip draft postings."""
        return [(f"json_extract(data, '$.{DRAFT}') IS NULL", [])]


class PaymentTypeOutRules(Rules):
    """Description and credit account required; the flags a new payment type gets."""

    required = ("description", "creditAccount")

    def on_create(self, tx: Tx, ctx: Ctx, data: dict[str, Any]) -> None:
        """Default the flags and the sequence; the credit account must exist."""
        super().on_create(tx, ctx, data)
        if find_account(tx, ctx, data["creditAccount"]) is None:
            raise invalid([("creditAccount.id", "Kontoen finnes ikke i kontoplanen.")])
        for flag in ("isInactive", "isBruttoWageDeduction", "requiresSeparateVoucher", "showWagePayment",
                     "showWagePeriodTransaction"):
            data.setdefault(flag, False)
        data.setdefault("showIncomingInvoice", True)
        data.setdefault("showVatReturns", True)
        data.setdefault("sequence", tx.next_value(ctx.company_id, "paymentTypeOutSequence", 10))
        data.setdefault("displayName", data["description"])


RULES: dict[str, Rules] = {
    "Voucher": VoucherRules(), "Posting": PostingRules(), "PaymentTypeOut": PaymentTypeOutRules(),
}
ACTIONS = {"voucher.create": create_voucher, "voucher.update": update_voucher, "voucher.reverse": reverse_voucher}


