"""P3: creating customers with `create_many` (chunks of `/customer/list`) against one `create` per customer.

Run: .venv/bin/python benchmarks/create_many.py [ITEMS]
The SDK against the sandbox in its own process over HTTP on loopback, rate limit lifted; the two sides
alternate in rounds and each reports its median time per customer. A benchmark, never a test assertion.
"""

from __future__ import annotations

import statistics
import sys
import time

from _load import TOKENS, sandbox_process
from _measure import Row, verdict

from tripletex_connect import Tripletex

ROUNDS = 3


def per_item(items: int = 10_000, singles: int = 1_000) -> dict[str, float]:
    """Median seconds per created customer: `items` per `create_many` round, `singles` per one-by-one round."""
    timings: dict[str, list[float]] = {"create_many": [], "one by one": []}
    with sandbox_process() as base, Tripletex(*TOKENS, base_url=base) as client:
        client.customers.create({"name": "Oppvarming AS"})  # a session and a warm connection for both sides
        for round_ in range(ROUNDS):
            sides = ["create_many", "one by one"] if round_ % 2 == 0 else ["one by one", "create_many"]
            for side in sides:
                started = time.perf_counter()
                if side == "create_many":
                    client.customers.create_many([{"name": f"Batch {round_}-{i} AS"} for i in range(items)])
                    count = items
                else:
                    for i in range(singles):
                        client.customers.create({"name": f"Enkel {round_}-{i} AS"})
                    count = singles
                timings[side].append((time.perf_counter() - started) / count)
    return {side: statistics.median(values) for side, values in timings.items()}


def rows(items: int = 10_000) -> list[Row]:
    """The P3 row of the bench table."""
    medians = per_item(items)
    ratio = medians["one by one"] / medians["create_many"]
    return [Row(f"P3 {items:,} creates via create_many >= 20x one by one (HTTP)",
                f"{ratio:.1f}x ({medians['create_many'] * 1e6:.0f} vs {medians['one by one'] * 1e6:.0f} µs "
                "per customer)", verdict(ratio >= 20))]


if __name__ == "__main__":
    for row in rows(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000):
        print(" | ".join(row))
