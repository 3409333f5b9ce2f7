"""The ledger's own modules (vouchers, payment types out, historical vouchers) through the SDK, sync and async,
against the sandbox fixture, and the bookkeeping rules of vouchers as the real API applies them."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from tripletex_connect import (
    AsyncTripletex,
    BatchError,
    ConflictError,
    NotFoundError,
    ParameterError,
    Tripletex,
    ValidationError,
)
from tripletex_connect.sandbox import SandboxCompany

YEAR = "2026"
PERIOD = {"date_from": f"{YEAR}-01-01", "date_to": f"{int(YEAR) + 1}-01-01"}
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def account(tx: Tripletex, number: int) -> int:
    """The id of a ledger account by number."""
    found = tx.ledger_accounts.search(number=[number]).first()
    assert found is not None
    return found.id


def vat(tx: Tripletex, number: str) -> int:
    """The id of a VAT type by number."""
    found = tx.vat_types.search(number=[number]).first()
    assert found is not None
    return found.id


def rent(tx: Tripletex, amount: float = 10000.0, date: str = f"{YEAR}-03-01") -> dict[str, Any]:
    """Rent paid from the bank: a balanced voucher without VAT."""
    return {"date": date, "description": "Husleie mars", "postings": [
        {"account": {"id": account(tx, 6300)}, "amountGross": amount},
        {"account": {"id": account(tx, 1920)}, "amountGross": -amount},
    ]}


def historical(tx: Tripletex) -> dict[str, Any]:
    """A historical voucher of a closed year, amounts as given."""
    return {"date": "2024-06-30", "description": "Import fra gammelt system", "postings": [
        {"date": "2024-06-30", "account": {"id": account(tx, 6300)}, "amount": 500.0},
        {"date": "2024-06-30", "account": {"id": account(tx, 1920)}, "amount": -500.0},
    ]}


def fields_of(error: ValidationError) -> dict[str | None, str]:
    """Validation messages by field."""
    return {m.field: m.message for m in error.validation_messages}


# ---- every module, sync and async -------------------------------------------------------------------------------


def test_every_voucher_module_through_the_sync_sdk(tx: Tripletex) -> None:
    made = tx.vouchers.create(rent(tx))
    assert tx.vouchers.get(made.id).description == "Husleie mars"
    assert tx.vouchers.update(made.id, {"description": "Husleie april"}).description == "Husleie april"
    assert made.id in [v.id for v in tx.vouchers.search(**PERIOD, number=[made.number])]
    reversal = tx.vouchers.reverse(made.id, date=f"{YEAR}-03-31")
    assert reversal.reverse_voucher.id == made.id  # type: ignore[union-attr]
    tx.vouchers.delete(reversal.id)
    with pytest.raises(NotFoundError):
        tx.vouchers.get(reversal.id)


async def test_every_voucher_module_through_the_async_sdk(tripletex_sandbox: SandboxCompany) -> None:
    body = rent(tripletex_sandbox.client)
    atx: AsyncTripletex = tripletex_sandbox.async_client()
    try:
        made = await atx.vouchers.create(body)
        assert (await atx.vouchers.get(made.id)).id == made.id
        assert (await atx.vouchers.update(made.id, {"description": "Endret"})).description == "Endret"
        assert made.id in [v.id async for v in atx.vouchers.search(**PERIOD)]
        assert (await atx.vouchers.reverse(made.id, date=f"{YEAR}-03-31")).id != made.id
        await atx.vouchers.delete(made.id)
        with pytest.raises(NotFoundError):
            await atx.vouchers.get(made.id)
    finally:
        await atx.aclose()


def test_every_payment_type_out_module_through_the_sync_sdk(tx: Tripletex) -> None:
    made = tx.payment_types_out.create({"description": "Bedriftskort", "creditAccount": {"id": account(tx, 1930)}})
    assert tx.payment_types_out.get(made.id).credit_account.id == account(tx, 1930)  # type: ignore[union-attr]
    assert tx.payment_types_out.update(made.id, {"isInactive": True}).is_inactive is True
    assert [p.id for p in tx.payment_types_out.search(description="kort", is_inactive=True)] == [made.id]
    tx.payment_types_out.delete(made.id)
    with pytest.raises(NotFoundError):
        tx.payment_types_out.get(made.id)


async def test_every_payment_type_out_module_through_the_async_sdk(tripletex_sandbox: SandboxCompany) -> None:
    bank = account(tripletex_sandbox.client, 1920)
    atx = tripletex_sandbox.async_client()
    try:
        made = await atx.payment_types_out.create({"description": "Autogiro", "creditAccount": {"id": bank}})
        assert (await atx.payment_types_out.get(made.id)).description == "Autogiro"
        assert (await atx.payment_types_out.update(made.id, {"description": "AvtaleGiro"})).description == "AvtaleGiro"
        assert made.id in [p.id async for p in atx.payment_types_out.search(description="giro")]
        await atx.payment_types_out.delete(made.id)
        with pytest.raises(NotFoundError):
            await atx.payment_types_out.get(made.id)
    finally:
        await atx.aclose()


def test_historical_vouchers_are_created_then_given_their_scan_through_the_sync_sdk(tx: Tripletex) -> None:
    [made] = tx.historical_vouchers.create([historical(tx)], comment="Gammelt system 1.0")
    assert made.number == 1 and made.year == 2024
    assert tx.historical_vouchers.upload(made.id, file=PDF).id == made.id
    attachment = tx.vouchers.get(made.id, fields="attachment(*)").attachment
    assert attachment is not None
    assert (attachment.file_name, attachment.size, attachment.mime_type) == ("upload.pdf", len(PDF), "application/pdf")


async def test_historical_vouchers_are_created_then_given_their_scan_through_the_async_sdk(
    tripletex_sandbox: SandboxCompany,
) -> None:
    body = historical(tripletex_sandbox.client)
    atx = tripletex_sandbox.async_client()
    try:
        [made] = await atx.historical_vouchers.create([body])
        assert (await atx.historical_vouchers.upload(made.id, file=io.BytesIO(PNG))).id == made.id
    finally:
        await atx.aclose()


# ---- the voucher rules -------------------------------------------------------------------------------------------


def test_a_voucher_without_postings_is_refused_on_postings_with_kan_ikke_vaere_null(tx: Tripletex) -> None:
    with pytest.raises(ValidationError) as refused:
        tx.vouchers.create({"date": f"{YEAR}-03-01", "description": "Tomt"})
    assert fields_of(refused.value) == {"postings": "Kan ikke være null."}


def test_postings_that_do_not_sum_to_zero_are_refused_naming_the_difference(tx: Tripletex) -> None:
    body = rent(tx)
    body["postings"][1]["amountGross"] = -9900.0
    with pytest.raises(ValidationError) as refused:
        tx.vouchers.create(body)
    assert "100.00 NOK" in fields_of(refused.value)["postings"]


def test_outgoing_vat_on_a_gross_posting_is_split_out_to_2700_and_shown_in_the_ledger(tx: Tripletex) -> None:
    made = tx.vouchers.create({"date": f"{YEAR}-04-02", "description": "Kontantsalg", "postings": [
        {"account": {"number": 1900}, "amountGross": 1250.0},
        {"account": {"number": 3000}, "amountGross": -1250.0, "vatType": {"id": vat(tx, "3")}},
    ]})
    postings = {(p.account.id, p.amount) for p in tx.postings.search(**PERIOD)  # type: ignore[union-attr]
                if p.voucher.id == made.id}  # type: ignore[union-attr]
    assert postings == {(account(tx, 1900), 1250.0), (account(tx, 3000), -1000.0), (account(tx, 2700), -250.0)}
    ledger = {a.account.id: a.sum_amount for a in tx.ledgers.search(**PERIOD)}  # type: ignore[union-attr]
    assert ledger[account(tx, 2700)] == -250.0 and ledger[account(tx, 3000)] == -1000.0


def test_incoming_vat_is_split_out_to_2710_keeping_the_gross_amount_on_the_expense(tx: Tripletex) -> None:
    made = tx.vouchers.create({"date": f"{YEAR}-04-03", "description": "Kontorrekvisita", "postings": [
        {"account": {"number": 6800}, "amountGross": 500.0, "vatType": {"id": vat(tx, "1")}},
        {"account": {"number": 1920}, "amountGross": -500.0},
    ]})
    stored = [tx.postings.get(p.id) for p in made.postings or []]
    expense = next(p for p in stored if p.account.id == account(tx, 6800))  # type: ignore[union-attr]
    vat_line = next(p for p in stored if p.account.id == account(tx, 2710))  # type: ignore[union-attr]
    assert (expense.amount, expense.amount_gross, vat_line.amount, vat_line.row) == (400.0, 500.0, 100.0, 0)


def test_a_customer_is_only_accepted_on_receivable_accounts(tx: Tripletex) -> None:
    customer = tx.customers.create({"name": "Kunde AS"}).id
    with pytest.raises(ValidationError) as refused:
        tx.vouchers.create({"date": f"{YEAR}-05-01", "postings": [
            {"account": {"number": 1920}, "amountGross": 100.0, "customer": {"id": customer}},
            {"account": {"number": 3000}, "amountGross": -100.0},
        ]})
    assert "1500-1599" in fields_of(refused.value)["postings.customer.id"]
    tx.vouchers.create({"date": f"{YEAR}-05-01", "postings": [
        {"account": {"number": 1500}, "amountGross": 100.0, "customer": {"id": customer}},
        {"account": {"number": 3100}, "amountGross": -100.0},
    ]})


def test_a_supplier_is_only_accepted_on_supplier_debt_or_expense_accounts(tx: Tripletex) -> None:
    supplier = tx.suppliers.create({"name": "Leverandør AS"}).id
    with pytest.raises(ValidationError) as refused:
        tx.vouchers.create({"date": f"{YEAR}-05-02", "postings": [
            {"account": {"number": 1920}, "amountGross": -100.0, "supplier": {"id": supplier}},
            {"account": {"number": 6800}, "amountGross": 100.0},
        ]})
    assert "2400" in fields_of(refused.value)["postings.supplier.id"]
    tx.vouchers.create({"date": f"{YEAR}-05-02", "postings": [
        {"account": {"number": 2400}, "amountGross": -100.0, "supplier": {"id": supplier}},
        {"account": {"number": 6800}, "amountGross": 100.0, "supplier": {"id": supplier}},
    ]})


def test_accounts_must_exist_and_be_active(tx: Tripletex) -> None:
    tx.ledger_accounts.update(account(tx, 1930), {"isInactive": True})
    with pytest.raises(ValidationError) as refused:
        tx.vouchers.create({"date": f"{YEAR}-05-03", "postings": [
            {"account": {"number": 1930}, "amountGross": 10.0}, {"account": {"number": 9999}, "amountGross": -10.0},
        ]})
    messages = [(m.field, m.message) for m in refused.value.validation_messages]
    assert ("postings.account.id", "Kontoen 1930 er inaktiv.") in messages
    assert ("postings.account.id", "Kontoen finnes ikke i kontoplanen.") in messages


def test_voucher_numbers_run_in_sequence_per_year_once_sent_to_the_ledger(tx: Tripletex) -> None:
    first, second = tx.vouchers.create(rent(tx)), tx.vouchers.create(rent(tx))
    draft = tx.vouchers.create(rent(tx), send_to_ledger=False)
    next_year = tx.vouchers.create(rent(tx, date="2027-01-05"))
    assert second.number == first.number + 1 and draft.number == 0 and draft.temp_number  # type: ignore[operator]
    assert (next_year.number, next_year.year) == (1, 2027)
    assert tx.vouchers.update(draft.id, {}).number == second.number + 1  # type: ignore[operator]


def test_a_draft_voucher_is_not_in_the_ledger_until_it_is_sent(tx: Tripletex) -> None:
    draft = tx.vouchers.create(rent(tx, amount=777.0), send_to_ledger=False)
    assert 777.0 not in [p.amount for p in tx.postings.search(**PERIOD)]
    tx.vouchers.update(draft.id, {}, send_to_ledger=True)
    assert 777.0 in [p.amount for p in tx.postings.search(**PERIOD)]


def test_a_voucher_dated_in_a_closed_period_is_refused_on_date(tx: Tripletex) -> None:
    with pytest.raises(ValidationError) as refused:
        tx.vouchers.create(rent(tx, date="2025-12-31"))
    assert "lukket" in fields_of(refused.value)["date"]


def test_deleting_a_voucher_removes_its_postings_from_the_ledger(tx: Tripletex) -> None:
    made = tx.vouchers.create(rent(tx, amount=4321.0))
    tx.vouchers.delete(made.id)
    assert 4321.0 not in [p.amount for p in tx.postings.search(**PERIOD)]
    assert account(tx, 6300) not in [a.account.id for a in tx.ledgers.search(**PERIOD)]  # type: ignore[union-attr]


def test_the_voucher_of_an_invoice_cannot_be_deleted(tx: Tripletex) -> None:
    from tests.sandbox.test_sales_modules import make_refs

    invoice = tx.invoices.get(make_refs(tx).invoice)
    with pytest.raises(ValidationError) as refused:
        tx.vouchers.delete(invoice.voucher.id)  # type: ignore[union-attr]
    assert "krediter fakturaen" in refused.value.validation_messages[0].message


def test_an_update_with_postings_replaces_them(tx: Tripletex) -> None:
    made = tx.vouchers.create(rent(tx))
    updated = tx.vouchers.update(made.id, rent(tx, amount=12000.0))
    amounts = sorted(tx.postings.get(p.id).amount for p in updated.postings or [])  # type: ignore[type-var]
    assert amounts == [-12000.0, 12000.0]
    assert not {p.id for p in made.postings or []} & {p.id for p in tx.postings.search(**PERIOD)}


def test_an_update_with_a_stale_version_is_refused_with_8000(tx: Tripletex) -> None:
    made = tx.vouchers.create(rent(tx))
    tx.vouchers.update(made.id, {"description": "Først"})
    with pytest.raises(ConflictError) as refused:
        tx.vouchers.update(made.id, {"version": made.version, "description": "Sist"})
    assert refused.value.code == 8000


def test_reversing_negates_every_posting_and_only_once(tx: Tripletex) -> None:
    made = tx.vouchers.create(rent(tx, amount=300.0))
    reversal = tx.vouchers.reverse(made.id, date=f"{YEAR}-03-15")
    assert sorted(tx.postings.get(p.id).amount for p in reversal.postings or []) == [-300.0, 300.0]  # type: ignore
    assert tx.vouchers.get(made.id).reverse_voucher.id == reversal.id  # type: ignore[union-attr]
    with pytest.raises(ValidationError):
        tx.vouchers.reverse(made.id, date=f"{YEAR}-03-16")


def test_a_reversal_keeps_the_voucher_type_and_a_voucher_without_one_has_none(tx: Tripletex) -> None:
    typed = tx.voucher_types.search().first()
    assert typed is not None
    with_type = tx.vouchers.create({**rent(tx), "voucherType": {"id": typed.id}})
    assert tx.vouchers.reverse(with_type.id, date=f"{YEAR}-03-15").voucher_type.id == typed.id  # type: ignore
    untyped = tx.vouchers.create(rent(tx, amount=200.0))
    assert tx.vouchers.get(untyped.id).voucher_type is None
    assert tx.vouchers.reverse(untyped.id, date=f"{YEAR}-03-15").voucher_type is None


def test_a_historical_voucher_and_its_postings_point_to_the_voucher_and_posting_urls(tx: Tripletex) -> None:
    [made] = tx.historical_vouchers.create([historical(tx)])
    assert made.url is not None and made.url.endswith(f"/ledger/voucher/{made.id}")
    assert all(p.url is not None and "/ledger/posting/" in p.url for p in made.postings or [])


# ---- payment types out -------------------------------------------------------------------------------------------


def test_a_new_company_pays_out_through_nettbank_on_1920(tx: Tripletex) -> None:
    nettbank = tx.payment_types_out.search(description="nettbank").first()
    assert nettbank is not None and nettbank.credit_account.id == account(tx, 1920)  # type: ignore[union-attr]


def test_a_payment_type_out_needs_a_description_and_an_existing_credit_account(tx: Tripletex) -> None:
    with pytest.raises(ValidationError) as refused:
        tx.payment_types_out.create({"showVatReturns": True})
    assert set(fields_of(refused.value)) == {"description", "creditAccount"}
    with pytest.raises(ValidationError):
        tx.payment_types_out.create({"description": "X", "creditAccount": {"id": 999999}})


# ---- historical vouchers -----------------------------------------------------------------------------------------


def test_the_sdk_uploads_a_path_bytes_or_a_binary_file_and_appends_them(tx: Tripletex, tmp_path: Path) -> None:
    [made] = tx.historical_vouchers.create([historical(tx)])
    scan = tmp_path / "kvittering.pdf"
    scan.write_bytes(PDF)
    tx.historical_vouchers.upload(made.id, file=scan)
    attachment = tx.vouchers.get(made.id, fields="attachment(*)").attachment
    assert attachment is not None and attachment.file_name == "kvittering.pdf"
    tx.historical_vouchers.upload(made.id, file=PNG)
    with scan.open("rb") as handle:
        tx.historical_vouchers.upload(made.id, file=handle)
    attachment = tx.vouchers.get(made.id, fields="attachment(*)").attachment
    assert attachment is not None and attachment.size == 2 * len(PDF) + len(PNG)


def test_an_upload_needs_a_file_before_anything_is_sent(tx: Tripletex) -> None:
    with pytest.raises(ParameterError, match="needs a file"):
        tx.invoke("historical_voucher.upload", {"voucherId": 1})
    with pytest.raises(ParameterError, match="binary mode"):
        tx.historical_vouchers.upload(1, file=io.StringIO("tekst"))  # type: ignore[arg-type]


def test_uploads_other_than_pdf_png_jpeg_or_tiff_and_empty_files_are_refused_on_file(tx: Tripletex) -> None:
    [made] = tx.historical_vouchers.create([historical(tx)])
    with pytest.raises(ValidationError) as refused:
        tx.historical_vouchers.upload(made.id, file=b"just text")
    assert "PDF, PNG, JPEG og TIFF" in fields_of(refused.value)["file"]
    with pytest.raises(ValidationError) as refused:
        tx.historical_vouchers.upload(made.id, file=io.BytesIO(b""))
    assert "tom" in fields_of(refused.value)["file"]


def test_an_upload_to_an_unknown_voucher_is_404(tx: Tripletex) -> None:
    with pytest.raises(NotFoundError):
        tx.historical_vouchers.upload(987654, file=PDF)


def test_historical_vouchers_keep_their_amounts_must_balance_per_date_and_number_apart(tx: Tripletex) -> None:
    body = historical(tx)
    body["postings"][0]["vatType"] = {"id": vat(tx, "1")}
    [made] = tx.historical_vouchers.create([body])
    assert sorted(tx.postings.get(p.id).amount for p in made.postings or []) == [-500.0, 500.0]  # type: ignore
    assert tx.vouchers.create(rent(tx)).number == 1  # the ordinary series is apart from the historical one
    body["postings"][1]["amount"] = -400.0
    with pytest.raises(BatchError) as refused:
        tx.historical_vouchers.create([body])
    error = refused.value.failures[0].error
    assert isinstance(error, ValidationError) and "100.00 NOK" in fields_of(error)["postings"]


def test_more_than_500_historical_vouchers_in_one_request_are_refused(tx: Tripletex) -> None:
    body = historical(tx)
    with pytest.raises(ValidationError) as refused:
        tx.request("POST", "/ledger/voucher/historical/historical", json=[body] * 501)
    assert "Maks 500" in refused.value.validation_messages[0].message
