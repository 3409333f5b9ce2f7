"""How long the sandbox takes to make a fresh company (target: < 20 ms), the fixture's per-test cost.

Run: .venv/bin/python benchmarks/new_company.py [ROUNDS]
Prints the median of ROUNDS creations; a benchmark, never a test assertion (timings fail on busy machines).
"""

from __future__ import annotations

import statistics
import sys
import time

from _measure import Row, verdict

from tripletex_connect.sandbox import Sandbox


def median_ms(rounds: int = 15) -> float:
    """The median milliseconds of `rounds` company creations on an in-memory sandbox."""
    with Sandbox(memory=True) as sandbox:
        sandbox.new_company()
        timings = []
        for _ in range(rounds):
            started = time.perf_counter()
            sandbox.new_company()
            timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000


def rows(rounds: int = 15) -> list[Row]:
    """The new-company row of the bench table."""
    took = median_ms(rounds)
    return [Row("P5 a new sandbox company < 20 ms", f"{took:.1f} ms", verdict(took < 20))]


def main(rounds: int = 15) -> None:
    """Print the median time of `rounds` company creations."""
    took = median_ms(rounds)
    print(f"new company: median {took:.1f} ms over {rounds} rounds (target < 20 ms): {verdict(took < 20)}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
