"""The nightly full check of webhook scenarios: a change no event announced runs once, the next night
nothing runs again, and a change an event handled is not run again by the check."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from tripletex_connect.runtime import RunStore, Service, nightly
from tripletex_connect.runtime.web import create_app
from tripletex_connect.sandbox import SandboxCompany

from .conftest import FakeClock
from .test_webhooks import HOOKED, SECRET, deliver

GONE = """
    name: hooked
    trigger: {type: webhook, event: customer.delete}
    steps:
      - {id: look, module: customer_category.search, limit: 1}
"""
Hooked = Callable[[str], tuple[Service, TestClient]]


@pytest.fixture
def hooked(make_service: Callable[..., Service], write: Callable[[str, str], Path],
           store: RunStore) -> Hooked:
    """A webhook scenario whose subscription the sandbox does not know: nothing is delivered unless a test does."""
    def make(text: str) -> tuple[Service, TestClient]:
        write("hooked.yaml", text)
        event = "customer.delete" if text is GONE else "customer.update"
        store.add_subscription(901, connection="", scenario="hooked", company_id=0, event=event,
                               target_url="http://127.0.0.1/hooks/tripletex", secret=SECRET)
        service = make_service()
        service.tick()
        return service, TestClient(create_app(service), base_url="http://127.0.0.1")

    return make


def next_night(service: Service, clock: FakeClock) -> None:
    """Past 03:15 Oslo time the next day."""
    clock.advance(days=1)
    service.tick()


def test_the_nightly_check_runs_an_update_no_event_announced_once(
    hooked: Hooked, clock: FakeClock, store: RunStore, tripletex_sandbox: SandboxCompany
) -> None:
    customers = tripletex_sandbox.client.customers
    created = customers.create({"name": "Before AS"})
    untouched = customers.create({"name": "Untouched AS"})
    service, _ = hooked(HOOKED % "update")
    customers.update(created.id, {"version": created.version, "name": "After AS"})  # its delivery is lost
    service.tick()
    assert store.runs("hooked") == []
    next_night(service, clock)
    runs = store.runs("hooked")
    assert [(r["trigger"], r["trigger_item"]["name"]) for r in runs] == [("nightly", "After AS")]
    assert customers.get(created.id).description == "hooked After AS"
    assert customers.get(untouched.id).description is None
    next_night(service, clock)  # the scenario's own write is not a change to run again
    assert len(store.runs("hooked")) == 1


def test_an_update_an_event_handled_is_not_run_again_by_the_nightly_check(
    hooked: Hooked, clock: FakeClock, store: RunStore, tripletex_sandbox: SandboxCompany
) -> None:
    customers = tripletex_sandbox.client.customers
    created = customers.create({"name": "Before AS"})
    service, http = hooked(HOOKED % "update")
    customers.update(created.id, {"version": created.version, "name": "After AS"})
    deliver(http, "customer.update", created.id)
    service.tick()
    assert [r["trigger"] for r in store.runs("hooked")] == ["webhook"]
    next_night(service, clock)
    assert [r["trigger"] for r in store.runs("hooked")] == ["webhook"]


def test_the_nightly_check_runs_a_delete_no_event_announced_once(
    hooked: Hooked, clock: FakeClock, store: RunStore, tripletex_sandbox: SandboxCompany
) -> None:
    customers = tripletex_sandbox.client.customers
    kept, dropped, announced = (customers.create({"name": n}) for n in ("Kept AS", "Dropped AS", "Announced AS"))
    service, http = hooked(GONE)
    customers.delete(dropped.id)  # its delivery is lost
    customers.delete(announced.id)
    deliver(http, "customer.delete", announced.id)
    service.tick()
    next_night(service, clock)
    next_night(service, clock)
    runs = store.runs("hooked")
    assert [(r["trigger"], r["trigger_item"]["id"]) for r in runs] == [("webhook", announced.id),
                                                                       ("nightly", dropped.id)]
    assert kept.id not in [r["trigger_item"]["id"] for r in runs]


@pytest.mark.parametrize(("event", "module"), [
    ("customer.update", "customer.search"), ("account.delete", "ledger_account.search"),
    ("order.update", "order.search"), ("voucher.delete", "voucher.search"),
    ("contact.update", None), ("notification.sent", None),
])
def test_the_nightly_check_lists_the_objects_of_each_event_it_can_check(event: str, module: str | None) -> None:
    assert nightly.module_of(event, "search") == module
    assert nightly.checkable(event) is (module is not None)


def test_events_that_are_no_create_update_or_delete_are_not_checked_nightly() -> None:
    assert not nightly.checkable("invoice.charged")


def test_searches_that_need_a_date_range_are_listed_over_every_date(tripletex_sandbox: SandboxCompany) -> None:
    assert nightly.search_params("order.search") == {"orderDateFrom": "1900-01-01", "orderDateTo": "2100-01-01"}
    assert isinstance(nightly.versions(tripletex_sandbox.client, "voucher.search"), dict)  # no 422: dates given


def test_missed_changes_are_other_versions_for_updates_and_gone_ids_for_deletes() -> None:
    known = {1: 0, 2: 3, 3: 1}
    current = {1: 0, 2: 4, 4: 0}
    assert nightly.missed("update", known, current) == [2]
    assert nightly.missed("delete", known, current) == [3]
    assert nightly.missed("create", known, current) == []


def test_the_nightly_check_runs_a_created_object_no_event_announced_once(
    make_service: Callable[..., Service], write: Callable[[str, str], Path], clock: FakeClock, store: RunStore,
    tripletex_sandbox: SandboxCompany,
) -> None:
    write("hooked.yaml", HOOKED % "create")
    service = make_service()
    service.tick()
    tripletex_sandbox.client.customers.create({"name": "Quiet AS"})  # no subscription: no delivery
    next_night(service, clock)
    next_night(service, clock)
    assert [(r["trigger"], r["trigger_item"]["name"]) for r in store.runs("hooked")] == [("nightly", "Quiet AS")]
