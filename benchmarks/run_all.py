"""`make bench`: run every benchmark and print one table of target, measured figure and verdict.

Run: .venv/bin/python benchmarks/run_all.py
Timings depend on the machine and its load; they are reported, never asserted by the test suite.
"""

from __future__ import annotations

import os
import platform
import sys

import client_overhead
import create_many
import fanout_engines
import import_time
import new_company
import paging_memory
import paging_speed
import sandbox_search
from _measure import Row

BENCHMARKS = (
    client_overhead.rows, paging_speed.rows, paging_memory.rows, import_time.rows,
    create_many.rows, new_company.rows, sandbox_search.rows, fanout_engines.rows,
)


def table(rows: list[Row]) -> str:
    """The rows as an aligned Markdown table."""
    lines = [Row("target", "measured", "verdict"), *rows]
    widths = [max(len(row[i]) for row in lines) for i in range(3)]
    text = ["| " + " | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) + " |" for row in lines]
    text.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(text)


def machine() -> str:
    """Where the figures come from: cores, load (the machine may be shared), Python."""
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return (f"{os.cpu_count()} cores, load average {load} (1/5/15 min), Python {platform.python_version()} "
            f"on {sys.platform}")


def main() -> None:
    """Run each benchmark in turn and print the table, with the machine and its load before and after."""
    print(f"before: {machine()}")
    rows: list[Row] = []
    for benchmark in BENCHMARKS:
        rows.extend(benchmark())
    print(f"after:  {machine()}\n")
    print(table(rows))


if __name__ == "__main__":
    main()
