"""A local webhook receiver for tests: an HTTP server on 127.0.0.1 (a free port) that records every POST.

    hooks = tripletex_sandbox.webhooks()
    tx.event_subscriptions.create({"event": "customer.create", "targetUrl": hooks.url})
    tx.customers.create({"name": "Acme AS"})
    [delivery] = hooks.wait(1)              # waits on a condition, up to `timeout` seconds
    delivery.json["value"]["name"]          # "Acme AS"
"""

from __future__ import annotations

import base64
import hmac
import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .webhooks import sign


@dataclass(frozen=True)
class Received:
    """One request the receiver got: path, headers (lower-case names) and body."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    status: int  # what the receiver answered

    @property
    def json(self) -> Any:
        """The body decoded as JSON."""
        return json.loads(self.body)

    @property
    def basic_auth(self) -> tuple[str, str] | None:
        """The (user, password) of a Basic Authorization header, if any."""
        header = self.headers.get("authorization", "")
        if not header.startswith("Basic "):
            return None
        user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        return user, password

    def signed_with(self, secret: str) -> bool:
        """Whether `x-request-signature` is the HMAC-SHA512 of `idempotency-key&body` under this secret."""
        expected = sign(secret, self.headers.get("idempotency-key", ""), self.body)
        return hmac.compare_digest(expected, self.headers.get("x-request-signature", ""))


class WebhookReceiver:
    """Records the POSTs it gets; `respond(500, times=2)` makes it fail on purpose."""

    def __init__(self, host: str = "127.0.0.1", path: str = "/webhook") -> None:
        self.path = path
        self._received: list[Received] = []
        self._plan: list[int] = []
        self._cond = threading.Condition()
        self._server = ThreadingHTTPServer((host, 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="webhook-receiver", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        """The URL to subscribe (`http://127.0.0.1:PORT/webhook`)."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}{self.path}"

    def url_with_auth(self, user: str, password: str) -> str:
        """The URL with `user:password@`, which deliveries turn into Basic auth."""
        return self.url.replace("http://", f"http://{user}:{password}@", 1)

    @property
    def deliveries(self) -> list[Received]:
        """Everything received so far, oldest first."""
        with self._cond:
            return list(self._received)

    def respond(self, status: int, times: int = 1) -> None:
        """Answer the next `times` requests with this status (then 200 again)."""
        with self._cond:
            self._plan.extend([status] * times)

    def wait(self, count: int, timeout: float = 10.0) -> list[Received]:
        """The first `count` deliveries once they are in; AssertionError after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self._received) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"expected {count} webhook deliveries within {timeout} s, got "
                                         f"{len(self._received)}: {[r.body[:200] for r in self._received]}")
                self._cond.wait(left)
            return list(self._received[:count])

    def clear(self) -> None:
        """Forget what was received."""
        with self._cond:
            self._received.clear()

    def close(self) -> None:
        """Stop listening."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def __enter__(self) -> WebhookReceiver:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length)
                headers = {k.lower(): v for k, v in self.headers.items()}
                with receiver._cond:  # recorded before answering: the sender never sees an answer not yet listed
                    status = receiver._plan.pop(0) if receiver._plan else 200
                    receiver._received.append(Received("POST", self.path, headers, body, status))
                    receiver._cond.notify_all()
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: tests read deliveries, not logs."""

        return Handler
