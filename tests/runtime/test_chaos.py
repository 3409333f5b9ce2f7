"""Chaos: `kill -9` of `ttx serve` while its runs write, then a restart on the same store.

Counted in the sandbox's books: 0 ticks lost, 0 writes made twice, and every run the kill cut off is
either finished or listed as an incomplete execution. Bounded: about ten seconds.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

from tripletex_connect.runtime import RunStore
from tripletex_connect.sandbox import SandboxCompany

PAUSE = ", ".join(["1"] * 30)
TICKER = """
name: chaos ticker
trigger: {type: schedule, every: 1s, catch_up: all}
vars: {pause: [PAUSE]}
steps:
  - id: first
    module: customer.create
    body: {name: "tick {{ trigger.due }} a"}
  - id: pause
    foreach: "{{ vars.pause }}"
    module: customer_category.search
    limit: 1
  - id: second
    module: customer.create
    body: {name: "tick {{ trigger.due }} b"}
"""


def serve(company: SandboxCompany, folder: Path, db: Path, *extra: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "TRIPLETEX_CONSUMER_TOKEN": company.consumer_token,
           "TRIPLETEX_EMPLOYEE_TOKEN": company.employee_token}
    return subprocess.Popen(
        [sys.executable, "-m", "tripletex_connect", "--base-url", company.base_url, "serve", str(folder),
         "--db", str(db), "--port", "0", *extra], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def wait_for(condition: object, limit: float) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and not condition():  # type: ignore[operator]
        time.sleep(0.05)


def count_ok(db: Path) -> int:
    store = RunStore(db)
    try:
        return sum(1 for r in store.runs() if r["status"] == "ok")
    finally:
        store.close()


def test_kill_9_in_the_middle_of_writing_runs_loses_nothing_and_writes_nothing_twice(
    tripletex_sandbox: SandboxCompany, tmp_path: Path
) -> None:
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "ticker.yaml").write_text(TICKER.replace("PAUSE", PAUSE), encoding="utf-8")
    db = tmp_path / "runtime.sqlite3"
    first = serve(tripletex_sandbox, folder, db)
    try:
        wait_for(lambda: db.exists() and count_ok(db) >= 3, 20)
        # Kill while a run is writing: between its two creates when we can catch it there.
        wait_for(lambda: len(tripletex_sandbox.client.customers.search(fields="id").to_list()) % 2 == 1, 3)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    killed_at = count_ok(db)
    assert killed_at >= 3, first.stderr.read().decode() if first.stderr else ""
    second = serve(tripletex_sandbox, folder, db, "--for", "2.5")
    _, err = second.communicate(timeout=30)
    assert second.returncode == 0, err.decode()

    store = RunStore(db)
    runs = [r for r in store.runs() if r["tick"]]
    names = Counter(c.name for c in tripletex_sandbox.client.customers.search(fields="name"))
    assert all(count == 1 for count in names.values()), "a write was made twice"
    ticks = sorted(dt.datetime.fromisoformat(r["tick"]) for r in runs)
    assert len(set(ticks)) == len(ticks), "a tick ran twice"
    assert ticks == [ticks[0] + dt.timedelta(seconds=i) for i in range(len(ticks))], "a tick was lost"
    incomplete = {i.run_id for i in store.incomplete()}
    for run in runs:
        due = dt.datetime.fromisoformat(run["tick"]).astimezone(ZoneInfo("Europe/Oslo"))
        made = [names.get(f"tick {due.isoformat(timespec='seconds')} {part}", 0) for part in "ab"]
        if run["status"] == "ok":
            assert made == [1, 1], (run, made)
        elif run["status"] == "queued":  # claimed, never started before the clean stop: the next start runs it
            assert made == [0, 0]
        else:
            assert run["status"] == "interrupted" and run["id"] in incomplete, (run["status"], made)
    assert not [r for r in store.runs() if r["status"] == "running"]
    assert len(runs) > killed_at
    store.close()


def test_sigterm_finishes_the_step_in_flight_keeps_the_run_resumable_and_a_restart_completes_it_once(
    tripletex_sandbox: SandboxCompany, tmp_path: Path
) -> None:
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "ticker.yaml").write_text(TICKER.replace("PAUSE", PAUSE), encoding="utf-8")
    db = tmp_path / "runtime.sqlite3"
    service = serve(tripletex_sandbox, folder, db)
    try:
        wait_for(lambda: db.exists() and count_ok(db) >= 1, 20)
        second = serve(tripletex_sandbox, folder, db)
        _, refused = second.communicate(timeout=30)
        assert second.returncode == 2 and b"another `ttx serve`" in refused
        # SIGTERM while a run is between its two creates (in its foreach), when we can catch it there.
        wait_for(lambda: len(tripletex_sandbox.client.customers.search(fields="id").to_list()) % 2 == 1, 3)
    finally:
        service.send_signal(signal.SIGTERM)
        _, err = service.communicate(timeout=30)
    assert service.returncode == 0 and b"stopped" in err
    store = RunStore(db)
    statuses = Counter(r["status"] for r in store.runs())
    assert statuses["ok"] >= 1 and statuses["running"] == 0
    stopped = [r for r in store.runs() if r["status"] == "interrupted"]
    assert {r["id"] for r in stopped} <= {i.run_id for i in store.incomplete()}
    names = Counter(c.name for c in tripletex_sandbox.client.customers.search(fields="name"))
    assert len(names) == 2 * statuses["ok"] + len(stopped)  # a stopped run made its first write, not its second
    store.close()

    restart = serve(tripletex_sandbox, folder, db, "--for", "2.5")
    _, err = restart.communicate(timeout=30)
    assert restart.returncode == 0, err.decode()
    store = RunStore(db)
    resumed = {i.run_id: i.state for i in store.incomplete(state=None)}
    assert all(resumed[r["id"]] == "resolved" for r in stopped)
    names = Counter(c.name for c in tripletex_sandbox.client.customers.search(fields="name"))
    assert all(count == 1 for count in names.values()), "a write was made twice"
    store.close()
