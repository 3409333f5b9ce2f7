"""P5 over HTTP: the sandbox (`ttx sandbox serve` in its own process) with 100,000 customers answering GETs by
id to many concurrent clients, filtered searches, sorted first pages and a page of 1,000.

Run: .venv/bin/python benchmarks/sandbox_search.py [N]
The database is filled in-process first (a bulk insert, bypassing the API), then served. Searches go over
loopback with a keep-alive client, every search once per round in a rotating order; each reports its median.
A benchmark, never a test assertion: the figures depend on the machine and its load (printed with them).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
from _load import TOKENS, basic_auth, cpu_seconds, requests_per_second, sandbox_process
from _measure import Row, verdict

from tripletex_connect.sandbox import Backend, Store

ROUNDS = 7
CLIENTS = (16, 64)
TARGET_RPS = 2_000


def fill(path: str, count: int) -> None:
    """A database whose bench company has `count` customers."""
    backend = Backend(Store(path))
    company = backend.new_company(employee_token=TOKENS[1])
    rows = [
        {"id": i, "name": f"Kunde {i:06}", "customerNumber": 10000 + i, "email": f"k{i}@example.no",
         "organizationNumber": f"{900000000 + i}", "isInactive": False, "isCustomer": True}
        for i in range(1, count + 1)
    ]
    with backend.store.transaction() as tx:
        tx.insert_many(company.company_id, "Customer", rows, "2026-01-01T00:00:00")
    backend.webhooks.stop()
    backend.store.close()


def searches(count: int) -> dict[str, dict[str, str]]:
    """The searches timed, by label: filters (first), sorted first pages, and the page of 1,000 (last)."""
    return {
        "organizationNumber (eq)": {"organizationNumber": f"{900000000 + count // 2}"},
        "email (eq)": {"email": f"k{count - 7}@example.no"},
        "customerAccountNumber (in, 3)": {"customerAccountNumber": "10010,50000,90000"},
        "id (in, 3)": {"id": "5,500,5000"},
        "customerName (contains)": {"customerName": "kunde 09999"},
        "customerName (contains, 2 letters)": {"customerName": "de", "count": "100"},
        "customerName (contains, 2 letters, rare)": {"customerName": "9x", "count": "100"},
        "first 100 sorted by name": {"count": "100", "sorting": "name"},
        "first 100 sorted by -name": {"count": "100", "sorting": "-name"},
        "first 100 by customerNumber": {"count": "100", "sorting": "customerNumber"},
        "first 100 sorted by email": {"count": "100", "sorting": "email"},
        "first 100 by postalAddress.city": {"count": "100", "sorting": "postalAddress.city"},
        "page of 1,000 (from 50,000)": {"from": str(count // 2), "count": "1000"},
    }


def timed_searches(base: str, authorization: str, count: int, quiet: bool) -> dict[str, float]:
    """Median milliseconds of each search over HTTP."""
    plan = searches(count)
    timings: dict[str, list[float]] = {label: [] for label in plan}
    labels = list(plan)
    with httpx.Client(base_url=base, headers={"authorization": authorization}, timeout=60) as http:
        for round_ in range(ROUNDS):
            for label in labels[round_ % len(labels):] + labels[:round_ % len(labels)]:
                started = time.perf_counter()
                answer = http.get("/customer", params=plan[label])
                timings[label].append((time.perf_counter() - started) * 1000)
                assert answer.status_code == 200, answer.text
                if round_ == 0 and not quiet:
                    print(f"  {label}: {answer.json()['fullResultSize']} found")
    return {label: statistics.median(values) for label, values in timings.items()}


def get_by_id(base: str, path: str, authorization: str, pid: int) -> tuple[dict[int, float], float | None]:
    """(req/s per number of clients, the server's CPU seconds per request, or None where it cannot be read)."""
    rates: dict[int, float] = {}
    before = cpu_seconds(pid)
    seconds = 3.0
    for clients in CLIENTS:
        rates[clients] = requests_per_second(base, path, authorization, clients, seconds)[0]
    after = cpu_seconds(pid)
    served = sum(rate * seconds for rate in rates.values())
    return rates, (after - before) / served if before is not None and after is not None and served else None


def measure(count: int = 100_000, quiet: bool = False) -> tuple[dict[str, float], dict[int, float], str]:
    """(median ms per search, req/s of GET by id per number of clients, the load and server CPU per GET)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "bench.sqlite3")
        started = time.perf_counter()
        fill(path, count)
        if not quiet:
            print(f"filled {count:,} customers in {time.perf_counter() - started:.1f} s")
        pids: list[int] = []
        with sandbox_process(path, pids) as base:
            authorization = basic_auth(base)
            medians = timed_searches(base, authorization, count, quiet)
            rates, cpu = get_by_id(base, f"/customer/{count // 3}", authorization, pids[0])
            load = f"load avg {os.getloadavg()[0]:.1f}"
            if cpu:
                load += f"; server CPU {cpu * 1e6:.0f} µs per GET, {1 / cpu:,.0f} req/s per free core"
    if not quiet:
        for label, ms in medians.items():
            print(f"{label:36} median {ms:8.1f} ms")
        for clients, rate in rates.items():
            print(f"GET by id, {clients} clients: {rate:,.0f} req/s")
        print(load)
    return medians, rates, load


def rows(count: int = 100_000) -> list[Row]:
    """The P5 sandbox rows of the bench table."""
    medians, rates, load = measure(count, quiet=True)
    joined = "first 100 by postalAddress.city"
    page = medians.pop("page of 1,000 (from 50,000)")
    by_reference = medians.pop(joined)
    shorts = {label: medians.pop(label) for label in list(medians) if "2 letters" in label}
    short = max(shorts, key=shorts.__getitem__)
    scan = shorts[short]
    worst = max(medians, key=medians.__getitem__)
    slowest = min(rates.values())
    return [
        Row("P5 sandbox GET by id >= 2,000 req/s at 16-64 clients (HTTP)",
            ", ".join(f"{c}: {r:,.0f} req/s" for c, r in rates.items()) + f" ({load})", verdict(slowest >= TARGET_RPS)),
        Row(f"P5 any filtered search over {count:,} p50 < 10 ms (HTTP)",
            f"worst {medians[worst]:.1f} ms ({worst})", verdict(medians[worst] < 10)),
        Row(f"P5 contains shorter than 3 letters over {count:,} (HTTP)",
            f"{scan:.1f} ms ({short}: folded columns in memory)", verdict(scan < 10)),
        Row(f"P5 first page sorted by a referenced object's field over {count:,} (HTTP)",
            f"{by_reference:.1f} ms ({joined}: a ranking kept until a write)", verdict(by_reference < 10)),
        Row(f"P5 one page of 1,000 over {count:,} < 50 ms (HTTP)", f"{page:.1f} ms", verdict(page < 50)),
    ]


if __name__ == "__main__":
    measure(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
