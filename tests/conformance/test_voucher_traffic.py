"""The traffic of the voucher, payment type out and historical voucher modules (the uploads included), and of
their refusals, validated request by request and response by response against the official spec."""

from __future__ import annotations

import pytest

from tests.sandbox.test_vouchers import PDF, PERIOD, PNG, historical, rent
from tripletex_connect import APIError, Tripletex

from .openapi import RecordingTransport, assert_all_valid


def test_every_voucher_module_follows_the_spec(recorded: tuple[Tripletex, RecordingTransport]) -> None:
    tx, recorder = recorded
    made = tx.vouchers.create(rent(tx))
    draft = tx.vouchers.create(rent(tx), send_to_ledger=False)
    tx.vouchers.get(made.id, fields="*,postings(*)")
    tx.vouchers.update(made.id, {"description": "Endret"})
    tx.vouchers.update(draft.id, rent(tx, amount=50.0))
    list(tx.vouchers.search(**PERIOD, number_from=1, number_to=10))
    tx.vouchers.delete(tx.vouchers.reverse(made.id, date="2026-03-31").id)
    list(tx.postings.search(**PERIOD))
    assert_all_valid(recorder)


def test_every_payment_type_out_module_follows_the_spec(recorded: tuple[Tripletex, RecordingTransport]) -> None:
    tx, recorder = recorded
    made = tx.payment_types_out.create({"description": "Bedriftskort", "creditAccount": {"number": 1930}})
    tx.payment_types_out.get(made.id)
    tx.payment_types_out.update(made.id, {"isInactive": True})
    list(tx.payment_types_out.search(description="kort", is_inactive=True))
    tx.payment_types_out.delete(made.id)
    assert_all_valid(recorder)


def test_historical_vouchers_and_their_uploads_follow_the_spec(recorded: tuple[Tripletex, RecordingTransport]) -> None:
    tx, recorder = recorded
    [made] = tx.historical_vouchers.create([historical(tx)], comment="Gammelt system", use_custom_number_series=False)
    tx.historical_vouchers.upload(made.id, file=PDF)
    tx.historical_vouchers.upload(made.id, file=PNG)
    assert_all_valid(recorder)


def test_voucher_refusals_follow_the_spec(recorded: tuple[Tripletex, RecordingTransport]) -> None:
    tx, recorder = recorded
    unbalanced = rent(tx)
    unbalanced["postings"][0]["amountGross"] = 1.0
    [made] = tx.historical_vouchers.create([historical(tx)])
    for attempt in (
        lambda: tx.vouchers.create({"date": "2026-03-01"}),
        lambda: tx.vouchers.create(unbalanced),
        lambda: tx.vouchers.create(rent(tx, date="2025-01-10")),
        lambda: tx.historical_vouchers.upload(made.id, file=b"tekst"),
        lambda: tx.historical_vouchers.upload(999999, file=PDF),
    ):
        with pytest.raises(APIError):
            attempt()
    writes = [r.status_code for q, r in recorder.exchanges if q.method == "POST"]
    assert writes[-5:] == [422, 422, 422, 422, 404]
    assert_all_valid(recorder)
