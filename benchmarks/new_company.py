"""How long the sandbox takes to make a fresh company (target: < 20 ms), the fixture's per-test cost.

Run: .venv/bin/python benchmarks/new_company.py [ROUNDS]
Prints the median of ROUNDS creations; a benchmark, never a test assertion (timings fail on busy machines).
"""

from __future__ import annotations

import os
import statistics
import sys
import time

from _measure import Row, verdict

from tripletex_connect.sandbox import Sandbox


def median_ms(rounds: int = 15) -> float:
    """The median milliseconds of `rounds` company creations on an in-memory sandbox."""
    return medians(rounds)[0]


def medians(rounds: int = 15) -> tuple[float, float]:
    """(median wall-clock ms, median CPU ms) of `rounds` company creations on an in-memory sandbox."""
    with Sandbox(memory=True) as sandbox:
        sandbox.new_company()
        wall, cpu = [], []
        for _ in range(rounds):
            started, used = time.perf_counter(), time.process_time()
            sandbox.new_company()
            wall.append(time.perf_counter() - started)
            cpu.append(time.process_time() - used)
    return statistics.median(wall) * 1000, statistics.median(cpu) * 1000


def rows(rounds: int = 15) -> list[Row]:
    """The new-company row of the bench table (the CPU time beside it: on a busy machine the two differ)."""
    took, cpu = medians(rounds)
    return [Row("P5 a new sandbox company < 20 ms", f"{took:.1f} ms (CPU {cpu:.1f} ms, load avg "
                f"{os.getloadavg()[0]:.1f})", verdict(took < 20))]


def main(rounds: int = 15) -> None:
    """Print the median time of `rounds` company creations."""
    took = median_ms(rounds)
    print(f"new company: median {took:.1f} ms over {rounds} rounds (target < 20 ms): {verdict(took < 20)}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
