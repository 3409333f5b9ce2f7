"""Every object the SDK returns carries the id of the request that fetched it, for support and logs."""

from __future__ import annotations

import re

from tripletex_connect.sandbox import SandboxCompany

REQUEST_ID = re.compile(r"^[0-9a-f]{32}$")


def test_a_created_and_a_fetched_object_carry_the_request_id_of_their_answer(tripletex_sandbox: SandboxCompany) -> None:
    tx = tripletex_sandbox.client
    created = tx.customers.create({"name": "Sporbar AS"})
    fetched = tx.customers.get(created.id)
    assert created._request_id and REQUEST_ID.match(created._request_id)
    assert fetched._request_id and fetched._request_id != created._request_id
    raw = tx.request("GET", f"/customer/{created.id}", raw=True)
    assert raw.headers["x-tlx-request-id"] != fetched._request_id  # each answer has its own


def test_search_values_carry_the_request_id_of_their_page(tripletex_sandbox: SandboxCompany) -> None:
    tx = tripletex_sandbox.client
    for name in ("Side En AS", "Side To AS", "Side Tre AS"):
        tx.customers.create({"name": name})
    pages = list(tx.customers.search(customer_name="Side", page_size=2).pages())
    assert [len(p) for p in pages] == [2, 1]
    assert pages[0].request_id != pages[1].request_id
    assert all(c._request_id == page.request_id for page in pages for c in page.values)


async def test_the_async_client_stamps_request_ids_too(tripletex_sandbox: SandboxCompany) -> None:
    atx = tripletex_sandbox.async_client()
    try:
        created = await atx.customers.create({"name": "Asynkron AS"})
        found = [c async for c in atx.customers.search(customer_name="Asynkron")]
        assert created._request_id and found[0]._request_id and found[0]._request_id != created._request_id
    finally:
        await atx.aclose()


def test_objects_fetched_by_different_requests_are_still_equal(tripletex_sandbox: SandboxCompany) -> None:
    tx = tripletex_sandbox.client
    created = tx.customers.create({"name": "Lik AS"})
    first, second = tx.customers.get(created.id), tx.customers.get(created.id)
    assert first._request_id != second._request_id
    assert first == second and first != tx.customers.get(created.id, fields="id,name")
