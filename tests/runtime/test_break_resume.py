"""A run that breaks (`on_error: break`) is kept with its checkpoint, retried automatically with backoff, and
once the cause is fixed it finishes from the failing step: the order booked before the break is booked once.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tripletex_connect.runtime import RunStore, Service
from tripletex_connect.sandbox import SandboxCompany

from .conftest import FakeClock

BOOK_THEN_CHECK = """
    name: book then check
    trigger: {type: watch, module: customer.search, every: 1m}
    steps:
      - id: order
        module: order.create
        body:
          customer: {id: "{{ trigger.id }}"}
          orderDate: "2026-11-25"
          deliveryDate: "2026-11-25"
          orderLines: [{description: Service, unitPriceExcludingVatCurrency: 100, count: 1}]
      - id: product
        module: product.create
        body: {name: "Service for {{ trigger.name }}", number: SVC-1}
        on_error: break
"""


def orders_of(company: SandboxCompany, customer_id: int) -> int:
    return len(company.client.orders.search(customer_id=customer_id, order_date_from="2026-01-01",
                                            order_date_to="2027-01-01").to_list())


def test_a_broken_run_is_retried_with_backoff_and_after_the_fix_books_exactly_once(
    make_service: Callable[..., Service], write: Callable[[str, str], Path], clock: FakeClock, store: RunStore,
    tripletex_sandbox: SandboxCompany,
) -> None:
    write("book.yaml", BOOK_THEN_CHECK)
    taken = tripletex_sandbox.client.products.create({"name": "Old service", "number": "SVC-1"})
    service = make_service()
    service.tick()
    customer = tripletex_sandbox.client.customers.create({"name": "Break AS"})
    clock.advance(minutes=1)
    service.tick()
    [kept] = store.incomplete()
    assert kept.checkpoint is not None and kept.next_retry is not None and kept.step == "product"
    run = store.run(kept.run_id or 0)
    assert run is not None
    [failed_item] = run["items"]
    assert failed_item["step"] == "product" and failed_item["status"] in (409, 422) and failed_item["request_id"]
    assert [r["status"] for r in store.runs("book then check")] == ["incomplete"]
    clock.advance(minutes=1, seconds=1)
    service.tick()  # the automatic retry: still broken, the next one waits longer
    [again] = store.incomplete()
    assert again.attempts == 1 and again.next_retry is not None and again.next_retry > kept.next_retry
    assert orders_of(tripletex_sandbox, customer.id) == 1
    tripletex_sandbox.client.products.update(taken.id, {"version": taken.version, "number": "OLD-1"})
    clock.advance(minutes=2, seconds=1)
    service.tick()
    assert store.incomplete() == [] and [i.state for i in store.incomplete(state=None)] == ["resolved"]
    assert [r["status"] for r in store.runs("book then check")] == ["incomplete", "incomplete", "ok"]
    assert orders_of(tripletex_sandbox, customer.id) == 1
    assert [p.name for p in tripletex_sandbox.client.products.search(product_number="SVC-1")] == [
        "Service for Break AS"]
