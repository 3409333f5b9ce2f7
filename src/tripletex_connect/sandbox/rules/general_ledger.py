"""The general ledger (`GET /ledger`, hovedbok): per account, the balance before the date range, the sum of
the postings in it and the balance after it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ...catalog import Operation
from ..context import Ctx
from ..query import build_query, sort_fields
from ..render import Tree
from ..store import Row, Tx
from .money import money

if TYPE_CHECKING:
    from ..ports import Searcher

# Accounts below 3000 are the balance sheet (their balance carries over); from 3000 the income statement,
# whose balance starts again at zero every year.
FIRST_RESULT_ACCOUNT = 3000
EVER = "0001-01-01"
NOK = {"id": 1}


@dataclass
class _Totals:
    """Running sums of one account."""

    opening: float = 0.0
    opening_currency: float = 0.0
    amount: float = 0.0
    amount_currency: float = 0.0
    postings: list[int] = field(default_factory=list)


def ledger_search(
    engine: Searcher, tx: Tx, ctx: Ctx, op: Operation, params: Mapping[str, str], lists: Mapping[str, list[str]],
    tree: Tree,
) -> dict[str, Any]:
    """The list envelope of `GET /ledger`: one LedgerAccount per account with a balance or postings."""
    unsorted = {k: v for k, v in params.items() if k != "sorting"}
    period = build_query(op, "Posting", unsorted, lists)
    before = build_query(op, "Posting", {**unsorted, "dateFrom": EVER, "dateTo": params["dateFrom"]}, lists)
    totals: dict[int, _Totals] = {}
    numbers = _numbers(tx, ctx)
    year_start = params["dateFrom"].strip()[:4] + "-01-01"
    for row in _postings(tx, ctx, before.where, before.args):
        _add_opening(totals, numbers, row, year_start)
    for row in _postings(tx, ctx, period.where, period.args):
        _add_movement(totals, row)
    accounts = [_ledger_account(tx, ctx, account_id, t) for account_id, t in totals.items()
                if t.postings or t.opening or t.opening_currency]
    fields = sort_fields(op.response or "LedgerAccount", params.get("sorting", ""))
    ordered = _sorted(tx, ctx, accounts, numbers, fields)
    page = ordered[period.offset:period.offset + period.limit]
    render = engine.renderer(tx, ctx).render
    values = [render("LedgerAccount", obj, tree) for obj in page]
    return {"fullResultSize": len(ordered), "from": period.offset, "count": len(values),
            "versionDigest": _digest(ordered), "values": values}


def _postings(tx: Tx, ctx: Ctx, where: list[str], args: list[Any]) -> list[Row]:
    _, rows = tx.search(ctx.company_id, "Posting", where, args, [], 0, -1)
    return [row for row in rows if not row.data.get("_draft")]  # a draft voucher is not in the ledger


def _numbers(tx: Tx, ctx: Ctx) -> Callable[[int], int]:
    """Account id -> account number, each account read once."""
    cache: dict[int, int] = {}

    def number(account_id: int) -> int:
        if account_id not in cache:
            row = tx.get(ctx.company_id, "Account", account_id)
            cache[account_id] = int(row.data.get("number", 0)) if row else 0
        return cache[account_id]

    return number


def _account_id(row: Row) -> int | None:
    account = row.data.get("account")
    ref = account.get("id") if isinstance(account, dict) else None
    return ref if isinstance(ref, int) else None


def _add_opening(totals: dict[int, _Totals], numbers: Callable[[int], int], row: Row, year_start: str) -> None:
    account_id = _account_id(row)
    if account_id is None:
        return
    if numbers(account_id) >= FIRST_RESULT_ACCOUNT and str(row.data.get("date")) < year_start:
        return
    t = totals.setdefault(account_id, _Totals())
    t.opening += _amount(row)
    t.opening_currency += _amount(row, "amountCurrency")


def _add_movement(totals: dict[int, _Totals], row: Row) -> None:
    account_id = _account_id(row)
    if account_id is None:
        return
    t = totals.setdefault(account_id, _Totals())
    t.amount += _amount(row)
    t.amount_currency += _amount(row, "amountCurrency")
    t.postings.append(row.id)


def _amount(row: Row, name: str = "amount") -> float:
    value = row.data.get(name, row.data.get("amountGross", 0.0))
    return float(value) if isinstance(value, int | float) else 0.0


def _ledger_account(tx: Tx, ctx: Ctx, account_id: int, t: _Totals) -> dict[str, Any]:
    account = tx.get(ctx.company_id, "Account", account_id)
    currency = account.data.get("currency") if account else None
    closing_currency = money(t.opening_currency + t.amount_currency)
    return {
        "account": {"id": account_id}, "currency": currency or NOK,
        "openingBalance": money(t.opening), "openingBalanceCurrency": money(t.opening_currency),
        "sumAmount": money(t.amount), "sumAmountCurrency": money(t.amount_currency),
        "closingBalance": money(t.opening + t.amount), "closingBalanceCurrency": closing_currency,
        "balanceOutInAccountCurrency": closing_currency, "postings": [{"id": i} for i in t.postings],
    }


def _sorted(
    tx: Tx, ctx: Ctx, accounts: list[dict[str, Any]], numbers: Callable[[int], int], sorting: list[str]
) -> list[dict[str, Any]]:
    """By account number, then by each `sorting` field (`-` descending; `account.name` reaches the account)."""
    out = sorted(accounts, key=lambda a: numbers(a["account"]["id"]))
    for part in reversed(sorting):
        name = part.lstrip("-")
        out.sort(key=lambda a: _sort_key(tx, ctx, a, name), reverse=part.startswith("-"))
    return out


def _sort_key(tx: Tx, ctx: Ctx, obj: dict[str, Any], dotted: str) -> tuple[bool, str, float]:
    value: Any = obj
    for name in dotted.split("."):
        if isinstance(value, dict) and set(value) == {"id"} and name != "id":
            value = _resolved(tx, ctx, obj, dotted, value)
        value = value.get(name) if isinstance(value, dict) else None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (False, "", float(value))
    return (value is None, "" if value is None else str(value), 0.0)


def _resolved(tx: Tx, ctx: Ctx, obj: dict[str, Any], dotted: str, ref: dict[str, Any]) -> dict[str, Any]:
    model = {"account": "Account", "currency": "Currency"}.get(dotted.split(".")[0])
    row = tx.get(ctx.company_id, model, ref["id"]) if model else None
    return row.full() if row else ref


def _digest(values: Iterable[dict[str, Any]]) -> str | None:
    text = json.dumps(list(values), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:32] if text != "[]" else None
