"""Webhooks: the events of `GET /event`, the rules of `/event/subscription`, and the deliveries a request's
writes cause (built inside its transaction, sent after the commit by `delivery.WebhookQueue`).

A delivery is a POST of `{"subscriptionId", "event", "id", "value"}` (value null on delete, shaped by the
subscription's `fields`) with an `idempotency-key` header, the subscription's own auth header or the Basic
auth of `user:pass@` in its URL, and `x-request-signature` = base64(HmacSHA512(key=hmacSharedSecret,
msg=idempotency-key + "&" + body)) when a secret is set.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit, urlunsplit

from .changes import collapse
from .context import Ctx
from .errors import SandboxError, invalid, not_found
from .render import ALL, Tree, check_fields, parse_fields
from .reply import Reply
from .rules import Rules
from .store import Row, Tx

if TYPE_CHECKING:
    from ..catalog import Operation
    from .engine import Engine
    from .rules.batch import Backend

# Stored type -> the object name of its events (`Customer` -> `customer.create|update|delete`).
OBJECTS = {
    "Customer": "customer", "Supplier": "supplier", "Product": "product", "Order": "order", "Project": "project",
    "Employee": "employee", "Contact": "contact", "Voucher": "voucher", "Account": "account",
}
_NOUNS = {"account": "A booking account", "archiverelation": "A document archive relation"}
# Events the real API offers that nothing in the local sandbox causes: they can be subscribed to, never sent.
NOT_SENT = {
    "archiverelation.create": None, "archiverelation.update": None, "archiverelation.delete": None,
    "notification.sent": "A notification has been sent to the employee (owner of the token)",
    "voucherstatus.ready": "A new voucher is ready to be processed from the voucher reception",
    "closeGroup.create": "A close group has been created", "closeGroup.delete": "A close group has been deleted",
}
VERBS = {"create": "created", "update": "updated", "delete": "deleted"}
STATUSES = ("ACTIVE", "DISABLED", "DISABLED_TOO_MANY_ERRORS", "DISABLED_RATE_LIMIT_EXCEEDED", "DISABLED_MISUSE")
SECRETS = ("authHeaderValue", "hmacSharedSecret")  # write-only: stored hidden, never shown
LOOPBACK_NAMES = {"localhost"}


@dataclass(frozen=True)
class Event:
    """One event a subscription can name."""

    name: str
    description: str
    model: str | None  # the model of a delivery's value (None: delete events and events never sent)
    sent: bool = True


def _events() -> dict[str, Event]:
    out: dict[str, Event] = {"invoice.charged": Event("invoice.charged", "A new invoice has been created and charged",
                                                       "Invoice")}
    for model, name in OBJECTS.items():
        noun = _NOUNS.get(name, f"A{'n' if name[0] in 'aeiou' else ''} {name}")
        for verb, past in VERBS.items():
            out[f"{name}.{verb}"] = Event(f"{name}.{verb}", f"{noun} has been {past}",
                                          None if verb == "delete" else model)
    for name, text in NOT_SENT.items():
        description = text or f"{_NOUNS['archiverelation']} has been {VERBS[name.split('.')[1]]}"
        out[name] = Event(name, description + " (never sent by the local sandbox)", None, sent=False)
    return out


EVENTS = _events()


def event_list() -> dict[str, dict[str, str]]:
    """The value of `GET /event`: event name -> description (and the payload model where there is one)."""
    return {e.name: {"description": e.description, **({"payloadModel": e.model} if e.model else {})}
            for e in EVENTS.values()}


def event_info(backend: Backend, tx: Tx, ctx: Ctx, values: dict[str, str], params: dict[str, str],
               tree: Tree) -> Reply:
    """`GET /event/{eventType}`: the event with an example delivery (expanded unless `fields` says otherwise)."""
    event = EVENTS.get(values["eventType"])
    if event is None:
        raise not_found(f"Hendelsen {values['eventType']!r}")
    example = {"id": 1, "version": 0} if event.model else None
    info = {"name": event.name, "description": event.description, "payloadModel": event.model,
            "examples": [{"subscriptionId": 1, "event": event.name, "id": 1, "value": example}]}
    shape = tree if params.get("fields", "").strip() else parse_fields("*,examples(subscriptionId,event,id,value)")
    return Reply(200, {"value": backend.engine.renderer(tx, ctx).render("EventInfo", info, shape)})


def _delete_many(backend: Backend, tx: Tx, ctx: Ctx, op: Operation, values: dict[str, str],
                 params: dict[str, str], body: Any) -> None:
    """`DELETE /event/subscription/list?ids=1,2`: delete each subscription, or none when one is missing."""
    try:
        ids = [int(part) for part in params.get("ids", "").split(",") if part.strip()]
    except ValueError:
        raise invalid([("ids", "Ugyldig liste av id-er.")], code=21000) from None
    for id in ids:
        backend.engine.delete(tx, ctx, "Subscription", id)


ACTIONS = {"event_subscription.delete_many": _delete_many}


def is_loopback(host: str) -> bool:
    """Whether a URL host is this machine (127.0.0.0/8, ::1, localhost)."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def target_problem(url: Any) -> str | None:
    """Why a `targetUrl` is refused: absolute https (the real API's rule), or http to loopback (the sandbox's)."""
    if not isinstance(url, str) or not url.strip():
        return "Feltet må fylles ut."
    parts = urlsplit(url.strip())
    if parts.scheme == "https" and parts.hostname:
        return None
    if parts.scheme == "http" and parts.hostname and is_loopback(parts.hostname):
        return None
    return "Må være en absolutt https-adresse (den lokale sandkassen godtar også http til 127.0.0.1/localhost)."


