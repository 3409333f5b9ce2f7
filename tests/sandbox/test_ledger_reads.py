"""The ledger's read-only modules through the SDK against the sandbox fixture: voucher types, accounting
periods, annual accounts, close groups (made when an invoice is paid) and the general ledger per account."""

from __future__ import annotations

import datetime as dt

import pytest

from tripletex_connect import APIError, Tripletex
from tripletex_connect.sandbox import SandboxCompany
from tripletex_connect.sandbox.tenancy import OSLO

from .test_sales_modules import make_refs


def this_year() -> int:
    return dt.datetime.now(OSLO).year


def paid_invoice(tx: Tripletex, paid: float | None = None) -> int:
    """Invoice an order (100 + 25 % VAT) on 2026-11-21 and pay it on 2026-11-25 (in full unless `paid`)."""
    refs = make_refs(tx)
    invoice = tx.invoices.get(refs.invoice)
    tx.invoices.payment(invoice.id, payment_date="2026-11-25", payment_type_id=1,
                        paid_amount=invoice.amount if paid is None else paid)
    return invoice.id


def test_voucher_types_include_the_standard_ones_and_search_by_name_contains(
    tripletex_sandbox: SandboxCompany,
) -> None:
    tx = tripletex_sandbox.client
    names = {t.name for t in tx.voucher_types.search()}
    assert {"Utgående faktura", "Leverandørfaktura", "Innbetaling", "Manuelt bilag"} <= names
    found = tx.voucher_types.search(name="faktura").to_list()
    assert {t.name for t in found} == {"Utgående faktura", "Leverandørfaktura"}
    assert tx.voucher_types.get(found[0].id).name == found[0].name


def test_the_accounting_periods_of_the_current_year_are_its_twelve_months(tripletex_sandbox: SandboxCompany) -> None:
    tx = tripletex_sandbox.client
    year = this_year()
    periods = tx.accounting_periods.search(start_from=f"{year}-01-01", start_to=f"{year + 1}-01-01").to_list()
    assert [p.number for p in periods] == list(range(1, 13))
    assert (periods[0].start, periods[-1].end) == (f"{year}-01-01", f"{year + 1}-01-01")
    assert not any(p.is_closed for p in periods)
    assert tx.accounting_periods.get(periods[5].id).name == f"Juni {year}"
    spring = tx.accounting_periods.search(number_from=3, number_to=6, end_to=f"{year + 1}-01-01").to_list()
    assert sorted({p.number for p in spring}) == [3, 4, 5]
    assert len(spring) == 6  # March-May of the previous and the current year


def test_annual_accounts_cover_the_previous_current_and_next_year(tripletex_sandbox: SandboxCompany) -> None:
    tx = tripletex_sandbox.client
    year = this_year()
    assert [a.year for a in tx.annual_accounts.search(sorting="year")] == [year - 1, year, year + 1]
    current = tx.annual_accounts.search(year_from=year, year_to=year + 1).to_list()
    assert [(a.year, a.start) for a in current] == [(year, f"{year}-01-01")]
    assert tx.annual_accounts.get(current[0].id).end == f"{year + 1}-01-01"


def test_paying_an_invoice_in_full_closes_its_receivable_postings_in_a_close_group(
    tripletex_sandbox: SandboxCompany,
) -> None:
    tx = tripletex_sandbox.client
    paid_invoice(tx)
    groups = tx.close_groups.search(date_from="2026-11-01", date_to="2026-12-01").to_list()
    assert len(groups) == 1 and groups[0].date == "2026-11-25"
    group = tx.close_groups.get(groups[0].id, fields="*,postings(amountGross,account(number),closeGroup)")
    assert [(p.account.number, p.amount_gross) for p in group.postings] == [(1500, 125.0), (1500, -125.0)]
    assert {p.close_group.id for p in group.postings} == {group.id}
    assert tx.close_groups.search(date_from="2026-12-01", date_to="2027-01-01").to_list() == []


def test_a_partial_payment_closes_nothing(tripletex_sandbox: SandboxCompany) -> None:
    tx = tripletex_sandbox.client
    paid_invoice(tx, paid=100.0)
    assert tx.close_groups.search(date_from="2026-01-01", date_to="2027-01-01").to_list() == []


