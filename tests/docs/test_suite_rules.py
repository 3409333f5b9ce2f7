"""Rules the suite keeps about itself: no wall-clock timing assertions (they fail on a busy machine)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

TESTS = Path(__file__).parents[1]
# Timers that only make sense to measure speed; polling deadlines (time.monotonic) are allowed.
TIMERS = {"perf_counter", "perf_counter_ns", "process_time", "thread_time"}
SPEED_NAME = re.compile(r"(under|within|faster|less_than|at_most)_\d+_?(ms|s|seconds|milliseconds)\b|_\d+_?ms\b")


def _test_files() -> list[Path]:
    return sorted(p for p in TESTS.rglob("*.py") if p.name.startswith(("test_", "conftest")))


def test_no_test_measures_speed_with_a_timer() -> None:
    offenders = []
    for path in _test_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in TIMERS:
                offenders.append(f"{path.relative_to(TESTS)}:{node.lineno} uses {node.attr}")
    assert not offenders, "timing belongs in benchmarks/, not in tests:\n" + "\n".join(offenders)


def test_no_test_is_named_for_a_duration() -> None:
    offenders = []
    for path in _test_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_") and SPEED_NAME.search(node.name):
                offenders.append(f"{path.relative_to(TESTS)}:{node.lineno} {node.name}")
    assert not offenders, "timing belongs in benchmarks/, not in tests:\n" + "\n".join(offenders)
