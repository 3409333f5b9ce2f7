"""The ledger's read-only modules, the general ledger and the company's reference data: every request the SDK
sends and every answer the sandbox gives, validated against the official spec."""

from __future__ import annotations

from tripletex_connect import Tripletex, catalog
from tripletex_connect.sandbox import routes

from .openapi import RecordingTransport, assert_all_valid

NEW_KEYS = {f"{resource}.{kind}" for resource in ("voucher_type", "accounting_period", "annual_account",
                                                   "close_group", "currency", "country", "department", "activity")
            for kind in ("get", "search")} | {"ledger.search"}


def reference_flow(tx: Tripletex) -> None:
    """Get and filtered search of every new read, with a paid invoice behind the close group and the ledger."""
    from tests.sandbox.test_ledger_reads import paid_invoice

    paid_invoice(tx)
    list(tx.ledgers.search(date_from="2026-11-01", date_to="2026-12-01", sorting="-sumAmount",
                           fields="*,account(number,name)"))
    list(tx.ledgers.search(date_from="2026-11-01", date_to="2026-12-01", customer_id=1))
    for resource, params in (
        ("voucher_types", {"name": "faktura"}),
        ("accounting_periods", {"number_from": 1, "number_to": 4, "start_from": "2026-01-01", "end_to": "2027-01-01"}),
        ("annual_accounts", {"year_from": 2026, "year_to": 2027}),
        ("close_groups", {"date_from": "2026-11-01", "date_to": "2026-12-01", "fields": "*,postings(*)"}),
        ("currencies", {"code": "NOK"}),
        ("countries", {"code": "NO", "is_disabled": False}),
        ("departments", {"name": "avdeling", "is_inactive": False}),
        ("activities", {"is_project_activity": True, "is_chargeable": True}),
    ):
        found = getattr(tx, resource).search(**params).first()
        assert found is not None, resource
        getattr(tx, resource).get(found.id)


def test_reference_reads_follow_the_spec_and_cover_every_new_operation(
    recorded: tuple[Tripletex, RecordingTransport],
) -> None:
    tx, recorder = recorded
    reference_flow(tx)
    exercised = set()
    for request, _ in recorder.exchanges:
        found = routes.match(request.method, request.url.path.split("/v2", 1)[1])
        assert isinstance(found, tuple), request.url
        exercised.add(found[0].key)
    assert {op.key for op in catalog.all_operations()} >= NEW_KEYS
    assert exercised >= NEW_KEYS, f"not exercised: {sorted(NEW_KEYS - exercised)}"
    assert_all_valid(recorder)
