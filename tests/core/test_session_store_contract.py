"""One contract for every shared session store (memory, SQLite, a real redis-server): one session per credential."""

from __future__ import annotations

import base64
import datetime as dt
import json
import multiprocessing
import os
import sqlite3
import stat
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from tripletex_connect.core.config import ConnectionSettings, Secret, resolve_settings
from tripletex_connect.core.errors import ConfigurationError, TimeoutError
from tripletex_connect.core.session import OSLO
from tripletex_connect.core.session_store import SessionStore, session_key, session_store_for
from tripletex_connect.core.stores import MemoryRecords, RedisRecords, SQLiteRecords
from tripletex_connect.core.transport import AsyncTransport, Transport

NOW = dt.datetime(2026, 11, 25, 14, 0, tzinfo=OSLO)


class Clock:
    """Oslo time moved by hand; its `sleep` advances it and records the wait, so nothing sleeps for real."""

    def __init__(self, now: dt.datetime = NOW) -> None:
        self.now = now
        self.slept: list[float] = []

    def __call__(self) -> dt.datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += dt.timedelta(seconds=seconds)


def settings(employee: str = "employee-secret-B", base_url: str = "http://127.0.0.1:9/v2") -> ConnectionSettings:
    return ConnectionSettings(
        base_url=base_url, environment="custom", consumer_token=Secret("consumer-secret-A"),
        employee_token=Secret(employee), timeout=10.0,
    )


class Api:
    """A Tripletex-like handler: counts session creations, accepts only live tokens, can revoke them."""

    def __init__(self) -> None:
        self.created: list[str] = []
        self.revoked: set[str] = set()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/token/session/:create"):
            token = f"session-{len(self.created) + 1}"
            self.created.append(token)
            ends = request.url.params["expirationDate"]
            return httpx.Response(200, json={"value": {"token": token, "expirationDate": ends}})
        auth = request.headers.get("Authorization", "")
        live = [t for t in self.created if t not in self.revoked]
        if not any(auth == "Basic " + base64.b64encode(f"0:{t}".encode()).decode() for t in live):
            return httpx.Response(401, json={"status": 401, "code": 3000, "message": "no session"})
        return httpx.Response(200, json={"value": {"id": 1}})


@pytest.fixture(params=["memory", "sqlite", "redis"])
def make_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], SessionStore]]:
    """A factory of stores that all share one backend, as two processes (or machines) would."""
    opened: list[SessionStore] = []
    if request.param == "memory":
        shared = MemoryRecords()

        def make() -> SessionStore:
            return SessionStore(shared)
    elif request.param == "sqlite":
        def make() -> SessionStore:
            opened.append(SessionStore(SQLiteRecords(str(tmp_path / "sessions.db"), "session_record", "test")))
            return opened[-1]
    else:
        url = request.getfixturevalue("redis_url")
        import redis

        redis.Redis.from_url(url).flushdb()

        def make() -> SessionStore:
            opened.append(SessionStore(RedisRecords.from_url(url, "test")))
            return opened[-1]
    yield make
    for store in opened:
        store.close()


def transport(store: SessionStore, api: Api, clock: Clock, **kw: Any) -> Transport:
    client = httpx.Client(transport=httpx.MockTransport(api))
    return Transport(settings(**kw), http_client=client, clock=clock, sleep=clock.sleep, session_store=store)


def both_in_session(make_store: Callable[[], SessionStore]) -> tuple[Api, Clock, Transport, Transport]:
    """Two clients on one store (as two processes would be), each having sent one request."""
    api, clock = Api(), Clock()
    first, second = transport(make_store(), api, clock), transport(make_store(), api, clock)
    for client in (first, second):
        client.send("GET", "/employee/1")
    return api, clock, first, second


def test_clients_sharing_a_store_create_one_session(make_store: Callable[[], SessionStore]) -> None:
    api, _, first, second = both_in_session(make_store)
    first.send("GET", "/employee/2")
    assert api.created == ["session-1"]
    assert (first.session.created, second.session.created) == (1, 0)


def test_a_client_waits_for_the_lease_holder_and_reads_its_session(make_store: Callable[[], SessionStore]) -> None:
    api, clock, store = Api(), Clock(), make_store()
    key, now = session_key(settings()), NOW.timestamp()
    assert store.claim(key, "other-process", now, margin=300, lease=15).lease
    ends = dt.datetime(2026, 11, 27, tzinfo=OSLO).timestamp()

    def holder_finishes(seconds: float) -> None:
        clock.sleep(seconds)
        if len(clock.slept) == 3:  # the holder publishes while we wait
            api.created.append("session-by-other")
            store.publish(key, "other-process", "session-by-other", ends, clock().timestamp())

    waiter = Transport(settings(), http_client=httpx.Client(transport=httpx.MockTransport(api)), clock=clock,
                       sleep=holder_finishes, session_store=make_store())
    waiter.send("GET", "/employee/1")
    assert api.created == ["session-by-other"]
    assert waiter.session.created == 0
    assert 0 < sum(clock.slept) < 15


