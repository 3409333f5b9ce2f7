"""Runs of one scenario never overlap; different scenarios run at the same time, at most `workers` at once."""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path

from tripletex_connect.runtime import RunStore, Service
from tripletex_connect.runtime.clients import ClientPool


def test_one_scenario_runs_one_at_a_time_while_others_run_alongside_within_the_bound(
    folder: Path, store: RunStore
) -> None:
    service = Service(folder, store, ClientPool(lambda _c: None), workers=2)  # type: ignore[arg-type, return-value]
    lock = threading.Lock()
    running: Counter[str] = Counter()
    peaks: Counter[str] = Counter()
    total_peak = [0]
    b_started = threading.Event()
    done = threading.Semaphore(0)

    def job(name: str, wait_for_b: bool = False) -> None:
        with lock:
            running[name] += 1
            peaks[name] = max(peaks[name], running[name])
            total_peak[0] = max(total_peak[0], sum(running.values()))
        if name == "b":
            b_started.set()
        if wait_for_b:  # a blocks until b has started: only possible if they run at the same time
            assert b_started.wait(10)
        with lock:
            running[name] -= 1
        done.release()

    service.submit("a", "run", lambda: job("a", wait_for_b=True))
    for _ in range(3):
        service.submit("a", "run", lambda: job("a"))
    service.submit("b", "run", lambda: job("b"))
    service.submit("c", "run", lambda: job("c"))
    for _ in range(6):
        assert done.acquire(timeout=10)
    service.stop()
    assert peaks["a"] == 1 and b_started.is_set()
    assert total_peak[0] <= 2
