"""Run the sandbox: `Sandbox()` serves it in-process on a free 127.0.0.1 port.

The sandbox knows nothing of the SDK: connect a client with `Tripletex.for_sandbox(sandbox_or_company)`,
or use the pytest fixture `tripletex_sandbox` (tripletex_connect.testing), whose company has `.client`.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import uvicorn

from . import defaults
from .app import create_app
from .backend import Backend
from .delivery import WebhookQueue
from .faults import Fault, Faults, parse_fault
from .ratelimit import RateLimit
from .receiver import WebhookReceiver
from .rules.modules import module_fields
from .store import Store

# How uvicorn serves the sandbox: no access log, no X-Forwarded-* rewriting (nothing proxies a local
# sandbox) and no Server header; each is work on every request.
UVICORN_OPTIONS: dict[str, Any] = {
    "log_level": "warning", "lifespan": "off", "access_log": False, "proxy_headers": False, "server_header": False,
}


def default_db_path() -> Path:
    """The sandbox database file in the user data directory."""
    import platformdirs

    return Path(platformdirs.user_data_dir("tripletex-connect")) / "sandbox.sqlite3"


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


@dataclass
class SandboxCompany:
    """One company of a running sandbox: its base URL and the tokens that open it."""

    base_url: str
    consumer_token: str
    employee_token: str
    company_id: int
    client_company_id: int | None
    _faults: Faults | None = None
    _webhooks: WebhookQueue | None = None
    _receivers: list[WebhookReceiver] = field(default_factory=list)

    def inject(self, fault: Fault | str) -> Fault:
        """Make this company's next matching request fail, e.g. `inject("503,method=POST,when=after")`."""
        if self._faults is None:
            raise RuntimeError("this company is not served by a Sandbox that can inject faults")
        item = parse_fault(fault) if isinstance(fault, str) else fault
        item.company_id = self.company_id
        return self._faults.add(item)

    def webhooks(self) -> WebhookReceiver:
        """A local receiver (127.0.0.1, a free port) to subscribe; it records deliveries (closed with the company)."""
        receiver = WebhookReceiver()
        self._receivers.append(receiver)
        return receiver

    def flush_webhooks(self) -> int:
        """Send this company's queued webhook deliveries now, retries without waiting; the number delivered."""
        if self._webhooks is None:
            raise RuntimeError("this company is not served by a Sandbox that delivers webhooks")
        return self._webhooks.flush(self.company_id)

    def close(self) -> None:
        """Close the webhook receivers and drop the faults injected for this company."""
        for receiver in self._receivers:
            receiver.close()
        self._receivers.clear()
        if self._faults is not None:
            self._faults.clear(self.company_id)


class Sandbox:
    """A local Tripletex sandbox served by uvicorn in a background thread.

    `modules_off=["logistics"]` serves companies without those modules (their operations answer 403/9000);
    `faults=["503,method=GET,times=2"]` answers chosen requests with 429 or a 5xx (see `sandbox.faults`);
    `rate_limit="100/60s"` (`rate_limit_scope="company"` for a bucket per client company) sets the rate limit;
    `webhook_delivery="sync"|"manual"` sends webhooks before a request answers, or only on `flush_webhooks()`.
    """

    def __init__(
        self, *, seed: str | None = None, db: str | Path | None = None, memory: bool = True, host: str = "127.0.0.1",
        port: int | None = None, consumer_token: str | None = None, employee_token: str | None = None,
        rate_limit: int | str | RateLimit = defaults.RATE_LIMIT, modules_off: Iterable[str] = (),
        faults: Iterable[Fault | str] = (),
        **backend_options: Any,
    ) -> None:
        off = module_fields(modules_off)  # before any file is opened: an unknown name is a ValueError
        injected = [parse_fault(f) if isinstance(f, str) else f for f in faults]
        consumer, employee = defaults.configured_tokens()
        self.consumer_token = consumer_token or consumer
        self.employee_token = employee_token or employee
        self.host, self.port = host, port or free_port(host)
        self.seed = seed
        path = None if (memory and db is None) else str(db or default_db_path())
        if path:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.store = Store(path)
        self.backend = Backend(
            self.store, base_url=self.base_url, consumer_token=self.consumer_token, rate_limit=rate_limit,
            modules_off=off, **backend_options,
        )
        self.faults: Faults = self.backend.faults
        for fault in injected:
            self.faults.add(fault)
        self.app = create_app(self.backend)
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.company = self._main_company()

    @property
    def base_url(self) -> str:
        """The API base URL (`http://127.0.0.1:PORT/v2`)."""
        return f"http://{self.host}:{self.port}/v2"

    def _main_company(self) -> SandboxCompany:
        with self.store.transaction() as tx:
            row = tx.conn.execute(
                "SELECT id FROM companies WHERE employee_token = ?", (self.employee_token,)
            ).fetchone()
        if row is None:
            info = self.backend.new_company(employee_token=self.employee_token, seed=self.seed)
            return self._company(info.company_id, info.employee_token, info.client_company_id)
        self.backend.match_modules(row[0])
        return self._company(row[0], self.employee_token, None)

    def _company(self, company_id: int, token: str, client: int | None) -> SandboxCompany:
        return SandboxCompany(self.base_url, self.consumer_token, token, company_id, client, _faults=self.faults,
                              _webhooks=self.backend.webhooks)

    def new_company(self, *, modules_off: Iterable[str] | None = None) -> SandboxCompany:
        """A fresh company with its own employee token (without `modules_off`, default the sandbox's)."""
        info = self.backend.new_company(modules_off=modules_off)
        return self._company(info.company_id, info.employee_token, info.client_company_id)

    def new_client_company(self, owner_id: int, name: str) -> int:
        """Another client company that the company `owner_id`'s login can act for (an accountant's client)."""
        return self.backend.new_client_company(owner_id, name)

    def start(self) -> Sandbox:
        """Serve in a background thread; returns when the server accepts connections."""
        config = uvicorn.Config(self.app, host=self.host, port=self.port, **UVICORN_OPTIONS)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._run, name="tripletex-sandbox", daemon=True)
        self._thread.start()
        while not self._server.started:
            if not self._thread.is_alive():
                raise RuntimeError(f"the sandbox could not start on {self.host}:{self.port}")
            self._thread.join(0.01)
        return self

    def _run(self) -> None:
        assert self._server is not None
        self._server.run()  # uvicorn's own loop choice: uvloop and httptools when installed (uvicorn[standard])

    def stop(self) -> None:
        """Stop serving and delivering webhooks, and close the database."""
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(10)
            self._server = None
        self.backend.webhooks.stop()
        self.company.close()
        self.store.close()

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
