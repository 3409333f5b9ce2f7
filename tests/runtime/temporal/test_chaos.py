"""Chaos: three `ttx worker` processes run a fan-out over 50 client companies of one accountant; one worker is
killed with SIGKILL halfway and started again. Every company's scenario completes exactly once (one order and one
invoice each in the sandbox's books), and the sandbox never answers 429: the workers share one SQLite rate
limiter that keeps the accountant's bucket under the sandbox's limit."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tripletex_connect.client import Tripletex
from tripletex_connect.core.profiles import Profile, ProfileStore
from tripletex_connect.runtime.store import RunStore
from tripletex_connect.runtime.temporal import TemporalExecutor, Timeouts
from tripletex_connect.sandbox import Sandbox
from tripletex_connect.sandbox.counting import RequestCounter, count_requests
from tripletex_connect.scenario import load_scenario
from tripletex_connect.scenario.companies import CompanyRef

COMPANIES = 50
RATE_LIMIT = "60/1s"
BANK_ACCOUNT = "12345678903"
DATE = "2026-11-30"
HALFWAY_SECONDS = 120  # bounds for a machine under load; the whole test takes well under a minute on a quiet one
FINISH_SECONDS = 180
SCENARIO = f"""
name: chaos
vars: {{reference: chaos-1, date: "{DATE}"}}
steps:
  - id: customer
    module: customer.search
    params: {{fields: "id,name"}}
    limit: 1
  - id: order
    module: order.create
    body:
      customer: {{id: "{{{{ steps.customer.first.id }}}}"}}
      orderDate: "{{{{ vars.date }}}}"
      deliveryDate: "{{{{ vars.date }}}}"
      reference: "{{{{ vars.reference }}}}"
      orderLines: [{{description: Service, unitPriceExcludingVatCurrency: 100, count: 1}}]
    check:
      module: order.search
      params:
        customer_id: "{{{{ steps.customer.first.id }}}}"
        order_date_from: "{{{{ vars.date }}}}"
        order_date_to: "{{{{ add_days(vars.date, 1) }}}}"
        fields: "id,reference"
      found: "{{{{ first(where(result.values, 'reference', vars.reference)) }}}}"
  - id: invoice
    module: order.invoice
    params: {{id: "{{{{ steps.order.id }}}}", invoice_date: "{{{{ vars.date }}}}", send_to_customer: false}}
    check:
      module: invoice.search
      params:
        customer_id: "{{{{ steps.customer.first.id }}}}"
        invoice_date_from: "{{{{ vars.date }}}}"
        invoice_date_to: "{{{{ add_days(vars.date, 1) }}}}"
"""

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="kill -9 of a worker process")


@pytest.fixture
def sandbox() -> Iterator[tuple[Sandbox, RequestCounter]]:
    limited = Sandbox(memory=True, rate_limit=RATE_LIMIT)
    counter = count_requests(limited)
    with limited:
        yield limited, counter


def set_up(sandbox: Sandbox, limiter: str) -> list[CompanyRef]:
    """Client companies of the sandbox's accountant, each with a customer and a bank account to invoice from."""
    owner = sandbox.company.company_id
    refs = [CompanyRef(sandbox.new_client_company(owner, f"Klient {i} AS"), f"Klient {i} AS")
            for i in range(COMPANIES)]

    def prepare(ref: CompanyRef) -> None:
        with Tripletex(sandbox.consumer_token, sandbox.employee_token, base_url=sandbox.base_url, company_id=ref.id,
                       rate_limiter=limiter) as client:
            client.customers.create({"name": f"Kunde av {ref.name}"})
            [bank] = client.ledger_accounts.search(number="1920").to_list()
            client.ledger_accounts.update(bank.id, {"version": bank.version, "bankAccountNumber": BANK_ACCOUNT})

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(prepare, refs))
    return refs


def start_worker(target: str, queue: str, db: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    ttx = Path(sys.executable).parent / "ttx"
    return subprocess.Popen([str(ttx), "worker", "--temporal", target, "--task-queue", queue, "--db", str(db),
                             "--max-calls", "8", "--no-warm"],  # warming is tested on its own, and costs seconds
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def books(sandbox: Sandbox, refs: list[CompanyRef]) -> list[tuple[int, int]]:
    """(orders, invoices) of every company, counted in the sandbox's store."""
    found: dict[tuple[int, str], int] = {}
    with sandbox.store.transaction() as tx:
        for kind in ("Order", "Invoice"):
            rows = tx.conn.execute(f"SELECT company_id, COUNT(*) FROM {tx.table(kind)} GROUP BY company_id")
            found.update({(company, kind): number for company, number in rows})
    return [(found.get((ref.id, "Order"), 0), found.get((ref.id, "Invoice"), 0)) for ref in refs]


def test_a_worker_killed_halfway_loses_no_company_and_writes_nothing_twice_within_the_rate_limit(
    temporal_server: str, task_queue: str, sandbox: tuple[Sandbox, RequestCounter], tmp_path: Path,
) -> None:
    server, counting = sandbox
    limiter = f"sqlite:///{tmp_path / 'limits.sqlite3'}"
    refs = set_up(server, limiter)
    config = tmp_path / "config.toml"
    ProfileStore(config).save(Profile("acct", base_url=server.base_url, consumer_token=server.consumer_token,
                                      employee_token=server.employee_token))
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRIPLETEX_")}
    env.update(TRIPLETEX_CONFIG=str(config), TRIPLETEX_RATE_LIMIT_BACKEND=limiter)
    db = tmp_path / "runs.sqlite3"
    workers = [start_worker(temporal_server, task_queue, db, env) for _ in range(3)]
    try:
        path = tmp_path / "chaos.yaml"
        path.write_text(SCENARIO, encoding="utf-8")
        executor = TemporalExecutor(temporal_server, task_queue, connection="acct",
                                    timeouts=Timeouts(call_seconds=5))
        handle = asyncio.run(executor.submit_fanout(load_scenario(path), refs, concurrency=25, run_key="chaos"))
        store = RunStore(db)
        deadline = time.monotonic() + HALFWAY_SECONDS
        while len(store.runs("chaos", limit=100)) < COMPANIES // 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        workers[0].send_signal(signal.SIGKILL)
        workers[0].wait()
        workers[0] = start_worker(temporal_server, task_queue, db, env)
        results = asyncio.run(asyncio.wait_for(handle.result(), FINISH_SECONDS))
        assert [r["status"] for r in results] == ["ok"] * COMPANIES
        assert books(server, refs) == [(1, 1)] * COMPANIES
        runs = store.runs("chaos", limit=1000)
        assert len(runs) == COMPANIES and {r["status"] for r in runs} == {"ok"}
        assert counting.too_many == 0, counting.refused
        store.close()
    finally:
        for worker in workers:
            worker.kill()
            worker.wait()
