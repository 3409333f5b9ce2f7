"""Fixtures shared by the core tests: a mocked API that hands out sessions, a list of waits, a real redis-server."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest
import respx

from .test_transport import BASE, session_answer

REDIS_SERVER = shutil.which("redis-server") or shutil.which("/usr/bin/redis-server")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real redis-server on a free port of 127.0.0.1, in a tmp dir, without persistence; stopped after."""
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed (scripts/setup_system.sh installs it)")
    folder = tmp_path_factory.mktemp("redis")
    port = _free_port()
    process = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(folder)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        import redis

        client = redis.Redis(host="127.0.0.1", port=port)
        for _ in range(200):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.02)  # waiting for a real server process to listen, not a timing assertion
        client.close()
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    """A mocked Tripletex API whose session creation answers fresh tokens."""
    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        router.put("/token/session/:create").mock(
            side_effect=[session_answer(f"session-tok-{i}", "2026-11-27") for i in range(1, 10)]
        )
        yield router


@pytest.fixture
def sleeps() -> list[float]:
    """The waits a fake sleep was asked for."""
    return []
