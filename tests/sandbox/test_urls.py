"""Every `url` the sandbox renders is `<base>/v2/<a path that GETs the object>`, as the real API's are."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from typing import Any

import pytest

from tripletex_connect.sandbox import Backend, Store, routes
from tripletex_connect.sandbox.backend import Request
from tripletex_connect.sandbox.defaults import CONSUMER_TOKEN

from .conftest import BASE, Clock


def _urls(value: Any, found: dict[str, str], where: str) -> None:
    if isinstance(value, dict):
        if isinstance(value.get("url"), str):
            found.setdefault(value["url"], where)
        for item in value.values():
            _urls(item, found, where)
    elif isinstance(value, list):
        for item in value:
            _urls(item, found, where)


@pytest.fixture(scope="module")
def demo() -> Iterator[tuple[Backend, dict[str, str]]]:
    backend = Backend(Store(), base_url=BASE, clock=Clock(), rate_limit=10**9)
    company = backend.new_company(employee_token="urls", seed="demo")
    session = backend.handle(Request("PUT", "/token/session/:create", [
        ("consumerToken", CONSUMER_TOKEN), ("employeeToken", "urls"), ("expirationDate", "2026-11-27")]))
    token = session.body["value"]["token"]
    auth = {"authorization": "Basic " + base64.b64encode(f"0:{token}".encode()).decode()}
    week = [("employeeId", str(company.employee_id)), ("weekYear", "2026-47")]
    assert backend.handle(Request("PUT", "/timesheet/week/:complete", week, auth)).status == 200
    yield backend, auth


def test_every_url_in_the_answers_of_a_demo_company_gets_its_object(demo: tuple[Backend, dict[str, str]]) -> None:
    backend, auth = demo
    found: dict[str, str] = {}
    reads = [r.op.path for r in routes.ROUTES if r.op.method == "GET" and "{" not in r.op.path]
    for path in reads:
        _urls(backend.handle(Request("GET", path, [("fields", "*")], auth)).body, found, path)
    assert any("/timesheet/week?ids=" in url for url in found) and any("/company/" in url for url in found)
    broken = []
    for url, where in sorted(found.items()):
        assert url.startswith(BASE + "/"), url
        path, _, query = url[len(BASE):].partition("?")
        reply = backend.handle(Request("GET", path, [tuple(query.split("=", 1))] if query else [], auth))
        if reply.status != 200:
            broken.append(f"{re.sub(r'/[0-9]+', '/N', path)} -> {reply.status} (seen in {where})")
    assert not broken, "\n".join(dict.fromkeys(broken))
    assert len(found) > 100


@pytest.mark.parametrize(("path", "expected"), [
    ("/timesheet/settings", "/timesheet/settings"), ("/product/logisticsSettings", "/product/logisticsSettings"),
    ("/token/session/>whoAmI", "/company/"),
])
def test_singletons_and_companies_have_urls_that_read_them(
    demo: tuple[Backend, dict[str, str]], path: str, expected: str
) -> None:
    backend, auth = demo
    value = backend.handle(Request("GET", path, [], auth)).body["value"]
    url = value["url"] if "url" in value else value["company"]["url"]
    assert url.startswith(BASE + expected)
