"""Every request the SDK sends and every response the sandbox returns, for the implemented modules,
validated against the official spec."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tripletex_connect import APIError, Tripletex
from tripletex_connect.sandbox import SandboxCompany

from .openapi import RecordingTransport, openapi, validate_exchange


@pytest.fixture
def recorded(tripletex_sandbox: SandboxCompany) -> Iterator[tuple[Tripletex, RecordingTransport]]:
    openapi()  # skips when the spec is absent
    recorder = RecordingTransport()
    tx = Tripletex(tripletex_sandbox.consumer_token, tripletex_sandbox.employee_token,
                   base_url=tripletex_sandbox.base_url, http_client=httpx.Client(transport=recorder))
    yield tx, recorder
    tx.close()


def assert_all_valid(recorder: RecordingTransport) -> None:
    assert recorder.exchanges
    for request, response in recorder.exchanges:
        validate_exchange(request, response)


def test_customer_modules_follow_the_spec(recorded: tuple[Tripletex, RecordingTransport]) -> None:
    tx, recorder = recorded
    tx.whoami()
    category = tx.customer_categories.create({"name": "Nøkkel", "number": "1", "type": 1})
    created = tx.customers.create({
        "name": "Fjord AS", "email": "post@fjord.no", "organizationNumber": "987654321",
        "category1": {"id": category.id}, "postalAddress": {"addressLine1": "Kaien 1", "city": "Bergen"},
    })
    tx.customers.update(created.id, {"version": created.version, "phoneNumber": "55 00 00 00"})
    tx.customers.get(created.id)
    tx.customers.get(created.id, fields="*,category1(name),postalAddress(*)")
    list(tx.customers.search(customer_name="fjord", is_inactive=False, sorting="-name", page_size=1))
    list(tx.customers.search(id=[created.id], fields="id,name"))
    tx.customers.create_many([{"name": "Batch 1"}, {"name": "Batch 2"}])
    tx.customers.delete(created.id)
    assert_all_valid(recorder)


def test_customer_category_modules_follow_the_spec(recorded: tuple[Tripletex, RecordingTransport]) -> None:
    tx, recorder = recorded
    category = tx.customer_categories.create({"name": "Bedrift", "number": "2", "description": "B2B", "type": 2})
    tx.customer_categories.update(category.id, {"version": 0, "name": "Bedriftskunder"})
    tx.customer_categories.get(category.id)
    list(tx.customer_categories.search(name="bedrift", type=[2]))
    list(tx.companies.with_login_access())
    assert_all_valid(recorder)


def test_error_answers_follow_the_spec(recorded: tuple[Tripletex, RecordingTransport]) -> None:
    tx, recorder = recorded
    created = tx.customers.create({"name": "A"})
    tx.customers.update(created.id, {"version": 0, "name": "B"})
    for attempt in (
        lambda: tx.customers.get(999999),
        lambda: tx.customers.create({"name": "", "email": "nope"}),
        lambda: tx.customers.update(created.id, {"version": 0, "name": "C"}),
    ):
        with pytest.raises(APIError):
            attempt()
    assert [r.status_code for _, r in recorder.exchanges[-3:]] == [404, 422, 409]
    assert_all_valid(recorder)


def test_reference_data_searches_follow_the_spec(recorded: tuple[Tripletex, RecordingTransport]) -> None:
    tx, recorder = recorded
    for resource in ("ledger_accounts", "vat_types", "invoice_payment_types", "product_units",
                     "product_unit_masters", "external_products"):
        list(getattr(tx, resource).search(limit=50))
    assert_all_valid(recorder)
