"""The event and subscription modules, and the answers with change tracking, validated against the spec."""

from __future__ import annotations

from tripletex_connect import Tripletex, catalog
from tripletex_connect.sandbox import routes

from .openapi import RecordingTransport, assert_all_valid

TARGET = "https://hooks.example/tripletex"


def test_every_event_and_subscription_operation_follows_the_spec(
    recorded: tuple[Tripletex, RecordingTransport],
) -> None:
    tx, recorder = recorded
    tx.events.list()
    tx.events.get("customer.create")
    sub = tx.event_subscriptions.create({"event": "customer.create", "targetUrl": TARGET, "fields": "id,name",
                                         "hmacSharedSecret": "hush"})
    tx.event_subscriptions.update(sub.id, {"version": sub.version, "status": "DISABLED"})
    tx.event_subscriptions.get(sub.id, fields="*,changes")
    list(tx.event_subscriptions.search())
    made = tx.event_subscriptions.create_many([{"event": "order.create", "targetUrl": TARGET},
                                               {"event": "order.delete", "targetUrl": TARGET}])
    tx.event_subscriptions.update_many([{"id": made[0].id, "version": made[0].version, "fields": "id"}])
    tx.event_subscriptions.delete_many(ids=[m.id for m in made])
    tx.event_subscriptions.delete(sub.id)
    customer = tx.customers.create({"name": "Acme AS"})
    tx.customers.get(customer.id, fields="*,changes")
    exercised = set()
    for request, _ in recorder.exchanges:
        found = routes.match(request.method, request.url.path.split("/v2", 1)[1])
        if isinstance(found, tuple):
            exercised.add(found[0].key)
    wanted = {op.key for op in catalog.all_operations() if op.key.startswith(("event.", "event_subscription."))}
    assert wanted <= exercised, f"not exercised: {sorted(wanted - exercised)}"
    assert_all_valid(recorder)
