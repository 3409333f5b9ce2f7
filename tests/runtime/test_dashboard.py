"""The dashboard in headless Chromium: scenarios, runs, a run's items, the chart, Resume and Discard."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tripletex_connect.runtime import RunStore, Service
from tripletex_connect.runtime.web import create_app
from tripletex_connect.runtime.web.server import WebServer
from tripletex_connect.sandbox import SandboxCompany
from tripletex_connect.sandbox.server import free_port

from ..browser import open_chromium
from .conftest import FakeClock
from .test_incomplete import ORDER_FOR_NEW_CUSTOMERS


@pytest.fixture
def dashboard(make_service: Callable[..., Service], write: Callable[[str, str], Path], clock: FakeClock,
              store: RunStore, tripletex_sandbox: SandboxCompany) -> Iterator[tuple[str, Service]]:
    """A service with one incomplete execution, its dashboard served on a free loopback port."""
    write("orders.yaml", ORDER_FOR_NEW_CUSTOMERS)
    write("ticker.yaml", "name: ticker\ntrigger: {type: schedule, cron: '0 7 * * *'}\n"
                         "steps: [{id: a, module: customer.search}]\n")
    service = make_service()
    service.tick()
    tripletex_sandbox.client.customers.create({"name": "Needs Widget AS"})
    clock.advance(minutes=1)
    service.tick()
    store.add_run({"scenario": "ticker", "status": "warning", "started": "2026-11-24T07:00:00+01:00",
                   "ended": "2026-11-24T07:00:04+01:00", "steps": {"a": {
                       "module": "customer.search", "status": "failed", "runs": 1, "errors": 1,
                       "failures": [{"id": 3, "status": 422, "code": 18000, "error": "Feil i feltet",
                                     "request_id": "req-dash-1"}]}}})
    port = free_port()
    server = WebServer(create_app(service), "127.0.0.1", port).start()
    try:
        yield f"http://127.0.0.1:{port}", service
    finally:
        server.stop()


def test_the_dashboard_shows_scenarios_runs_items_and_the_chart_and_resumes_in_chromium(
    dashboard: tuple[str, Service], tmp_path: Path, tripletex_sandbox: SandboxCompany, store: RunStore
) -> None:
    url, _ = dashboard
    with open_chromium(tmp_path / "profile") as driver:
        driver.get(url + "/")
        rows = {r.find_elements(By.TAG_NAME, "td")[1].text: r.text
                for r in driver.find_elements(By.CSS_SELECTOR, "#scenarios tr.scenario")}
        assert "watch customer.search" in rows["order for new customers"]
        assert "cron 0 7 * * *" in rows["ticker"] and "2026-11-26T07:00+01:00" in rows["ticker"]
        assert driver.find_elements(By.CSS_SELECTOR, "svg.chart rect.bar-warning")
        assert driver.find_elements(By.CSS_SELECTOR, "svg.chart polyline.duration")
        [kept] = driver.find_elements(By.CSS_SELECTOR, "#incomplete tr.incomplete")
        assert "order for new customers" in kept.text
        assert tripletex_sandbox.employee_token not in driver.page_source
        assert tripletex_sandbox.consumer_token not in driver.page_source

        warning = next(r for r in driver.find_elements(By.CSS_SELECTOR, "table.runs tr.run") if "warning" in r.text)
        warning.find_element(By.TAG_NAME, "a").click()
        WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.ID, "run-status"))
        assert driver.find_element(By.ID, "run-status").text == "warning"
        item = driver.find_element(By.CSS_SELECTOR, "#items tr.item")
        assert "req-dash-1" in item.text and "Feil i feltet" in item.text and "422" in item.text

        tripletex_sandbox.client.products.create({"name": "Widget", "number": "WIDGET-9"})
        driver.get(url + "/")
        driver.find_element(By.CSS_SELECTOR, "#incomplete button[name=resume]").click()
        WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.ID, "no-incomplete"))
    assert [i.state for i in store.incomplete(state=None)] == ["resolved"]
    assert len(tripletex_sandbox.client.orders.search(order_date_from="2026-01-01",
                                                      order_date_to="2027-01-01").to_list()) == 1


def test_discard_in_chromium_removes_the_incomplete_execution(
    dashboard: tuple[str, Service], tmp_path: Path, store: RunStore
) -> None:
    url, _ = dashboard
    with open_chromium(tmp_path / "profile") as driver:
        driver.get(url + "/")
        driver.find_element(By.CSS_SELECTOR, "#incomplete button[name=discard]").click()
        WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.ID, "no-incomplete"))
    assert [i.state for i in store.incomplete(state=None)] == ["discarded"]


def test_forged_posts_and_foreign_host_names_are_refused(dashboard: tuple[str, Service], store: RunStore) -> None:
    url, _ = dashboard
    [kept] = store.incomplete()
    target = f"{url}/incomplete/{kept.id}/discard"
    with httpx.Client() as http:
        page = http.get(url + "/").text
        token = page.split('name="csrf" value="')[1].split('"')[0]
        assert http.post(target, data={"csrf": "guess"}).status_code == 403
        assert http.post(target, data={"csrf": token}, headers={"origin": "http://evil.example"}).status_code == 403
        assert http.post(target, data={"csrf": token}, headers={"sec-fetch-site": "cross-site"}).status_code == 403
        assert http.get(url + "/", headers={"host": "evil.example"}).status_code == 421
        assert store.incomplete() == [kept]
        assert http.post(target, data={"csrf": token}).status_code == 303
    assert store.incomplete() == []


def test_an_empty_store_renders_every_page(make_service: Callable[..., Service]) -> None:
    from starlette.testclient import TestClient

    http = TestClient(create_app(make_service()), base_url="http://127.0.0.1")
    assert "None." in http.get("/").text
    assert http.get("/runs?failed=1").status_code == 200
    assert http.get("/runs/12345").status_code == 404
