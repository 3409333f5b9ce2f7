"""`ttx serve` at rest and at work: an idle service with 50 watch scenarios (requests per minute and CPU
while nothing changes), and the delay from a change in the sandbox to the first step of the scenario
(a watch polling every second, and a webhook trigger).

Run: .venv/bin/python benchmarks/serve_idle.py [SECONDS]
The sandbox runs in its own process, so the CPU measured is the service's alone. Prints ratios measured
in this run; a benchmark, never a test assertion.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from tripletex_connect import Tripletex
from tripletex_connect.runtime import RunStore, Service
from tripletex_connect.runtime.clients import ClientPool
from tripletex_connect.runtime.web import create_app
from tripletex_connect.runtime.web.server import WebServer
from tripletex_connect.runtime.webhooks import Hooks
from tripletex_connect.sandbox.server import free_port

WATCHES = 50
WATCH = """name: watch {n}
trigger: {{type: watch, module: customer.search, every: {every}}}
steps: [{{id: tag, module: customer.update, params: {{id: "{{{{ trigger.id }}}}"}}, body: {{description: seen {n}}}}}]
"""
HOOK = """name: hooked
trigger: {type: webhook, event: customer.create}
steps: [{id: tag, module: customer.get, params: {id: "{{ trigger.id }}"}}]
"""
TOKENS = ("bench-consumer", "bench-employee")


class Counting:
    """Counts the requests a client sends, those answered 304 Not Modified, and the bytes of the answers."""

    def __init__(self) -> None:
        self.count = 0
        self.not_modified = 0
        self.lock = threading.Lock()

    def __call__(self, response: httpx.Response) -> None:
        with self.lock:
            self.count += 1
            self.not_modified += response.status_code == 304


def start_sandbox() -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "tripletex_connect", "sandbox", "serve", "--memory",
                                "--port", str(port), "--consumer-token", TOKENS[0], "--employee-token", TOKENS[1],
                                "--rate-limit", "100000/60"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/v2"
    for _ in range(200):
        try:
            httpx.get(f"http://127.0.0.1:{port}/v2/event", timeout=0.5)
            return process, base
        except httpx.HTTPError:
            time.sleep(0.05)
    raise RuntimeError("the sandbox did not start")


def serve(folder: Path, base: str, counter: Counting, *, hooks: bool) -> tuple[Service, RunStore, list[WebServer]]:
    store = RunStore(folder.parent / f"{folder.name}.sqlite3")
    client = Tripletex(*TOKENS, base_url=base, http_client=httpx.Client(event_hooks={"response": [counter]}))
    servers: list[WebServer] = []
    hook = None
    if hooks:
        port = free_port()
        hook = Hooks(store, receiver_url=f"http://127.0.0.1:{port}")
    service = Service(folder, store, ClientPool(lambda _c: client), workers=4, hooks=hook, watch_every=5)
    if hook is not None:
        servers.append(WebServer(create_app(service), "127.0.0.1", int(hook.receiver_url.rsplit(":", 1)[1])).start())
    threading.Thread(target=service.run_forever, kwargs={"interval": 0.1}, daemon=True).start()
    return service, store, servers


def idle(base: str, tmp: Path, seconds: float) -> None:
    folder = tmp / "idle"
    folder.mkdir()
    for n in range(WATCHES):
        (folder / f"watch{n}.yaml").write_text(WATCH.format(n=n, every="5s"), encoding="utf-8")
    counter = Counting()
    service, store, _ = serve(folder, base, counter, hooks=False)
    time.sleep(6)  # every watch has taken its first position
    start_count, start_304 = counter.count, counter.not_modified
    cpu, wall = time.process_time(), time.monotonic()
    time.sleep(seconds)
    requests = counter.count - start_count
    answered_304 = counter.not_modified - start_304
    used, elapsed = time.process_time() - cpu, time.monotonic() - wall
    service.request_stop()
    service.stop()
    per_minute = requests / elapsed * 60
    print(f"idle service, {WATCHES} watch scenarios polling every 5 s, {elapsed:.0f} s measured:")
    print(f"  {per_minute:.0f} requests per minute ({per_minute / WATCHES:.1f} per scenario per minute; "
          f"{per_minute / (WATCHES * 12):.2f} requests per poll)")
    print(f"  {answered_304 / max(requests, 1) * 100:.0f} % answered 304 Not Modified (If-None-Match on an "
          "id,version look of one object)")
    print(f"  CPU {used / elapsed * 100:.1f} % of one core ({used:.2f} s CPU in {elapsed:.0f} s)")
    store.close()


def delay(base: str, tmp: Path, rounds: int = 5) -> None:
    folder = tmp / "delay"
    folder.mkdir()
    (folder / "watch.yaml").write_text(WATCH.format(n=0, every="1s"), encoding="utf-8")
    (folder / "hooked.yaml").write_text(HOOK, encoding="utf-8")
    service, store, servers = serve(folder, base, Counting(), hooks=True)
    writer = Tripletex(*TOKENS, base_url=base)
    time.sleep(2.5)
    delays: dict[str, list[float]] = {"watch 0": [], "hooked": []}
    for n in range(rounds):
        before = {name: len(store.runs(name)) for name in delays}
        made = time.monotonic()
        writer.customers.create({"name": f"Delay {n} AS"})
        seen: dict[str, float] = {}
        while len(seen) < len(delays) and time.monotonic() - made < 10:
            for name in delays:
                if name not in seen and len(store.runs(name)) > before[name]:
                    seen[name] = time.monotonic() - made
            time.sleep(0.005)
        for name, value in seen.items():
            delays[name].append(value)
        time.sleep(1.2)
    service.request_stop()
    service.stop()
    for server in servers:
        server.stop()
    writer.close()
    print(f"delay from a new customer in the sandbox to the scenario's first step ({rounds} rounds, median):")
    for name, label in (("watch 0", "watch polling every 1 s"), ("hooked", "webhook trigger")):
        values = sorted(delays[name])
        median = values[len(values) // 2] if values else float("nan")
        print(f"  {label}: {median * 1000:.0f} ms (min {min(values, default=0) * 1000:.0f}, "
              f"max {max(values, default=0) * 1000:.0f})")
    store.close()


def main(seconds: float = 30.0) -> None:
    """Measure the idle cost and the change-to-run delay against a sandbox in its own process."""
    process, base = start_sandbox()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            os.environ.setdefault("TRIPLETEX_DATA_DIR", tmp)
            idle(base, Path(tmp), seconds)
            delay(base, Path(tmp))
    finally:
        process.terminate()
        process.wait(10)


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 30.0)
