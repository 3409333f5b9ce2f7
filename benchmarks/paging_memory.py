"""P2: iterating a million search results over HTTP keeps memory flat (target: peak RSS < 150 MB).

Run: .venv/bin/python benchmarks/paging_memory.py [N]
A fresh interpreter iterates N customers (default 1,000,000) with the SDK from the fake API on loopback
(pages fetched ahead as usual) and reports its peak resident set size, the whole process included.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from _measure import Row, verdict
from fake_api import fake_api

CHILD = """
import resource, sys
from tripletex_connect import Tripletex
with Tripletex("c", "e", base_url=sys.argv[1]) as tx:
    seen = sum(1 for customer in tx.customers.search() if customer.name)
assert seen == int(sys.argv[2]), seen
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)  # KiB on Linux
"""


def peak_mb(total: int = 1_000_000) -> float:
    """Peak RSS in MB of a process that iterates `total` values."""
    with fake_api(total) as base:
        result = subprocess.run([sys.executable, "-c", CHILD, base, str(total)], capture_output=True, text=True,
                                check=True, cwd=Path(__file__).parent)
    return float(result.stdout.strip())


def rows(total: int = 1_000_000) -> list[Row]:
    """The P2 memory row of the bench table."""
    peak = peak_mb(total)
    return [Row(f"P2 peak RSS iterating {total:,} values < 150 MB", f"{peak:.0f} MB", verdict(peak < 150))]


if __name__ == "__main__":
    for row in rows(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000):
        print(" | ".join(row))
