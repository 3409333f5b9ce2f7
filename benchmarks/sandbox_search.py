"""How fast the sandbox answers filtered searches over 100,000 customers (target: milliseconds).

Run: .venv/bin/python benchmarks/sandbox_search.py [N]
"""

from __future__ import annotations

import base64
import sys
import time

from tripletex_connect.sandbox import Backend, Store
from tripletex_connect.sandbox.backend import Request
from tripletex_connect.sandbox.defaults import CONSUMER_TOKEN


def main(count: int = 100_000) -> None:
    """Fill one company with `count` customers and time typical searches."""
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
    }
    for label, query in searches.items():
        runs = []
        for _ in range(5):
            t = time.perf_counter()
            reply = backend.handle(Request("GET", "/customer", query, auth))
            runs.append((time.perf_counter() - t) * 1000)
            assert reply.status == 200, reply.body
        print(f"{label:32} {min(runs):8.1f} ms  ({reply.body['fullResultSize']} found)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
