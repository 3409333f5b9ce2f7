"""Sending webhook deliveries off the request path: a queue with one worker thread, retries with exponential
backoff, and a subscription disabled (DISABLED_TOO_MANY_ERRORS) after too many failed attempts in a row.

Modes: `background` (a worker thread, started on the first delivery and stopped by `stop()`), `sync` (each
delivery, retries included and without waiting, is made before the request that caused it answers) and
`manual` (nothing is sent until `flush()` or `run_due()`: deterministic tests with an injected clock).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

import httpx

from .store import Store
from .webhooks import Delivery

LOG = logging.getLogger("tripletex_connect.sandbox.webhooks")
Mode = Literal["background", "sync", "manual"]
MODES = ("background", "sync", "manual")


@dataclass(frozen=True)
class Attempt:
    """The outcome of one POST: the subscription, the event, the HTTP status (None: no answer) and the error."""

    subscription_id: int
    event: str
    status: int | None
    error: str | None


class WebhookQueue:
    """Webhook deliveries waiting to be sent, and the worker that sends them."""

    def __init__(
        self, store: Store, *, mode: Mode = "background", transport: httpx.BaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic, max_attempts: int = 5, backoff: float = 1.0,
        max_backoff: float = 60.0, disable_after: int = 10, timeout: float = 10.0,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"webhook delivery mode {mode!r}: use one of {', '.join(MODES)}")
        self.store = store
        self.mode = mode
        self.clock = clock
        self.max_attempts, self.backoff, self.max_backoff = max_attempts, backoff, max_backoff
        self.disable_after = disable_after
        self.attempts: deque[Attempt] = deque(maxlen=1000)  # the latest outcomes, for tests and debugging
        self._http = httpx.Client(transport=transport, timeout=timeout, follow_redirects=False, trust_env=False)
        self._pending: list[Delivery] = []
        self._failures: dict[tuple[int, int], int] = {}  # (company, subscription) -> failed attempts in a row
        self._cond = threading.Condition()
        self._sending = threading.Lock()  # one sender at a time: the worker or a flush
        self._thread: threading.Thread | None = None
        self._stopping = False

    def enqueue(self, items: Iterable[Delivery]) -> None:
        """Queue deliveries (due now); in sync mode, send them before returning."""
        items = list(items)
        if not items:
            return
        now = self.clock()
        with self._cond:
            for item in items:
                item.due = now
            self._pending.extend(items)
            self._cond.notify_all()
        if self.mode == "sync":
            self.flush()
        elif self.mode == "background":
            self._start()

    def pending(self, company_id: int | None = None) -> list[Delivery]:
        """The deliveries not yet sent (of one company, or all)."""
        with self._cond:
            return [d for d in self._pending if company_id in (None, d.company_id)]

    def flush(self, company_id: int | None = None) -> int:
        """Send every queued delivery (of one company, or all) now, retries without waiting; the number delivered.

        When it returns, each delivery queued before the call has been delivered or given up.
        """
        delivered = 0
        with self._sending:
            while True:
                with self._cond:
                    item = next((d for d in self._pending if company_id in (None, d.company_id)), None)
                    if item is None:
                        return delivered
                    self._pending.remove(item)
                delivered += self._attempt(item)

    def run_due(self) -> int:
        """Send the deliveries that are due by the clock, once each; the number delivered."""
        delivered = 0
        with self._sending:
            with self._cond:
                now = self.clock()
                due = [d for d in self._pending if d.due <= now]
                self._pending = [d for d in self._pending if d.due > now]
            for item in due:
                delivered += self._attempt(item)
        return delivered

    def wake(self) -> None:
        """Make the worker look at the clock again (after a test moved an injected clock)."""
        with self._cond:
            self._cond.notify_all()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the worker thread (deliveries still queued stay unsent) and close the HTTP client."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        self._http.close()

    def _start(self) -> None:
        with self._cond:
            if self._thread is not None or self._stopping:
                return
            self._thread = threading.Thread(target=self._run, name="tripletex-sandbox-webhooks", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._stopping:
                    wait = self._next_wait()
                    if wait is not None and wait <= 0:
                        break
                    self._cond.wait(wait)
                if self._stopping:
                    return
            try:
                self.run_due()
            except Exception:  # a worker that dies silently would stop every later delivery
                LOG.exception("webhook worker failure")

    def _next_wait(self) -> float | None:
        """Seconds until the earliest delivery is due (None: nothing queued)."""
        if not self._pending:
            return None
        return min(d.due for d in self._pending) - self.clock()

    def _attempt(self, item: Delivery) -> int:
        """POST one delivery; requeue it with backoff on failure, give up after `max_attempts`. 1 if delivered."""
        key = (item.company_id, item.subscription_id)
        status, error = self._post(item)
        item.attempts += 1
        self.attempts.append(Attempt(item.subscription_id, item.event, status, error))
        if status is not None and 200 <= status < 300:
            self._failures.pop(key, None)
            return 1
        item.errors.append(error or f"HTTP {status}")
        failures = self._failures[key] = self._failures.get(key, 0) + 1
        if failures >= self.disable_after:
            self._disable(item.company_id, item.subscription_id)
            return 0
        if item.attempts < self.max_attempts:
            item.due = self.clock() + min(self.backoff * 2 ** (item.attempts - 1), self.max_backoff)
            with self._cond:
                self._pending.append(item)
                self._cond.notify_all()
        else:
            LOG.warning("webhook %s to subscription %s given up after %d attempts: %s", item.event,
                        item.subscription_id, item.attempts, item.errors[-1])
        return 0

    def _post(self, item: Delivery) -> tuple[int | None, str | None]:
        try:
            answer = self._http.post(item.url, content=item.body, headers=item.headers)
        except httpx.HTTPError as error:
            return None, f"{type(error).__name__}: {error}"
        return answer.status_code, None

    def _disable(self, company_id: int, subscription_id: int) -> None:
        """Set the subscription DISABLED_TOO_MANY_ERRORS and drop its queued deliveries."""
        LOG.warning("webhook subscription %s disabled after %d failed attempts in a row", subscription_id,
                    self.disable_after)
        self._failures.pop((company_id, subscription_id), None)
        with self._cond:
            self._pending = [d for d in self._pending
                             if (d.company_id, d.subscription_id) != (company_id, subscription_id)]
        now = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
        with self.store.transaction() as tx:
            row = tx.get(company_id, "Subscription", subscription_id)
            if row is not None and row.data.get("status") == "ACTIVE":
                tx.replace(company_id, "Subscription", row, {**row.data, "status": "DISABLED_TOO_MANY_ERRORS"}, now)
