"""Fixtures for sandbox tests: an in-process app with an injectable clock, and sessions on it."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from starlette.testclient import TestClient

from tripletex_connect import Tripletex
from tripletex_connect.sandbox import Backend, SandboxCompany, Store
from tripletex_connect.sandbox.app import create_app
from tripletex_connect.sandbox.defaults import CONSUMER_TOKEN
from tripletex_connect.sandbox.tenancy import OSLO, CompanyInfo

BASE = "http://testserver/v2"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = dt.datetime(2026, 11, 25, 12, 0, tzinfo=OSLO)

    def __call__(self) -> dt.datetime:
        return self.now


@dataclass
class Api:
    """An HTTP client on the sandbox app, plus the company it opened and its auth header."""

    http: TestClient
    backend: Backend
    company: CompanyInfo
    auth: dict[str, str]
    clock: Clock

    def session(self, employee_token: str | None = None, company: int = 0) -> dict[str, str]:
        """Create a session and return its Authorization header."""
        answer = self.http.put("/v2/token/session/:create", params={
            "consumerToken": CONSUMER_TOKEN, "employeeToken": employee_token or self.company.employee_token,
            "expirationDate": "2026-11-27",
        })
        assert answer.status_code == 200, answer.text
        token = answer.json()["value"]["token"]
        return {"Authorization": "Basic " + base64.b64encode(f"{company}:{token}".encode()).decode()}

    def get(self, path: str, **params: object) -> object:
        return self.http.get("/v2" + path, params=params, headers=self.auth)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def api(clock: Clock) -> Iterator[Api]:
    backend = Backend(Store(), base_url=BASE, clock=clock)
    company = backend.new_company(employee_token="employee-test-token")
    with TestClient(create_app(backend)) as http:
        result = Api(http, backend, company, {}, clock)
        result.auth = result.session()
        yield result


@pytest.fixture
def tx(tripletex_sandbox: SandboxCompany) -> Tripletex:
    """The SDK on the test's own sandbox company (the plugin's fixture), over HTTP."""
    return tripletex_sandbox.client
