"""The SDK runs against a sandbox Backend in-process, sync and async, without a socket."""

from __future__ import annotations

import httpx

from tripletex_connect import AsyncTripletex, NotFoundError, Tripletex
from tripletex_connect.sandbox import Backend, Store
from tripletex_connect.sandbox.defaults import CONSUMER_TOKEN
from tripletex_connect.sandbox.transport import AsyncBackendTransport, BackendTransport

BASE = "http://127.0.0.1/v2"


def test_the_sync_client_creates_and_reads_through_the_in_process_transport() -> None:
    backend = Backend(Store(), base_url=BASE)
    company = backend.new_company(employee_token="inproc")
    with httpx.Client(transport=BackendTransport(backend)) as http:
        tx = Tripletex(CONSUMER_TOKEN, company.employee_token, base_url=BASE, http_client=http)
        made = tx.customers.create({"name": "Fjord Fisk AS"})
        assert tx.customers.get(made.id).name == "Fjord Fisk AS"
        try:
            tx.customers.get(987654)
        except NotFoundError as exc:
            assert exc.status == 404 and exc.request_id
        else:
            raise AssertionError("an unknown id must be 404")


async def test_the_async_client_reads_through_the_in_process_transport() -> None:
    backend = Backend(Store(), base_url=BASE)
    company = backend.new_company(employee_token="inproc-async")
    async with httpx.AsyncClient(transport=AsyncBackendTransport(backend)) as http:
        tx = AsyncTripletex(CONSUMER_TOKEN, company.employee_token, base_url=BASE, http_client=http)
        made = await tx.customers.create({"name": "Kyst Kaffe AS"})
        assert (await tx.customers.get(made.id)).name == "Kyst Kaffe AS"


def test_a_path_outside_the_api_answers_in_the_envelope() -> None:
    backend = Backend(Store(), base_url=BASE)
    with httpx.Client(transport=BackendTransport(backend)) as http:
        answer = http.get("http://127.0.0.1/elsewhere")
    assert answer.status_code == 404 and answer.json()["status"] == 404
