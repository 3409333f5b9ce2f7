"""Webhooks: events, subscriptions and the deliveries the sandbox POSTs, as Tripletex's webhook docs describe."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tripletex_connect import NotFoundError, Tripletex, ValidationError
from tripletex_connect.sandbox import SandboxCompany
from tripletex_connect.sandbox.delivery import WebhookQueue
from tripletex_connect.sandbox.receiver import WebhookReceiver
from tripletex_connect.sandbox.reference import BANK_ACCOUNT

from .conftest import Api


@pytest.fixture
def hooks(tripletex_webhooks: WebhookReceiver) -> WebhookReceiver:
    return tripletex_webhooks


def subscribe(tx: Tripletex, event: str, url: str, **extra: Any) -> Any:
    return tx.event_subscriptions.create({"event": event, "targetUrl": url, **extra})


# Events and subscriptions


def test_the_event_list_needs_no_authentication_and_names_every_event(tripletex_sandbox: SandboxCompany) -> None:
    answer = httpx.get(tripletex_sandbox.base_url + "/event")
    assert answer.status_code == 200
    events = answer.json()["value"]
    for obj in ("customer", "supplier", "product", "order", "project", "employee", "contact", "voucher", "account"):
        assert {f"{obj}.create", f"{obj}.update", f"{obj}.delete"} <= set(events)
    assert events["invoice.charged"] == {"description": "A new invoice has been created and charged",
                                         "payloadModel": "Invoice"}
    assert "payloadModel" not in events["order.delete"]  # a delete carries no object


def test_one_event_shows_its_model_and_an_example_delivery(tx: Tripletex) -> None:
    info = tx.events.get("product.create")
    assert (info.name, info.payload_model) == ("product.create", "Product")
    assert info.examples[0].event == "product.create"
    with pytest.raises(NotFoundError):
        tx.events.get("product.explode")


def test_a_subscription_starts_active_and_never_shows_its_secrets(tx: Tripletex, hooks: WebhookReceiver) -> None:
    sub = subscribe(tx, "customer.create", hooks.url, fields="id,name", authHeaderName="X-Key",
                    authHeaderValue="s3cret", hmacSharedSecret="hush")
    assert (sub.status, sub.fields, sub.auth_header_name) == ("ACTIVE", "id,name", "X-Key")
    for shown in (sub, tx.event_subscriptions.get(sub.id), tx.event_subscriptions.search().first()):
        assert shown is not None and shown.auth_header_value is None and shown.hmac_shared_secret is None
    raw = tx.request("GET", f"/event/subscription/{sub.id}")
    assert "s3cret" not in str(raw) and "hush" not in str(raw)


def test_subscriptions_are_updated_and_deleted_one_by_one_and_in_bulk(tx: Tripletex, hooks: WebhookReceiver) -> None:
    a, b = tx.event_subscriptions.create_many([{"event": "order.create", "targetUrl": hooks.url},
                                               {"event": "order.delete", "targetUrl": hooks.url}])
    off = tx.event_subscriptions.update(a.id, {"version": a.version, "status": "DISABLED"})
    assert (off.status, off.version) == ("DISABLED", a.version + 1)
    [b2] = tx.event_subscriptions.update_many([{"id": b.id, "version": b.version, "fields": "id"}])
    assert b2.fields == "id"
    tx.event_subscriptions.delete_many(ids=[a.id, b.id])
    assert tx.event_subscriptions.search().to_list() == []
    c = subscribe(tx, "order.update", hooks.url)
    tx.event_subscriptions.delete(c.id)
    assert tx.event_subscriptions.search().to_list() == []


@pytest.mark.parametrize(("body", "field"), [
    ({"event": "customer.explode", "targetUrl": "https://example.invalid/x"}, "event"),
    ({"event": "customer.create", "targetUrl": "http://example.invalid/x"}, "targetUrl"),
    ({"event": "customer.create", "targetUrl": "/relative"}, "targetUrl"),
    ({"event": "customer.create", "targetUrl": "https://example.invalid/x", "fields": "id,nope"}, "fields"),
    ({"event": "customer.create"}, "targetUrl"),
])
def test_a_bad_subscription_is_refused_on_its_field(tx: Tripletex, body: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        tx.event_subscriptions.create(body)
    assert field in [m.field for m in caught.value.validation_messages]


def test_https_targets_anywhere_and_http_only_to_loopback_are_taken(tx: Tripletex) -> None:
    for url in ("https://hooks.example/x", "http://127.0.0.1:9/x", "http://localhost:9/x", "http://[::1]:9/x"):
        assert subscribe(tx, "customer.create", url).target_url == url


# Deliveries


def test_create_update_and_delete_are_delivered_with_the_object_shaped_by_fields(
    tx: Tripletex, hooks: WebhookReceiver,
) -> None:
    subs = {verb: subscribe(tx, f"customer.{verb}", hooks.url, fields="id,name,version")
            for verb in ("create", "update", "delete")}
    customer = tx.customers.create({"name": "Acme AS"})
    tx.customers.update(customer.id, {"version": 0, "name": "Acme Norge AS"})
    tx.customers.delete(customer.id)
    bodies = [d.json for d in hooks.wait(3)]
    assert bodies == [
        {"subscriptionId": subs["create"].id, "event": "customer.create", "id": customer.id,
         "value": {"id": customer.id, "name": "Acme AS", "version": 0}},
        {"subscriptionId": subs["update"].id, "event": "customer.update", "id": customer.id,
         "value": {"id": customer.id, "name": "Acme Norge AS", "version": 1}},
        {"subscriptionId": subs["delete"].id, "event": "customer.delete", "id": customer.id, "value": None},
    ]


def test_each_delivery_has_its_own_idempotency_key_and_comes_as_json(tx: Tripletex, hooks: WebhookReceiver) -> None:
    subscribe(tx, "product.create", hooks.url)
    tx.products.create({"name": "A"})
    tx.products.create({"name": "B"})
    first, second = hooks.wait(2)
    assert first.headers["idempotency-key"] and first.headers["idempotency-key"] != second.headers["idempotency-key"]
    assert first.headers["content-type"].startswith("application/json")
    assert first.json["value"]["name"] == "A" and "url" in first.json["value"]  # no fields: the whole object


def test_a_delivery_is_signed_with_the_shared_secret(tx: Tripletex, hooks: WebhookReceiver) -> None:
    subscribe(tx, "supplier.create", hooks.url, hmacSharedSecret="S5Yd3Dz6FWmj")
    tx.suppliers.create({"name": "Leverandør AS"})
    [delivery] = hooks.wait(1)
    message = delivery.headers["idempotency-key"].encode() + b"&" + delivery.body
    expected = base64.b64encode(hmac.new(b"S5Yd3Dz6FWmj", message, hashlib.sha512).digest()).decode()
    assert delivery.headers["x-request-signature"] == expected
    assert delivery.signed_with("S5Yd3Dz6FWmj") and not delivery.signed_with("wrong")


def test_without_a_secret_there_is_no_signature(tx: Tripletex, hooks: WebhookReceiver) -> None:
    subscribe(tx, "supplier.create", hooks.url)
    tx.suppliers.create({"name": "Leverandør AS"})
    assert "x-request-signature" not in hooks.wait(1)[0].headers


def test_the_custom_auth_header_and_url_credentials_are_sent(tx: Tripletex, hooks: WebhookReceiver) -> None:
    subscribe(tx, "product.create", hooks.url, authHeaderName="Authorization", authHeaderValue="Bearer abc123")
    subscribe(tx, "product.create", hooks.url_with_auth("ola", "p@ss"))
    tx.products.create({"name": "A"})
    headers = sorted(d.headers.get("authorization", "") for d in hooks.wait(2))
    assert headers == ["Basic " + base64.b64encode(b"ola:p@ss").decode(), "Bearer abc123"]
    assert {d.path for d in hooks.deliveries} == {"/webhook"}


def test_invoicing_an_order_delivers_invoice_charged(tx: Tripletex, hooks: WebhookReceiver) -> None:
    subscribe(tx, "invoice.charged", hooks.url, fields="id,invoiceNumber,amount")
    bank = tx.ledger_accounts.search(number=[1920]).first()
    assert bank is not None
    tx.ledger_accounts.update(bank.id, {"version": bank.version, "bankAccountNumber": BANK_ACCOUNT})
    customer = tx.customers.create({"name": "Kunde AS"})
    order = tx.orders.create({"customer": {"id": customer.id}, "orderDate": "2026-11-20", "deliveryDate": "2026-11-20",
                              "orderLines": [{"description": "Arbeid", "count": 1,
                                              "unitPriceExcludingVatCurrency": 100}]})
    invoice = tx.orders.invoice(order.id, invoice_date="2026-11-20")
    [delivery] = hooks.wait(1)
    assert delivery.json["event"] == "invoice.charged"
    assert delivery.json["value"] == {"id": invoice.id, "invoiceNumber": invoice.invoice_number, "amount": 125.0}


def test_changing_a_ledger_account_and_a_project_is_delivered(tx: Tripletex, hooks: WebhookReceiver) -> None:
    subscribe(tx, "account.update", hooks.url, fields="number")
    subscribe(tx, "project.create", hooks.url, fields="name")
    bank = tx.ledger_accounts.search(number=[1920]).first()
    assert bank is not None
    tx.ledger_accounts.update(bank.id, {"version": bank.version, "bankAccountNumber": BANK_ACCOUNT})
    me = tx.whoami().employee
    tx.projects.create({"name": "Lager", "projectManager": {"id": me.id}, "startDate": "2026-11-01"})
    assert [d.json["value"] for d in hooks.wait(2)] == [{"number": 1920}, {"name": "Lager"}]


def test_a_disabled_subscription_gets_nothing(tx: Tripletex, hooks: WebhookReceiver,
                                              tripletex_sandbox: SandboxCompany) -> None:
    sub = subscribe(tx, "product.create", hooks.url)
    tx.event_subscriptions.update(sub.id, {"version": 0, "status": "DISABLED"})
    subscribe(tx, "product.update", hooks.url)
    product = tx.products.create({"name": "A"})
    tx.products.update(product.id, {"version": 0, "name": "B"})
    tripletex_sandbox.flush_webhooks()
    assert [d.json["event"] for d in hooks.wait(1)] == ["product.update"]
    assert len(hooks.deliveries) == 1


# The queue: off the request path, retries with backoff, disabling, modes


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as hooks:
        yield hooks


def manual_queue(api: Api, **options: Any) -> tuple[WebhookQueue, FakeClock]:
    clock = FakeClock()
    queue = api.backend.webhooks = WebhookQueue(api.backend.store, mode="manual", clock=clock, **options)
    return queue, clock


def api_subscribe(api: Api, event: str, url: str) -> dict[str, Any]:
    answer = api.http.post("/v2/event/subscription", json={"event": event, "targetUrl": url}, headers=api.auth)
    assert answer.status_code == 201, answer.text
    return answer.json()["value"]  # type: ignore[no-any-return]


def api_customer(api: Api, name: str = "Acme AS") -> Any:
    return api.http.post("/v2/customer", json={"name": name}, headers=api.auth)


def test_a_delivery_waits_in_the_queue_while_the_request_answers(api: Api, receiver: WebhookReceiver) -> None:
    queue, _ = manual_queue(api)
    api_subscribe(api, "customer.create", receiver.url)
    assert api_customer(api).status_code == 201
    assert len(queue.pending()) == 1 and receiver.deliveries == []
    assert queue.flush() == 1 and receiver.wait(1)[0].json["event"] == "customer.create"


def test_a_failed_request_delivers_nothing(api: Api, receiver: WebhookReceiver) -> None:
    queue, _ = manual_queue(api)
    api_subscribe(api, "customer.update", receiver.url)
    customer = api_customer(api).json()["value"]
    stale = api.http.put(f"/v2/customer/{customer['id']}", json={"version": 5, "name": "X"}, headers=api.auth)
    assert stale.status_code == 409 and queue.pending() == []


def test_a_failed_delivery_is_retried_with_exponential_backoff_and_the_same_key(
    api: Api, receiver: WebhookReceiver,
) -> None:
    queue, clock = manual_queue(api, backoff=1.0)
    api_subscribe(api, "customer.create", receiver.url)
    api_customer(api)
    receiver.respond(500, times=2)
    assert queue.run_due() == 0                     # attempt 1: 500, next in 1 s
    assert queue.run_due() == 0 and len(receiver.deliveries) == 1
    clock.now += 1.0
    assert queue.run_due() == 0                     # attempt 2: 500, next in 2 s
    clock.now += 1.0
    assert queue.run_due() == 0 and len(receiver.deliveries) == 2
    clock.now += 1.0
    assert queue.run_due() == 1                     # attempt 3: 200
    statuses = [(d.status, d.headers["idempotency-key"]) for d in receiver.wait(3)]
    assert [s for s, _ in statuses] == [500, 500, 200] and len({k for _, k in statuses}) == 1
    assert queue.pending() == []


def test_a_delivery_is_given_up_after_max_attempts(api: Api, receiver: WebhookReceiver) -> None:
    queue, _ = manual_queue(api, max_attempts=3)
    api_subscribe(api, "customer.create", receiver.url)
    api_customer(api)
    receiver.respond(503, times=10)
    assert queue.flush() == 0
    assert [a.status for a in queue.attempts] == [503, 503, 503] and queue.pending() == []


def test_too_many_failures_in_a_row_disable_the_subscription(api: Api, receiver: WebhookReceiver) -> None:
    queue, _ = manual_queue(api, max_attempts=2, disable_after=3)
    sub = api_subscribe(api, "customer.create", receiver.url)
    receiver.respond(500, times=10)
    api_customer(api, "A")
    api_customer(api, "B")
    queue.flush()
    assert len(receiver.deliveries) == 3
    status = api.get(f"/event/subscription/{sub['id']}").json()["value"]["status"]  # type: ignore[attr-defined]
    assert status == "DISABLED_TOO_MANY_ERRORS"
    api_customer(api, "C")
    assert queue.pending() == []


def test_an_unreachable_target_counts_as_a_failure(api: Api) -> None:
    queue, _ = manual_queue(api, max_attempts=1)
    with WebhookReceiver() as gone:
        url = gone.url
    api_subscribe(api, "customer.create", url)
    api_customer(api)
    assert queue.flush() == 0
    assert queue.attempts[-1].status is None and "Connect" in (queue.attempts[-1].error or "")


def test_sync_mode_delivers_before_the_request_answers(api: Api, receiver: WebhookReceiver) -> None:
    api.backend.webhooks = WebhookQueue(api.backend.store, mode="sync")
    api_subscribe(api, "customer.create", receiver.url)
    api_customer(api)
    assert len(receiver.deliveries) == 1


def test_the_background_worker_delivers_and_stops_cleanly(api: Api, receiver: WebhookReceiver) -> None:
    queue = api.backend.webhooks = WebhookQueue(api.backend.store)
    api_subscribe(api, "customer.create", receiver.url)
    api_customer(api)
    assert receiver.wait(1)[0].json["event"] == "customer.create"
    thread = queue._thread
    assert thread is not None and thread.is_alive()
    queue.stop()
    assert not thread.is_alive()


def test_an_unknown_delivery_mode_is_refused(api: Api) -> None:
    with pytest.raises(ValueError, match="background, sync, manual"):
        WebhookQueue(api.backend.store, mode="later")  # type: ignore[arg-type]


def test_the_cli_lists_events_and_manages_subscriptions(tripletex_sandbox: SandboxCompany,
                                                        hooks: WebhookReceiver) -> None:
    from tests.cli.sandbox_cli import first_id, ttx_json

    events = ttx_json(tripletex_sandbox, ["events", "list"])
    assert events.exit_code == 0 and "invoice.charged" in events.stdout
    made = ttx_json(tripletex_sandbox, ["event-subscriptions", "create", "--set", "event=customer.create",
                                        "--set", f"targetUrl={hooks.url}"])
    assert made.exit_code == 0, made.output
    sub_id = first_id(made.stdout)
    tripletex_sandbox.client.customers.create({"name": "Fra CLI AS"})
    assert hooks.wait(1)[0].json["subscriptionId"] == sub_id
    gone = ttx_json(tripletex_sandbox, ["event-subscriptions", "delete-many", "--ids", str(sub_id)])
    assert gone.exit_code == 0, gone.output
    assert tripletex_sandbox.client.event_subscriptions.search().to_list() == []


def test_the_readme_webhook_example_passes_in_a_users_project(tmp_path: Any) -> None:
    import re
    import subprocess
    import sys
    from pathlib import Path

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    [example] = [b for b in re.findall(r"```python\n(.*?)```", readme, re.DOTALL) if "tripletex_webhooks" in b]
    (tmp_path / "test_example.py").write_text(example, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_automation_service_verifies_the_sandboxs_signature(tx: Tripletex, hooks: WebhookReceiver) -> None:
    from tripletex_connect.runtime.webhooks import sign

    subscribe(tx, "order.create", hooks.url, hmacSharedSecret="shared")
    customer = tx.customers.create({"name": "Kunde AS"})
    tx.orders.create({"customer": {"id": customer.id}, "orderDate": "2026-11-20", "deliveryDate": "2026-11-20"})
    [delivery] = hooks.wait(1)
    assert sign("shared", delivery.headers["idempotency-key"], delivery.body) == delivery.headers["x-request-signature"]
