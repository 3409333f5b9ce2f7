"""How fast the sandbox answers filtered searches over 100,000 customers (target: milliseconds).

Run: .venv/bin/python benchmarks/sandbox_search.py [N]
"""

from __future__ import annotations

import base64
import statistics
import sys
import time

from _measure import Row, verdict

from tripletex_connect.sandbox import Backend, Store
from tripletex_connect.sandbox.backend import Request
from tripletex_connect.sandbox.defaults import CONSUMER_TOKEN


def measure(count: int = 100_000, quiet: bool = False) -> dict[str, float]:
    """Fill one company with `count` customers and time typical searches: median ms per search label."""
    backend = Backend(Store())
    company = backend.new_company(employee_token="bench")
    rows = [
        {"id": i, "name": f"Kunde {i:06}", "customerNumber": 10000 + i, "email": f"k{i}@example.no",
         "organizationNumber": f"{900000000 + i}", "isInactive": False, "isCustomer": True}
        for i in range(1, count + 1)
    ]
    started = time.perf_counter()
    with backend.store.transaction() as tx:
        tx.insert_many(company.company_id, "Customer", rows, "2026-01-01T00:00:00")
    if not quiet:
        print(f"inserted {count:,} customers in {time.perf_counter() - started:.1f} s")
    session = backend.handle(Request("PUT", "/token/session/:create", [
        ("consumerToken", CONSUMER_TOKEN), ("employeeToken", "bench"), ("expirationDate", "2099-01-01")]))
    token = session.body["value"]["token"]
    auth = {"authorization": "Basic " + base64.b64encode(f"0:{token}".encode()).decode()}
    searches = {
        "organizationNumber (eq)": [("organizationNumber", f"{900000000 + count // 2}")],
        "email (eq)": [("email", f"k{count - 7}@example.no")],
        "customerAccountNumber (in, 3)": [("customerAccountNumber", "10010,50000,90000")],
        "id (in, 3)": [("id", "5,500,5000")],
        "first page, sorted by name": [("count", "100"), ("sorting", "name")],
        "first page, sorted by -name": [("count", "100"), ("sorting", "-name")],
        "first page, by customerNumber": [("count", "100"), ("sorting", "customerNumber")],
        "first page, sorted by email": [("count", "100"), ("sorting", "email")],
        "first page, by postalAddress.city": [("count", "100"), ("sorting", "postalAddress.city")],
        "customerName (contains, scan)": [("customerName", "kunde 09999")],
        "page of 1,000 (from 50,000)": [("from", str(count // 2)), ("count", "1000")],
    }
    medians = {}
    for label, query in searches.items():
        runs = []
        for _ in range(5):
            t = time.perf_counter()
            reply = backend.handle(Request("GET", "/customer", query, auth))
            runs.append((time.perf_counter() - t) * 1000)
            assert reply.status == 200, reply.body
        medians[label] = statistics.median(runs)
        if not quiet:
            print(f"{label:32} median {medians[label]:8.1f} ms  ({reply.body['fullResultSize']} found)")
    return medians


def rows(count: int = 100_000) -> list[Row]:
    """The P5 search rows of the bench table (the backend in-process: the store's share of a request)."""
    medians = measure(count, quiet=True)
    searches = {k: v for k, v in medians.items() if not k.startswith("page of")}
    worst = max(searches, key=searches.__getitem__)
    page = medians["page of 1,000 (from 50,000)"]
    return [
        Row(f"P5 any filtered search over {count:,} p50 < 10 ms (in-process)",
            f"worst {searches[worst]:.1f} ms ({worst})", verdict(searches[worst] < 10)),
        Row(f"P5 one page of 1,000 over {count:,} < 50 ms (in-process)", f"{page:.1f} ms", verdict(page < 50)),
    ]


if __name__ == "__main__":
    measure(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