class SubscriptionRules(Rules):
    """A subscription names a known event and a reachable target; its secrets are write-only."""

    required = ("event", "targetUrl")

    def on_create(self, tx: Tx, ctx: Ctx, data: dict[str, Any]) -> None:
        """Check it, start it ACTIVE and hide its secrets."""
        data.setdefault("status", "ACTIVE")
        self._check(data)

    def on_update(self, tx: Tx, ctx: Ctx, old: Row, data: dict[str, Any]) -> None:
        """Check the new state; a subscription switched back to ACTIVE starts counting errors afresh."""
        self._check(data)

    def _check(self, data: dict[str, Any]) -> None:
        self.check_required(data)
        problems: list[tuple[str | None, str]] = []
        event = EVENTS.get(str(data.get("event")))
        if event is None:
            problems.append(("event", "Ukjent hendelse; se GET /event for gyldige verdier."))
        problem = target_problem(data.get("targetUrl"))
        if problem:
            problems.append(("targetUrl", problem))
        if data.get("fields") and event is not None and event.model:
            try:
                check_fields(event.model, parse_fields(str(data["fields"])))
            except SandboxError as error:
                problems.append(("fields", error.message))
        if problems:
            raise invalid(problems)
        for name in SECRETS:
            if name in data:
                data["_" + name] = data.pop(name)


RULES: dict[str, Rules] = {"Subscription": SubscriptionRules()}


@dataclass
class Delivery:
    """One webhook POST waiting to be sent (retries reuse its idempotency key)."""

    company_id: int
    subscription_id: int
    event: str
    url: str
    body: bytes
    headers: dict[str, str]
    attempts: int = 0
    due: float = 0.0
    errors: list[str] = field(default_factory=list)


def sign(secret: str, idempotency_key: str, body: bytes) -> str:
    """`x-request-signature`: base64(HmacSHA512(key=secret, msg=idempotency-key + "&" + body))."""
    digest = hmac.new(secret.encode(), idempotency_key.encode() + b"&" + body, hashlib.sha512).digest()
    return base64.b64encode(digest).decode()


def _target(url: str) -> tuple[str, str | None]:
    """The URL without `user:pass@`, and the Basic Authorization header those credentials make."""
    parts = urlsplit(url)
    if parts.username is None:
        return url, None
    netloc = parts.hostname or ""
    if ":" in netloc:
        netloc = f"[{netloc}]"
    if parts.port:
        netloc += f":{parts.port}"
    user_pass = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
    auth = "Basic " + base64.b64encode(user_pass.encode()).decode()
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment)), auth


def make_delivery(company_id: int, subscription: Row, event: str, id: int, value: Any) -> Delivery:
    """The POST for one event and subscription, with its headers."""
    sub = subscription.data
    body = json.dumps({"subscriptionId": subscription.id, "event": event, "id": id, "value": value},
                      ensure_ascii=False, separators=(",", ":")).encode()
    key = str(uuid.uuid4())
    url, basic = _target(str(sub["targetUrl"]))
    headers = {"content-type": "application/json; charset=utf-8", "idempotency-key": key}
    if basic:
        headers["authorization"] = basic
    if sub.get("authHeaderName") and sub.get("_authHeaderValue") is not None:
        headers[str(sub["authHeaderName"]).lower()] = str(sub["_authHeaderValue"])
    if sub.get("_hmacSharedSecret"):
        headers["x-request-signature"] = sign(str(sub["_hmacSharedSecret"]), key, body)
    return Delivery(company_id, subscription.id, event, url, body, headers)


def _events_of(tx: Tx) -> list[tuple[int, str, str, int]]:
    """(company, event, stored type, id) of each object the transaction wrote that has an event."""
    written = collapse(tx.writes)
    out: list[tuple[int, str, str, int]] = []
    touched: set[tuple[int, str, int]] = set()
    for (company_id, type, id), verb in written.items():
        if type in OBJECTS:
            out.append((company_id, f"{OBJECTS[type]}.{verb}", type, id))
            touched.add((company_id, type, id))
        elif type == "Invoice" and verb == "create":
            out.append((company_id, "invoice.charged", type, id))
    for (company_id, type, id), verb in written.items():
        # Tripletex: voucher.update "also triggered when changing the voucher's postings".
        posting = tx.get(company_id, "Posting", id) if type == "Posting" and verb != "delete" else None
        voucher = (posting.data.get("voucher") or {}).get("id") if posting else None
        if isinstance(voucher, int) and (company_id, "Voucher", voucher) not in touched:
            touched.add((company_id, "Voucher", voucher))
            out.append((company_id, "voucher.update", "Voucher", voucher))
    return out


def deliveries(tx: Tx, ctx: Ctx, engine: Engine) -> list[Delivery]:
    """The deliveries the transaction's writes cause, rendered as each subscription's `fields` asks."""
    written = {write.company_id for write in tx.writes}
    if not any(tx.has_type(c, "Subscription") for c in written):  # nobody listens: no event to look for
        return []
    events = _events_of(tx)
    companies = {company_id for company_id, *_ in events}
    subscriptions = {c: tx.find(c, "Subscription", "status", "ACTIVE") for c in companies
                     if tx.has_type(c, "Subscription")}
    out: list[Delivery] = []
    render = engine.renderer(tx, ctx).render
    for company_id, name, type, id in events:
        for sub in subscriptions.get(company_id, []):
            if sub.data.get("event") != name:
                continue
            row = None if name.endswith(".delete") else tx.get(company_id, type, id)
            tree = parse_fields(str(sub.data["fields"])) if sub.data.get("fields") else ALL
            value = render(type, row.full(), tree) if row is not None else None
            out.append(make_delivery(company_id, sub, name, id, value))
    return out
