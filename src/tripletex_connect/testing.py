"""pytest plugin: a local Tripletex sandbox for your own tests (registered through an entry point).

    def test_invoice_flow(tripletex_sandbox):
        tx = tripletex_sandbox.client          # a Tripletex client connected to a fresh company
        tx.customers.create({"name": "Test AS"})

`tripletex_sandbox` gives each test its own freshly set-up company (chart of accounts, VAT types,
...), so tests never see each other's data; `tripletex_sandbox_server` is the one in-process server
shared by the whole test session.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from .sandbox.server import Sandbox, SandboxCompany


@pytest.fixture(scope="session")
def tripletex_sandbox_server() -> Iterator[Sandbox]:
    """One in-memory sandbox server on a free 127.0.0.1 port for the whole test session."""
    from .sandbox.server import Sandbox

    with Sandbox(memory=True) as sandbox:
        yield sandbox


@pytest.fixture
def tripletex_sandbox(tripletex_sandbox_server: Sandbox) -> Iterator[SandboxCompany]:
    """A fresh sandbox company for one test, with `.client`, `.async_client()`, `.base_url` and tokens."""
    company = tripletex_sandbox_server.new_company()
    try:
        yield company
    finally:
        company.close()
