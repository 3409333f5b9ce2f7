"""Measure: iterating a million search results keeps memory flat (peak vs one page), and the rate.

Run: .venv/bin/python benchmarks/paging_memory.py [N]
Prints the peak traced memory while iterating N values (default 1,000,000) next to the size of one
page, and values per second. The paginator drives a fake fetch, so this measures our paging alone.
"""

from __future__ import annotations

import sys
import time
import tracemalloc

from tripletex_connect.core.paging import Page, Paginator

PAGE = 1000


def fetch(start: int, count: int, total: int) -> Page[dict[str, object]]:
    """A page of small dicts shaped like customers."""
    values = [{"id": i, "name": f"Customer {i}", "version": 1} for i in range(start, min(start + count, total))]
    return Page(values, start, total)


def main() -> None:
    """Run the measurement and print the ratios."""
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    tracemalloc.start()
    one_page = fetch(0, PAGE, total)
    page_bytes = tracemalloc.get_traced_memory()[0]
    del one_page
    tracemalloc.reset_peak()
    began = time.perf_counter()
    seen = sum(1 for _ in Paginator(lambda s, c: fetch(s, c, total), page_size=PAGE))
    elapsed = time.perf_counter() - began
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"values iterated:        {seen:,}")
    print(f"one page in memory:     {page_bytes / 1e6:.2f} MB")
    print(f"peak while iterating:   {peak / 1e6:.2f} MB  ({peak / page_bytes:.1f} x one page)")
    print(f"rate:                   {seen / elapsed:,.0f} values/s (under tracemalloc)")


if __name__ == "__main__":
    main()
