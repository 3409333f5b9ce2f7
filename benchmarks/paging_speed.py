"""P2: iterating a search with the SDK against a hand-written sequential page loop (target: >= 3x faster).

Run: .venv/bin/python benchmarks/paging_speed.py [N] [ROUNDS]
Both sides page through N customers of the fake API over real HTTP on loopback, rounds interleaved, medians
compared, and both read one field of every value (`name`). The loop is what one writes by hand: GET a page of
1,000, read its JSON, next page. The fake API answers after a round trip of 100 ms (the real Tripletex is
50-150 ms away), and also at once: with no latency there is nothing to overlap, and the SDK, which builds a
model of every value on the same core, cannot be faster than a loop that only decodes JSON. Each row also
reports the client CPU per page of both sides (this process only; the server runs apart): once the round
trip is hidden, the SDK's time per page is its CPU per page, which is what a loaded machine stretches.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable

import httpx
from _measure import Row, interleaved, verdict
from fake_api import fake_api

from tripletex_connect import Tripletex

AUTH = ("0", "bench-token")
RTTS = (0.1, 0.0)


def _cpu_timed(side: Callable[[], None], spent: list[float]) -> Callable[[], None]:
    """`side`, recording the CPU time this process spent in each run (all its threads; the server is apart)."""
    def run() -> None:
        started = time.process_time()
        side()
        spent.append(time.process_time() - started)
    return run


def _measure(base: str, total: int, rounds: int) -> tuple[dict[str, float], dict[str, float]]:
    """Median wall seconds and median client CPU seconds of the loop and the SDK, rounds interleaved."""
    with httpx.Client() as raw, Tripletex("c", "e", base_url=base) as tx:
        def loop() -> None:
            start, names = 0, 0
            while True:
                response = raw.get(f"{base}/customer", params={"from": start, "count": 1000}, auth=AUTH)
                response.raise_for_status()
                values = response.json()["values"]
                names += sum(1 for value in values if value["name"])
                start += len(values)
                if len(values) < 1000 or start >= total:
                    break
            assert names == total

        def sdk() -> None:
            assert sum(1 for customer in tx.customers.search() if customer.name) == total

        loop(), sdk()  # warm up: connections, session, the server's page cache
        cpu: dict[str, list[float]] = {"loop": [], "sdk": []}
        medians = interleaved({"loop": _cpu_timed(loop, cpu["loop"]), "sdk": _cpu_timed(sdk, cpu["sdk"])}, rounds)
    return medians, {name: statistics.median(spent) for name, spent in cpu.items()}


def rows(total: int = 100_000, rounds: int = 3) -> list[Row]:
    """The P2 speed rows of the bench table: the target's row (100 ms round trip) and the zero-latency figure.

    Each row also gives the time and the client CPU per page of 1,000 of both sides: with the round trip hidden,
    the SDK's time per page cannot fall below its CPU per page, so that figure bounds the ratio.
    """
    out = []
    for rtt in RTTS:
        with fake_api(total, rtt) as base:
            wall, cpu = _measure(base, total, rounds)
        pages = total / 1000
        speedup = wall["loop"] / wall["sdk"]
        detail = (f"{speedup:.2f}x ({wall['sdk'] / pages * 1000:.0f} vs {wall['loop'] / pages * 1000:.0f} ms per page;"
                  f" client CPU {cpu['sdk'] / pages * 1000:.0f} vs {cpu['loop'] / pages * 1000:.0f} ms per page)")
        if rtt:
            out.append(Row(f"P2 search of {total:,} >= 3x a sequential loop (round trip {rtt * 1000:.0f} ms)",
                           detail, verdict(speedup >= 3)))
        else:
            out.append(Row("P2 same, zero latency (CPU-bound: models vs plain JSON, one core)",
                           detail, "reported (no latency to overlap)"))
    return out


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    for row in rows(*args):
        print(" | ".join(row))
