"""Webhook triggers: signed deliveries only, each event once however often it is delivered, work queued."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from tripletex_connect import Tripletex
from tripletex_connect.runtime import RunStore, Service
from tripletex_connect.runtime.web import create_app
from tripletex_connect.runtime.webhooks import RECEIVER_PATH, Hooks, sign
from tripletex_connect.sandbox import SandboxCompany

SECRET = "test-hmac-secret"
HOOKED = """
    name: hooked
    trigger: {type: webhook, event: customer.%s}
    steps:
      - id: tag
        module: customer.update
        params: {id: "{{ trigger.id }}"}
        body: {description: "hooked {{ trigger.name }}"}
"""


def deliver(http: TestClient, event: str, object_id: int, *, key: str | None = None, secret: str = SECRET,
            subscription: int = 901) -> tuple[int, dict[str, object]]:
    """POST a delivery signed as Tripletex signs it."""
    key = key or str(uuid.uuid4())
    body = json.dumps({"subscriptionId": subscription, "event": event, "id": object_id, "value": None}).encode()
    answer = http.post(RECEIVER_PATH, content=body, headers={
        "idempotency-key": key, "x-request-signature": sign(secret, key, body), "content-type": "application/json",
        "host": "127.0.0.1"})
    return answer.status_code, answer.json()


@pytest.fixture
def hooked(make_service: Callable[..., Service], write: Callable[[str, str], Path],
           store: RunStore) -> Callable[[str], tuple[Service, TestClient]]:
    def make(verb: str) -> tuple[Service, TestClient]:
        write("hooked.yaml", HOOKED % verb)
        store.add_subscription(901, connection="", scenario="hooked", company_id=0, event=f"customer.{verb}",
                               target_url="http://127.0.0.1/hooks/tripletex", secret=SECRET)
        service = make_service()
        service.tick()
        return service, TestClient(create_app(service), base_url="http://127.0.0.1")

    return make


def test_a_created_object_runs_once_even_when_its_event_is_delivered_twice(
    hooked: Callable[[str], tuple[Service, TestClient]], tripletex_sandbox: SandboxCompany, store: RunStore
) -> None:
    service, http = hooked("create")
    created = tripletex_sandbox.client.customers.create({"name": "Hook AS"})
    assert deliver(http, "customer.create", created.id, key="k-1") == (200, {"accepted": True})
    assert deliver(http, "customer.create", created.id, key="k-1") == (200, {"accepted": False})
    assert deliver(http, "customer.create", created.id, key="k-2")[0] == 200  # a redelivery under a new key
    service.tick()
    service.tick()
    assert [r["trigger_item"]["name"] for r in store.runs("hooked")] == ["Hook AS"]
    assert tripletex_sandbox.client.customers.get(created.id).description == "hooked Hook AS"


def test_an_update_event_runs_with_the_object_as_it_is_now(
    hooked: Callable[[str], tuple[Service, TestClient]], tripletex_sandbox: SandboxCompany, store: RunStore
) -> None:
    service, http = hooked("update")
    created = tripletex_sandbox.client.customers.create({"name": "Before AS"})
    tripletex_sandbox.client.customers.update(created.id, {"version": created.version, "name": "After AS"})
    deliver(http, "customer.update", created.id)
    service.tick()
    assert [r["trigger_item"]["name"] for r in store.runs("hooked")] == ["After AS"]


def test_a_delivery_with_a_wrong_signature_or_unknown_subscription_is_refused(
    hooked: Callable[[str], tuple[Service, TestClient]], store: RunStore
) -> None:
    _service, http = hooked("create")
    assert deliver(http, "customer.create", 1, secret="not-the-secret")[0] == 401
    assert deliver(http, "customer.create", 1, subscription=999)[0] == 404
    assert http.post(RECEIVER_PATH, content=b"{not json", headers={"host": "127.0.0.1"}).status_code == 400
    assert store.pending_events() == []


def test_production_webhooks_are_refused_without_a_public_url(store: RunStore) -> None:
    production = Tripletex("consumer-token", "employee-token", env="production")
    try:
        with pytest.raises(ValueError, match="--public-url"):
            Hooks(store, receiver_url="http://127.0.0.1:8790").target_url(production)
        public = Hooks(store, receiver_url="http://127.0.0.1:8790", public_url="https://hooks.example.no/ttx/")
        assert public.target_url(production) == "https://hooks.example.no/ttx/hooks/tripletex"
    finally:
        production.close()


def test_a_scenario_with_a_broken_subscription_is_skipped_and_reported(
    make_service: Callable[..., Service], write: Callable[[str, str], Path], store: RunStore
) -> None:
    class Refusing:
        def subscribe(self, *_: object) -> None:
            raise ValueError("refusing to subscribe")

    write("hooked.yaml", HOOKED % "create")
    service = make_service(hooks=Refusing())
    service.tick()
    assert service.broken and "refusing to subscribe" in next(iter(service.broken.values()))[0]


def test_one_subscription_id_on_two_connections_runs_the_scenario_whose_secret_signed_the_delivery(
    make_service: Callable[[], Service], write: Callable[[str, str], Path], store: RunStore,
    tripletex_sandbox: SandboxCompany,
) -> None:
    write("hooked.yaml", HOOKED % "update")
    write("other.yaml", (HOOKED % "update").replace("name: hooked", "name: other\n    connection: other"))
    for scenario, connection, secret in (("hooked", "", SECRET), ("other", "other", "the-other-secret")):
        store.add_subscription(901, connection=connection, scenario=scenario, company_id=0, event="customer.update",
                               target_url="http://127.0.0.1/hooks/tripletex", secret=secret)
    service = make_service()
    service.tick()
    http = TestClient(create_app(service), base_url="http://127.0.0.1")
    created = tripletex_sandbox.client.customers.create({"name": "Both AS"})
    assert deliver(http, "customer.update", created.id, secret="the-other-secret")[0] == 200
    service.tick()
    assert store.runs("hooked") == [] and len(store.runs("other")) == 1
