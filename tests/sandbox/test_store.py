"""Storage: SQLite in WAL mode, one transaction per request, indexed filters, no lost updates across connections."""

from __future__ import annotations

import base64
import threading
from pathlib import Path

from tripletex_connect.sandbox import Backend, Store
from tripletex_connect.sandbox.backend import Request
from tripletex_connect.sandbox.defaults import CONSUMER_TOKEN

from .conftest import BASE, Api, Clock


def login(backend: Backend, employee_token: str) -> dict[str, str]:
    session = backend.handle(Request("PUT", "/token/session/:create", [
        ("consumerToken", CONSUMER_TOKEN), ("employeeToken", employee_token), ("expirationDate", "2026-11-27")]))
    return {"authorization": "Basic " + base64.b64encode(f"0:{session.body['value']['token']}".encode()).decode()}


def test_a_database_file_is_in_wal_mode(tmp_path: Path) -> None:
    store = Store(str(tmp_path / "sandbox.sqlite3"))
    with store.transaction() as tx:
        assert tx.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    store.close()


def addresses(api: Api) -> int:
    with api.backend.store.transaction() as tx:
        return tx.search(api.company.company_id, "Address", [], [], [], 0, 1)[0]


def test_a_failed_request_leaves_nothing_behind(api: Api) -> None:
    before = addresses(api)
    # The inline address is stored first, then the unknown category refuses the customer: one transaction.
    answer = api.http.post("/v2/customer", json={"name": "A", "postalAddress": {"city": "Bergen"},
                                                 "category1": {"id": 999}}, headers=api.auth)
    assert answer.status_code == 422
    assert addresses(api) == before
    assert api.http.post("/v2/customer", json={"name": "A", "postalAddress": {"city": "Bergen"}},
                         headers=api.auth).status_code == 201
    assert addresses(api) == before + 1


def test_filters_on_indexed_fields_use_an_index_not_a_scan_once_a_search_has_used_them(api: Api) -> None:
    assert api.get("/customer", organizationNumber="x").status_code == 200  # type: ignore[attr-defined]
    with api.backend.store.read() as tx:
        plan = tx.plan(1, "Customer", ["json_extract(data, '$.organizationNumber') = ?"], ["x"],
                       flags=[("json_extract(data, '$.isInactive')", False)])
    assert "USING INDEX o_Customer_" in plan and "SCAN" not in plan, plan


def test_writers_on_two_connections_to_one_file_never_lose_an_update(tmp_path: Path, clock: Clock) -> None:
    path = str(tmp_path / "shared.sqlite3")
    first = Backend(Store(path), base_url=BASE, clock=clock)
    first.new_company(employee_token="shared")
    second = Backend(Store(path), base_url=BASE, clock=clock)  # like a second server process on the same file
    auths = [login(first, "shared"), login(second, "shared")]
    created = first.handle(Request("POST", "/customer", headers=auths[0], body=b'{"name": "Teller"}')).body["value"]
    wins: list[int] = []

    def writer(n: int) -> None:
        backend, auth = (first, second)[n % 2], auths[n % 2]
        url = f"/customer/{created['id']}"
        while len([w for w in wins if w == n]) < 10:
            version = backend.handle(Request("GET", url, headers=auth)).body["value"]["version"]
            body = f'{{"version": {version}, "description": "{n}"}}'.encode()
            reply = backend.handle(Request("PUT", url, headers=auth, body=body))
            assert reply.status in (200, 409), reply.body
            if reply.status == 200:
                wins.append(n)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    final = second.handle(Request("GET", f"/customer/{created['id']}", headers=auths[1])).body["value"]
    assert final["version"] == len(wins) == 40