def test_close_group_search_needs_its_date_range(tripletex_sandbox: SandboxCompany) -> None:
    tx = tripletex_sandbox.client
    with pytest.raises(APIError) as caught:
        tx.request("GET", "/ledger/closeGroup", params={"dateFrom": "2026-01-01"})
    assert caught.value.status == 422


def test_the_general_ledger_sums_the_postings_of_each_account_in_the_date_range(
    tripletex_sandbox: SandboxCompany,
) -> None:
    tx = tripletex_sandbox.client
    paid_invoice(tx)
    rows = tx.ledgers.search(date_from="2026-11-01", date_to="2026-12-01", fields="*,account(number)").to_list()
    sums = {r.account.number: (r.opening_balance, r.sum_amount, r.closing_balance, len(r.postings)) for r in rows}
    assert sums == {1500: (0.0, 0.0, 0.0, 2), 1920: (0.0, 125.0, 125.0, 1), 2700: (0.0, -25.0, -25.0, 1),
                    3000: (0.0, -100.0, -100.0, 1)}
    assert sum(r.sum_amount for r in rows) == 0.0


def test_the_general_ledger_carries_balances_of_balance_accounts_but_not_last_years_results(
    tripletex_sandbox: SandboxCompany,
) -> None:
    tx = tripletex_sandbox.client
    paid_invoice(tx)
    december = tx.ledgers.search(date_from="2026-12-01", date_to="2027-01-01", fields="account(number),openingBalance,"
                                 "sumAmount,closingBalance,postings").to_list()
    assert {r.account.number: (r.opening_balance, r.sum_amount, r.closing_balance, r.postings) for r in december} == {
        1920: (125.0, 0.0, 125.0, []), 2700: (-25.0, 0.0, -25.0, []), 3000: (-100.0, 0.0, -100.0, [])}
    next_year = tx.ledgers.search(date_from="2027-02-01", date_to="2027-03-01", fields="account(number)").to_list()
    assert [r.account.number for r in next_year] == [1920, 2700]  # sales (3000) start the new year at zero


def test_the_general_ledger_filters_sorts_and_pages(tripletex_sandbox: SandboxCompany) -> None:
    tx = tripletex_sandbox.client
    paid_invoice(tx)
    bank = tx.ledger_accounts.search(number=[1920]).first()
    assert bank is not None
    only_bank = tx.ledgers.search(date_from="2026-11-01", date_to="2026-12-01", account_id=bank.id).to_list()
    assert [r.account.id for r in only_bank] == [bank.id]
    by_sum = tx.ledgers.search(date_from="2026-11-01", date_to="2026-12-01", sorting="-sumAmount",
                               fields="account(number)", page_size=1).to_list()
    assert [r.account.number for r in by_sum] == [1920, 1500, 2700, 3000]
    with pytest.raises(APIError) as caught:
        tx.request("GET", "/ledger", params={"dateFrom": "2026-11-01"})
    assert caught.value.status == 422


async def test_the_ledger_reads_through_the_async_sdk(tripletex_sandbox: SandboxCompany) -> None:
    paid_invoice(tripletex_sandbox.client)
    atx = tripletex_sandbox.async_client()
    try:
        rows = [r async for r in atx.ledgers.search(date_from="2026-11-01", date_to="2026-12-01")]
        groups = [g async for g in atx.close_groups.search(date_from="2026-11-01", date_to="2026-12-01")]
        period = await atx.accounting_periods.get(13)
        types = [t.name async for t in atx.voucher_types.search(name="lønn")]
    finally:
        await atx.aclose()
    assert len(rows) == 4 and len(groups) == 1
    assert period.name == f"Januar {this_year()}"
    assert types == ["Lønnsbilag"]


def test_the_general_ledger_refuses_sorting_by_a_field_it_lacks(tripletex_sandbox: SandboxCompany) -> None:
    with pytest.raises(APIError) as refused:
        ledgers = tripletex_sandbox.client.ledgers
        ledgers.search(date_from="2026-01-01", date_to="2027-01-01", sorting="nosuch").to_list()
    assert (refused.value.status, refused.value.code) == (422, 17000)
