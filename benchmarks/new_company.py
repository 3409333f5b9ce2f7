"""How long the sandbox takes to make a fresh company (target: < 20 ms), the fixture's per-test cost.

Run: .venv/bin/python benchmarks/new_company.py [ROUNDS]
Prints the median of ROUNDS creations; a benchmark, never a test assertion (timings fail on busy machines).
"""

from __future__ import annotations

import statistics
import sys
import time

from tripletex_connect.sandbox import Sandbox


def main(rounds: int = 15) -> None:
    """Create `rounds` companies on an in-memory sandbox and print the median time."""
    with Sandbox(memory=True) as sandbox:
        sandbox.new_company()
        timings = []
        for _ in range(rounds):
            started = time.perf_counter()
            sandbox.new_company()
            timings.append(time.perf_counter() - started)
    median_ms = statistics.median(timings) * 1000
    verdict = "ok" if median_ms < 20 else "over target"
    print(f"new company: median {median_ms:.1f} ms over {rounds} rounds (target < 20 ms): {verdict}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