def test_a_crashed_lease_holders_lease_lapses_and_another_client_creates(
    make_store: Callable[[], SessionStore],
) -> None:
    api, clock, store = Api(), Clock(), make_store()
    assert store.claim(session_key(settings()), "crashed", NOW.timestamp(), margin=300, lease=15).lease
    transport(make_store(), api, clock).send("GET", "/employee/1")
    assert api.created == ["session-1"]
    assert sum(clock.slept) == pytest.approx(15, abs=0.2)


def test_waiting_for_a_lease_is_bounded_even_when_the_clock_stands_still(
    make_store: Callable[[], SessionStore],
) -> None:
    api, store = Api(), make_store()
    store.claim(session_key(settings()), "stuck", NOW.timestamp(), margin=300, lease=15)
    waits: list[float] = []
    waiter = Transport(settings(), http_client=httpx.Client(transport=httpx.MockTransport(api)), clock=Clock(),
                       sleep=waits.append, session_store=SessionStore(store.records, max_wait=5.0))
    with pytest.raises(TimeoutError, match="no session after waiting"):
        waiter.send("GET", "/employee/1")
    assert api.created == [] and sum(waits) <= 5.0


def test_a_401_deletes_the_shared_token_only_if_the_store_still_holds_it(
    make_store: Callable[[], SessionStore],
) -> None:
    api, _, first, second = both_in_session(make_store)
    api.revoked.add("session-1")
    first.send("GET", "/employee/1")  # 401: deletes session-1, creates session-2, replays
    second.send("GET", "/employee/1")  # 401 with session-1: the store holds session-2, so it is used
    assert api.created == ["session-1", "session-2"]


def test_a_session_is_renewed_before_its_end_by_one_client_under_the_lease(
    make_store: Callable[[], SessionStore],
) -> None:
    api, clock, first, second = both_in_session(make_store)
    clock.now = dt.datetime(2026, 11, 26, 23, 57, tzinfo=OSLO)  # three minutes before the end
    first.send("GET", "/employee/1")
    second.send("GET", "/employee/1")
    assert api.created == ["session-1", "session-2"]
    assert second.session.expires_at is not None and second.session.expires_at > clock.now + dt.timedelta(hours=1)


def test_a_client_keeps_the_ending_session_while_another_holds_the_renewal_lease(
    make_store: Callable[[], SessionStore],
) -> None:
    api, clock, store = Api(), Clock(), make_store()
    user = transport(store, api, clock)
    user.send("GET", "/employee/1")
    clock.now = dt.datetime(2026, 11, 26, 23, 57, tzinfo=OSLO)
    assert store.claim(session_key(settings()), "renewer", clock().timestamp(), margin=300, lease=15).lease
    user.send("GET", "/employee/1")
    assert api.created == ["session-1"] and clock.slept == []


def test_different_credentials_get_different_sessions(make_store: Callable[[], SessionStore]) -> None:
    api, clock, store = Api(), Clock(), make_store()
    transport(store, api, clock).send("GET", "/employee/1")
    transport(store, api, clock, employee="employee-secret-C").send("GET", "/employee/1")
    assert api.created == ["session-1", "session-2"]


async def test_async_clients_share_the_store_through_the_same_flow(make_store: Callable[[], SessionStore]) -> None:
    api, clock = Api(), Clock()

    async def sleep(seconds: float) -> None:
        clock.sleep(seconds)

    clients = [
        AsyncTransport(settings(), http_client=httpx.AsyncClient(transport=httpx.MockTransport(api)), clock=clock,
                       sleep=sleep, session_store=make_store())
        for _ in range(2)
    ]
    for client in clients:
        await client.send("GET", "/employee/1")
    assert api.created == ["session-1"]


def test_no_token_appears_in_a_store_key() -> None:
    key = session_key(settings())
    assert "consumer-secret-A" not in key and "employee-secret-B" not in key
    assert key.startswith("ttx:session:")


def test_the_sqlite_session_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "sessions.db"
    path.write_bytes(b"")
    path.chmod(0o644)
    SQLiteRecords(str(path), "session_record", "session store").close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_store_comes_from_an_argument_or_the_environment(tmp_path: Path) -> None:
    environ = {"TRIPLETEX_SESSION_STORE": f"sqlite://{tmp_path}/s.db", "TRIPLETEX_EMPLOYEE_TOKEN": "e",
               "TRIPLETEX_CONSUMER_TOKEN": "c"}
    resolved = resolve_settings(environ=environ, base_url="http://127.0.0.1:9/v2")
    assert resolved.session_store == f"sqlite://{tmp_path}/s.db"
    assert isinstance(session_store_for(resolved).records, SQLiteRecords)
    assert session_store_for(resolved) is session_store_for(resolved)  # one per backend per process
    assert session_store_for(settings()) is not session_store_for(settings())  # none set: each client its own
    with pytest.raises(ConfigurationError, match="unknown session store"):
        session_store_for(settings(), "postgres://x")


