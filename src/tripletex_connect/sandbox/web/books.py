"""What the books page shows, read straight from the store: one company's customers, products, orders,
invoices, vouchers with their postings, hours and trial balance, as plain rows for the templates."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..store import Row, Tx


def rows(tx: Tx, company_id: int, type: str) -> list[Row]:
    """Every stored object of a type, by id."""
    _, found = tx.search(company_id, type, [], [], [], 0, -1)
    return found


def companies(tx: Tx) -> list[dict[str, Any]]:
    """The sandbox's companies: id, name and organisation number."""
    out = []
    for (company_id,) in tx.conn.execute("SELECT id FROM companies ORDER BY id").fetchall():
        company = tx.get(company_id, "Company", company_id)
        data = company.data if company else {}
        out.append({"id": company_id, "name": data.get("name") or f"Company {company_id}",
                    "organizationNumber": data.get("organizationNumber", "")})
    return out


def company_name(tx: Tx, company_id: int) -> str | None:
    """The company's name, or None when there is no such company."""
    found = tx.conn.execute("SELECT 1 FROM companies WHERE id = ?", (company_id,)).fetchone()
    if found is None:
        return None
    company = tx.get(company_id, "Company", company_id)
    return str(company.data.get("name")) if company and company.data.get("name") else f"Company {company_id}"


class Names:
    """Looks up the display names of referenced objects, each type read once."""

    def __init__(self, tx: Tx, company_id: int) -> None:
        self.tx, self.company_id = tx, company_id
        self._cache: dict[str, dict[int, Row]] = {}

    def row(self, type: str, ref: Any) -> Row | None:
        """The referenced object (`{"id": 3}`), if it exists."""
        if type not in self._cache:
            self._cache[type] = {r.id: r for r in rows(self.tx, self.company_id, type)}
        ref_id = ref.get("id") if isinstance(ref, dict) else None
        return self._cache[type].get(ref_id) if isinstance(ref_id, int) else None

    def name(self, type: str, ref: Any) -> str:
        """The name of a referenced object ("" when none)."""
        found = self.row(type, ref)
        if found is None:
            return ""
        data = found.data
        if "firstName" in data or "lastName" in data:
            return " ".join(str(data[k]) for k in ("firstName", "lastName") if data.get(k))
        return str(data.get("name") or data.get("description") or "")

    def account(self, ref: Any) -> tuple[int | None, str]:
        """(number, name) of a referenced ledger account."""
        found = self.row("Account", ref)
        return (found.data.get("number"), str(found.data.get("name", ""))) if found else (None, "")


def customers(tx: Tx, company_id: int) -> list[dict[str, Any]]:
    """Customers by customer number."""
    out = [{"number": r.data.get("customerNumber"), "name": r.data.get("name", ""), "email": r.data.get("email", ""),
            "organizationNumber": r.data.get("organizationNumber", ""), "inactive": bool(r.data.get("isInactive"))}
           for r in rows(tx, company_id, "Customer")]
    return sorted(out, key=lambda c: (c["number"] is None, c["number"] or 0))


def products(tx: Tx, company_id: int) -> list[dict[str, Any]]:
    """Products with their prices."""
    return [{"number": r.data.get("number", ""), "name": r.data.get("name", ""),
             "price": r.data.get("priceExcludingVatCurrency", 0.0),
             "priceWithVat": r.data.get("priceIncludingVatCurrency", 0.0),
             "inactive": bool(r.data.get("isInactive"))}
            for r in rows(tx, company_id, "Product")]


def orders(tx: Tx, company_id: int) -> list[dict[str, Any]]:
    """Orders with their customer, lines and total excluding VAT."""
    names = Names(tx, company_id)
    lines: dict[int, list[Row]] = {}
    for line in rows(tx, company_id, "OrderLine"):
        lines.setdefault((line.data.get("order") or {}).get("id", 0), []).append(line)
    out = []
    for r in rows(tx, company_id, "Order"):
        mine = lines.get(r.id, [])
        out.append({"id": r.id, "number": r.data.get("number", ""), "date": r.data.get("orderDate", ""),
                    "customer": names.name("Customer", r.data.get("customer")),
                    "lines": [_line(names, ln) for ln in mine],
                    "total": sum(float(ln.data.get("amountExcludingVatCurrency") or 0) for ln in mine),
                    "closed": bool(r.data.get("isClosed"))})
    return out


