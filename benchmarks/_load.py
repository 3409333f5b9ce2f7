"""A lean HTTP/1.1 load generator (keep-alive connections on raw sockets) and a sandbox in its own process.

The generator does as little as it can per request (no HTTP library, no parsing beyond Content-Length), so
that on a small machine most of the CPU goes to the server being measured.
"""

from __future__ import annotations

import asyncio
import base64
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tripletex_connect.sandbox.server import free_port

TOKENS = ("bench-consumer", "bench-employee")


def cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) a process has used so far, from /proc; None where there is no /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def sandbox_process(db: str | None = None, pids: list[int] | None = None) -> Iterator[str]:
    """`ttx sandbox serve` (in memory, or on a database file) in a subprocess with the rate limit lifted;
    yields its base URL (and appends the server's process id to `pids`)."""
    port = free_port()
    storage = ["--db", db] if db else ["--memory"]
    process = subprocess.Popen(
        [sys.executable, "-m", "tripletex_connect", "sandbox", "serve", *storage, "--port", str(port),
         "--consumer-token", TOKENS[0], "--employee-token", TOKENS[1], "--rate-limit", "100000000/60"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/v2"
    if pids is not None:
        pids.append(process.pid)
    try:
        for _ in range(600):
            try:
                httpx.get(f"{base}/event", timeout=0.5)
                break
            except httpx.HTTPError:
                time.sleep(0.05)
        else:
            raise RuntimeError("the sandbox did not start")
        yield base
    finally:
        process.terminate()
        process.wait(10)


def basic_auth(base: str) -> str:
    """An Authorization header value for a new session on the benchmark sandbox."""
    answer = httpx.put(f"{base}/token/session/:create", params={
        "consumerToken": TOKENS[0], "employeeToken": TOKENS[1], "expirationDate": "2099-01-01"})
    answer.raise_for_status()
    token = answer.json()["value"]["token"]
    return "Basic " + base64.b64encode(f"0:{token}".encode()).decode()


async def _connection(host: str, port: int, request: bytes, stop_at: float, latencies: list[float]) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            if not head.startswith(b"HTTP/1.1 200"):
                raise RuntimeError(head.split(b"\r\n", 1)[0].decode())
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
    finally:
        writer.close()


async def _load(host: str, port: int, request: bytes, clients: int, seconds: float) -> tuple[int, float, float]:
    latencies: list[float] = []
    started = time.perf_counter()
    stop_at = started + seconds
    await asyncio.gather(*(_connection(host, port, request, stop_at, latencies) for _ in range(clients)))
    elapsed = time.perf_counter() - started
    return len(latencies), elapsed, statistics.median(latencies) if latencies else float("nan")


def requests_per_second(base: str, path: str, authorization: str, clients: int, seconds: float) -> tuple[float, float]:
    """(requests per second, median latency in seconds) of `clients` keep-alive connections GETting `path`."""
    url = httpx.URL(base + path)
    host, port = url.host, url.port or 80
    request = (f"GET {url.raw_path.decode()} HTTP/1.1\r\nHost: {host}:{port}\r\nAuthorization: {authorization}\r\n"
               "Accept: application/json\r\n\r\n").encode()
    try:
        import uvloop

        runner = uvloop.run
    except ImportError:  # pragma: no cover - uvicorn[standard] brings uvloop
        runner = asyncio.run
    done, elapsed, median = runner(_load(host, port, request, clients, seconds))
    return done / elapsed, median