def test_the_sdk_shares_the_session_with_its_other_company_clients() -> None:
    from tripletex_connect.client import Tripletex

    tx = Tripletex("c", "e", base_url="http://127.0.0.1:9/v2")
    store = tx._transport.session.store
    assert tx.with_company(7)._transport.session.store is store
    shared = Tripletex("c", "e", base_url="http://127.0.0.1:9/v2", session_store="memory")
    again = Tripletex("c", "e", base_url="http://127.0.0.1:9/v2", session_store="memory")
    assert shared._transport.session.store is again._transport.session.store


class _Counter(BaseHTTPRequestHandler):
    """A local Tripletex stand-in on 127.0.0.1 that counts session creations."""

    created: list[str]
    lock: threading.Lock

    def do_PUT(self) -> None:
        with self.lock:
            self.created.append(f"session-{len(self.created) + 1}")
            token = self.created[-1]
        threading.Event().wait(0.05)  # widens the window in which the other processes race, asserts nothing
        self._answer(200, {"value": {"token": token, "expirationDate": "2099-01-01"}})

    def do_GET(self) -> None:
        self._answer(200, {"value": {"id": 1}})

    def _answer(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        """Quiet."""


def _one_client(base_url: str, store: str, start: Any, results: Any) -> None:
    from tripletex_connect.client import Tripletex

    start.wait()
    with Tripletex("consumer-secret-A", "employee-secret-B", base_url=base_url, session_store=store) as tx:
        tx.request("GET", "/employee/1")
        results.put(tx._transport.session.created)


@pytest.mark.parametrize("backend", ["sqlite", "redis"])
def test_n_processes_on_one_store_create_exactly_one_session(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest,
) -> None:
    if backend == "redis":
        store = request.getfixturevalue("redis_url")
        import redis

        redis.Redis.from_url(store).flushdb()
    else:
        store = f"sqlite://{tmp_path}/sessions.db"
    handler = type("Handler", (_Counter,), {"created": [], "lock": threading.Lock()})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base_url = f"http://127.0.0.1:{server.server_address[1]}/v2"
    context = multiprocessing.get_context("fork")
    start, results = context.Event(), context.Queue()
    processes = [context.Process(target=_one_client, args=(base_url, store, start, results)) for _ in range(4)]
    try:
        for process in processes:
            process.start()
        start.set()
        for process in processes:
            process.join(timeout=60)
        assert [p.exitcode for p in processes] == [0, 0, 0, 0]
        assert handler.created == ["session-1"]
        assert sorted(results.get(timeout=5) for _ in processes) == [0, 0, 0, 1]
    finally:
        server.shutdown()
        server.server_close()
        if backend == "sqlite":
            assert stat.S_IMODE(os.stat(tmp_path / "sessions.db").st_mode) == 0o600


def test_two_clients_on_one_sqlite_file_work_the_sandbox_with_one_session(
    tripletex_sandbox: Any, tmp_path: Path,
) -> None:
    from tripletex_connect.client import Tripletex

    def client() -> Tripletex:  # a store object each, as two processes would have, on one file
        store = SessionStore(SQLiteRecords(str(tmp_path / "sessions.db"), "session_record", "test"))
        return Tripletex(tripletex_sandbox.consumer_token, tripletex_sandbox.employee_token,
                         base_url=tripletex_sandbox.base_url, session_store=store)

    first, second = client(), client()
    with first, second:
        assert first.whoami()["company"]["id"] == second.whoami()["company"]["id"] == tripletex_sandbox.company_id
        with first.with_company(tripletex_sandbox.client_company_id) as other:  # an accountant's client
            assert other.whoami()["company"]["id"] == tripletex_sandbox.client_company_id
        made = [tx._transport.session.created for tx in (first, second, other)]
        assert made == [1, 0, 0]


def test_successive_ttx_processes_reuse_the_session_in_a_sqlite_store(tripletex_sandbox: Any, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRIPLETEX_")}
    sessions = tmp_path / "sessions.db"
    env.update(TRIPLETEX_CONFIG=str(tmp_path / "config.toml"), TRIPLETEX_BASE_URL=tripletex_sandbox.base_url,
               TRIPLETEX_CONSUMER_TOKEN=tripletex_sandbox.consumer_token,
               TRIPLETEX_EMPLOYEE_TOKEN=tripletex_sandbox.employee_token, TRIPLETEX_SESSION_STORE=f"sqlite://{sessions}")

    def ttx_whoami() -> str:
        done = subprocess.run([sys.executable, "-c", "from tripletex_connect.cli.main import run; run()", "whoami"],
                              capture_output=True, text=True, env=env, timeout=60, check=False)
        assert done.returncode == 0, done.stderr
        with sqlite3.connect(sessions) as db:
            return str(json.loads(db.execute("SELECT value FROM session_record").fetchone()[0])["token"])

    first = ttx_whoami()
    assert ttx_whoami() == first  # the second process read the session instead of creating its own
