"""P3: creating customers with `create_many` (chunks of `/customer/list`) against one `create` per customer.

Run: .venv/bin/python benchmarks/create_many.py [ITEMS]
The SDK against the sandbox in its own process over HTTP on loopback, rate limit lifted; both sides use the same
client, sandbox and settings. The two sides alternate in rounds and each reports its median time per customer,
with the CPU per customer of the client (this process) and of the sandbox's process, which say where the time
goes when the machine is busy. A benchmark, never a test assertion.
"""

from __future__ import annotations

import functools
import os
import statistics
import sys
import time
from collections.abc import Callable

from _load import TOKENS, cpu_seconds, sandbox_process
from _measure import Row, verdict

from tripletex_connect import Tripletex

ROUNDS = 5
Sample = tuple[float, float, float]  # seconds per customer: wall, client CPU, server CPU


def _sample(work: Callable[[], int], server: int) -> Sample:
    wall, client, before = time.perf_counter(), time.process_time(), cpu_seconds(server) or 0.0
    count = work()
    after = cpu_seconds(server) or 0.0
    return ((time.perf_counter() - wall) / count, (time.process_time() - client) / count, (after - before) / count)


def per_item(items: int = 10_000, singles: int = 1_000) -> dict[str, Sample]:
    """Median (wall, client CPU, server CPU) seconds per customer: `items` per `create_many` round, `singles`
    per one-by-one round."""
    samples: dict[str, list[Sample]] = {"create_many": [], "one by one": []}
    pids: list[int] = []
    with sandbox_process(pids=pids) as base, Tripletex(*TOKENS, base_url=base) as client:
        client.customers.create({"name": "Oppvarming AS"})  # a session and a warm connection for both sides

        def many(round_: int) -> int:
            client.customers.create_many([{"name": f"Batch {round_}-{i} AS"} for i in range(items)])
            return items

        def one_by_one(round_: int) -> int:
            for i in range(singles):
                client.customers.create({"name": f"Enkel {round_}-{i} AS"})
            return singles

        sides = {"create_many": many, "one by one": one_by_one}
        for round_ in range(ROUNDS):
            for side in list(sides) if round_ % 2 == 0 else reversed(list(sides)):
                samples[side].append(_sample(functools.partial(sides[side], round_), pids[0]))
    return {side: _median(values) for side, values in samples.items()}


def _median(samples: list[Sample]) -> Sample:
    wall, client, server = (statistics.median(part) for part in zip(*samples, strict=True))
    return wall, client, server


def rows(items: int = 10_000) -> list[Row]:
    """The P3 row of the bench table."""
    load = os.getloadavg()[0]
    medians = per_item(items)
    many, single = medians["create_many"], medians["one by one"]
    ratio = single[0] / many[0]
    cpu = (f"CPU client+server {many[1] * 1e6:.0f}+{many[2] * 1e6:.0f} vs {single[1] * 1e6:.0f}+"
           f"{single[2] * 1e6:.0f} µs; load avg {load:.1f}-{os.getloadavg()[0]:.1f}")
    return [Row(f"P3 {items:,} creates via create_many >= 20x one by one (HTTP)",
                f"{ratio:.1f}x ({many[0] * 1e6:.0f} vs {single[0] * 1e6:.0f} µs per customer; {cpu})",
                verdict(ratio >= 20))]


if __name__ == "__main__":
    for row in rows(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000):
        print(" | ".join(row))