def _line(names: Names, line: Row) -> dict[str, Any]:
    data = line.data
    return {"description": data.get("description") or names.name("Product", data.get("product")),
            "count": data.get("count", 0), "amount": data.get("amountExcludingVatCurrency", 0.0)}


def invoices(tx: Tx, company_id: int) -> list[dict[str, Any]]:
    """Invoices with customer, amounts and what is still owed."""
    names = Names(tx, company_id)
    return [{"id": r.id, "number": r.data.get("invoiceNumber"), "date": r.data.get("invoiceDate", ""),
             "due": r.data.get("invoiceDueDate", ""), "customer": names.name("Customer", r.data.get("customer")),
             "amount": r.data.get("amount", 0.0), "outstanding": r.data.get("amountOutstanding", 0.0),
             "credit": r.data.get("isCreditNote", False)}
            for r in rows(tx, company_id, "Invoice")]


@dataclass
class Voucher:
    """A voucher and its postings, for the page."""

    id: int
    number: Any
    date: str
    description: str
    type: str
    draft: bool
    postings: list[dict[str, Any]] = field(default_factory=list)


def vouchers(tx: Tx, company_id: int) -> list[Voucher]:
    """Vouchers, newest first, each with its postings (account, amounts, customer or supplier)."""
    names = Names(tx, company_id)
    by_voucher: dict[int, list[Row]] = {}
    for posting in rows(tx, company_id, "Posting"):
        by_voucher.setdefault((posting.data.get("voucher") or {}).get("id", 0), []).append(posting)
    out = []
    for r in rows(tx, company_id, "Voucher"):
        voucher = Voucher(r.id, r.data.get("number"), str(r.data.get("date", "")), str(r.data.get("description", "")),
                          names.name("VoucherType", r.data.get("voucherType")), bool(r.data.get("_draft")))
        for p in sorted(by_voucher.get(r.id, []), key=lambda p: (p.data.get("row") or 0, p.id)):
            number, account = names.account(p.data.get("account"))
            party = names.name("Customer", p.data.get("customer")) or names.name("Supplier", p.data.get("supplier"))
            voucher.postings.append({"row": p.data.get("row"), "account": number, "accountName": account,
                                     "description": p.data.get("description", ""), "party": party,
                                     "amount": _amount(p), "amountGross": p.data.get("amountGross", _amount(p))})
        out.append(voucher)
    return sorted(out, key=lambda v: (v.date, v.id), reverse=True)


def hours(tx: Tx, company_id: int) -> list[dict[str, Any]]:
    """Timesheet entries, newest first."""
    names = Names(tx, company_id)
    out = [{"date": r.data.get("date", ""), "employee": names.name("Employee", r.data.get("employee")),
            "project": names.name("Project", r.data.get("project")),
            "activity": names.name("Activity", r.data.get("activity")), "hours": r.data.get("hours", 0.0),
            "comment": r.data.get("comment", ""), "locked": bool(r.data.get("locked"))}
           for r in rows(tx, company_id, "TimesheetEntry")]
    return sorted(out, key=lambda h: h["date"], reverse=True)


def _amount(posting: Row) -> float:
    value = posting.data.get("amount", posting.data.get("amountGross", 0.0))
    return float(value) if isinstance(value, int | float) else 0.0


def trial_balance(tx: Tx, company_id: int) -> dict[str, Any]:
    """Per account with postings: debit, credit and balance (drafts left out); the totals balance to zero."""
    names = Names(tx, company_id)
    totals: dict[int, dict[str, Any]] = {}
    for p in rows(tx, company_id, "Posting"):
        if p.data.get("_draft"):
            continue
        number, name = names.account(p.data.get("account"))
        if number is None:
            continue
        line = totals.setdefault(number, {"number": number, "name": name, "debit": 0.0, "credit": 0.0})
        amount = _amount(p)
        line["debit" if amount >= 0 else "credit"] += abs(amount)
    lines = [{**t, "balance": round(t["debit"] - t["credit"], 2)} for _, t in sorted(totals.items())]
    debit, credit = (round(sum(t[k] for t in lines), 2) for k in ("debit", "credit"))
    return {"lines": lines, "debit": debit, "credit": credit, "balance": round(debit - credit, 2)}


SECTIONS: dict[str, tuple[str, Callable[[Tx, int], Any]]] = {
    "customers": ("Customers", customers),
    "products": ("Products", products),
    "orders": ("Orders", orders),
    "invoices": ("Invoices", invoices),
    "vouchers": ("Vouchers", vouchers),
    "hours": ("Hours", hours),
    "trial-balance": ("Trial balance", trial_balance),
}
