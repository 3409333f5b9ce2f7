"""P2: iterating a search with the SDK against a hand-written sequential page loop (target: >= 3x faster).

Run: .venv/bin/python benchmarks/paging_speed.py [N] [ROUNDS]
Both sides page through N customers of the fast fake API over real HTTP on loopback, rounds interleaved,
medians compared. The loop is what one writes by hand: GET a page of 1,000, read its JSON, next page. Two
servers: one answering at once, and one taking 50 ms per page as the real API's work (that is what fetching
ahead overlaps: on one client core a parsed model cannot be cheaper than a plain dict).
"""

from __future__ import annotations

import sys

import httpx
from _measure import Row, interleaved, verdict
from fake_api import fake_api

from tripletex_connect import Tripletex

AUTH = ("0", "bench-token")


def _ratio(base: str, total: int, rounds: int) -> float:
    with httpx.Client() as raw, Tripletex("c", "e", base_url=base) as tx:
        def loop() -> None:
            start, seen = 0, 0
            while True:
                response = raw.get(f"{base}/customer", params={"from": start, "count": 1000}, auth=AUTH)
                response.raise_for_status()
                values = response.json()["values"]
                seen += len(values)
                start += len(values)
                if len(values) < 1000 or start >= total:
                    break
            assert seen == total

        def sdk() -> None:
            assert sum(1 for _ in tx.customers.search()) == total

        loop(), sdk()  # warm up: connections, session, the server's page cache
        medians = interleaved({"loop": loop, "sdk": sdk}, rounds)
    return medians["loop"] / medians["sdk"]


def rows(total: int = 100_000, rounds: int = 3) -> list[Row]:
    """The P2 rows of the bench table."""
    out = []
    for delay in (0.0, 0.05):
        with fake_api(total, delay) as base:
            speedup = _ratio(base, total, rounds)
        where = "instant server" if not delay else f"server {delay * 1000:.0f} ms/page"
        out.append(Row(f"P2 search of {total:,} >= 3x a sequential loop ({where})", f"{speedup:.2f}x",
                       verdict(speedup >= 3)))
    return out


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    for row in rows(*args):
        print(" | ".join(row))
