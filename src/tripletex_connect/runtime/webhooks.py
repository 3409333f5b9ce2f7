"""Tripletex webhooks: subscriptions the service creates and removes, and the receiver that checks each
delivery's signature, drops repeated ones by idempotency key, queues the work and answers at once.

A delivery is `{"subscriptionId", "event", "id", "value"}` with an `idempotency-key` header and
`x-request-signature` = base64(HmacSHA512(secret, idempotency-key + "&" + body)). It carries no company id:
the subscription it names tells the company and the scenario.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import hmac
import json
import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse

from .store import RunStore, utcnow

if TYPE_CHECKING:
    from ..client import Tripletex
    from ..scenario import Scenario

RECEIVER_PATH = "/hooks/tripletex"
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def sign(secret: str, key: str, body: bytes) -> str:
    """The signature Tripletex sends: base64 of HMAC-SHA512 over `key&body` with the subscription's secret."""
    mac = hmac.new(secret.encode(), key.encode() + b"&" + body, hashlib.sha512)
    return base64.b64encode(mac.digest()).decode()


def is_loopback(url: str) -> bool:
    """True for an address on this machine (a local sandbox)."""
    return (urlsplit(url).hostname or "") in LOOPBACK


class Hooks:
    """Creates and removes the service's subscriptions, one per scenario, event and connection."""

    def __init__(self, store: RunStore, *, receiver_url: str | None, public_url: str | None = None) -> None:
        self.store = store
        self.receiver_url = receiver_url
        self.public_url = public_url

    def target_url(self, client: Tripletex) -> str:
        """Where Tripletex should deliver: the public address, or the loopback receiver for a local sandbox."""
        if self.public_url:
            return self.public_url.rstrip("/") + RECEIVER_PATH
        if not is_loopback(client.settings.base_url):
            raise ValueError("refusing to subscribe webhooks of a remote Tripletex (such as production) without "
                             "--public-url: Tripletex needs an https address it can reach (your reverse proxy "
                             "or tunnel to this service)")
        if self.receiver_url is None:
            raise ValueError("webhook triggers need the receiver, which is not running")
        return self.receiver_url.rstrip("/") + RECEIVER_PATH

    def subscribe(self, scenario: Scenario, client: Tripletex) -> None:
        """Make sure the scenario's event has a subscription on its connection (created with a new secret)."""
        event = scenario.trigger.event
        assert event is not None
        connection = scenario.connection or ""
        target = self.target_url(client)
        for sub in self.store.subscriptions(scenario.name):
            if sub["connection"] == connection and sub["event"] == event and sub["target_url"] == target:
                return
        self.unsubscribe(scenario, client)  # an older subscription (another event or address) goes
        secret = secrets.token_urlsafe(32)
        answer = client.request("POST", "/event/subscription", json={
            "event": event, "targetUrl": target, "fields": "id,version", "hmacSharedSecret": secret})
        value = answer.get("value", answer) if isinstance(answer, dict) else {}
        self.store.add_subscription(int(value["id"]), connection=connection, scenario=scenario.name,
                                    company_id=client.settings.company_id or 0, event=event, target_url=target,
                                    secret=secret)

    def unsubscribe(self, scenario: Scenario, client: Tripletex) -> None:
        """Remove the scenario's subscriptions on its connection (at Tripletex and in the store)."""
        from ..core.errors import NotFoundError

        connection = scenario.connection or ""
        for sub in self.store.subscriptions(scenario.name):
            if sub["connection"] != connection:
                continue
            with contextlib.suppress(NotFoundError):  # removed at Tripletex already
                client.request("DELETE", f"/event/subscription/{sub['id']}")
            self.store.remove_subscription(sub["id"], connection)


def receiver(store: RunStore, wake: Callable[[], None], clock: Callable[[], dt.datetime] = utcnow) -> Any:
    """The Starlette endpoint for deliveries: 200 for a verified one (new or repeated), 401 for a bad signature."""

    async def receive(request: Request) -> JSONResponse:
        body = await request.body()
        key = request.headers.get("idempotency-key", "")
        try:
            payload = json.loads(body)
            subscription = int(payload["subscriptionId"])
            event = str(payload["event"])
        except (ValueError, KeyError, TypeError):
            return JSONResponse({"error": "not a Tripletex delivery"}, status_code=400)
        # Ids are unique per Tripletex, not across connections: the secret tells whose delivery it is.
        candidates = [s for s in store.subscriptions() if s["id"] == subscription]
        if not candidates:
            return JSONResponse({"error": "unknown subscription"}, status_code=404)
        signature = request.headers.get("x-request-signature", "")
        known = next((s for s in candidates if key and hmac.compare_digest(sign(s["secret"], key, body), signature)),
                     None)
        if known is None:
            return JSONResponse({"error": "bad signature"}, status_code=401)
        object_id = payload.get("id")
        accepted = store.accept_delivery(f"{subscription}:{key}", subscription, event,
                                         object_id if isinstance(object_id, int) else None, clock(),
                                         connection=known["connection"])
        if accepted:
            wake()
        return JSONResponse({"accepted": accepted})

    return receive
