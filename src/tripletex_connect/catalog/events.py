"""Catalog entries of webhooks: the events one can subscribe to and the subscriptions of an employee token
(not Make modules; [BETA] in the official API)."""

from __future__ import annotations

from .build import ALL_KINDS, FIELDS, action, crud
from .types import Kind, Operation, Param

K = Kind
GROUP = "Webhook Subscriptions"

EVENTS = [
    action(
        key="event.list", resource="events", name="list", group="Webhook Events", title="List Webhook Events",
        kind=K.GET, method="GET", path="/event", params=(FIELDS,), beta=True,
        summary="Every event a subscription can name (`customer.create`, `invoice.charged`, ...) with a description.",
    ),
    action(
        key="event.get", resource="events", name="get", group="Webhook Events", title="Get a Webhook Event",
        kind=K.GET, method="GET", path="/event/{eventType}", response="EventInfo", beta=True,
        params=(Param("eventType", "string", "path", required=True, help="Event type, from `events.list`"), FIELDS),
        summary="One event: its description, the model its deliveries carry and an example delivery.",
    ),
]

SUBSCRIPTIONS = crud(
    key="event_subscription", resource="event_subscriptions", group=GROUP, path="/event/subscription",
    model="Subscription", noun="Webhook Subscription", plural="Webhook Subscriptions", kinds=ALL_KINDS,
    make_module=False, beta=ALL_KINDS,
    summaries={
        K.CREATE: "Subscribe to an event: deliveries are POSTed to `targetUrl` (https; the local sandbox also "
                  "takes http to loopback), shaped by `fields`, signed when `hmacSharedSecret` is set.",
        K.SEARCH: "The subscriptions of the current employee token, with their status.",
    },
)

SUBSCRIPTION_BATCH = [
    action(
        key="event_subscription.create_many", resource="event_subscriptions", name="create_many", group=GROUP,
        title="Create Webhook Subscriptions", kind=K.CREATE, method="POST", path="/event/subscription/list",
        summary="Create many subscriptions, sent in chunks.", body="Subscription", response="Subscription",
        envelope="list", batch=True, beta=True,
    ),
    action(
        key="event_subscription.update_many", resource="event_subscriptions", name="update_many", group=GROUP,
        title="Update Webhook Subscriptions", kind=K.UPDATE, method="PUT", path="/event/subscription/list",
        summary="Update many subscriptions (each with id and version), sent in chunks.", body="Subscription",
        response="Subscription", envelope="list", batch=True, beta=True,
    ),
    action(
        key="event_subscription.delete_many", resource="event_subscriptions", name="delete_many", group=GROUP,
        title="Delete Webhook Subscriptions", kind=K.DELETE, method="DELETE", path="/event/subscription/list",
        params=(Param("ids", "ids", required=True, help="IDs of the subscriptions to delete"),),
        summary="Delete many subscriptions by id.", envelope="none", beta=True,
    ),
]

OPERATIONS: list[Operation] = [*EVENTS, *SUBSCRIPTIONS, *SUBSCRIPTION_BATCH]
