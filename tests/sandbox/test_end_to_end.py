"""Customers and customer categories end to end: SDK (sync and async) and CLI against a served sandbox."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from tripletex_connect import NotFoundError, StaleVersionError, Tripletex, ValidationError
from tripletex_connect.cli.main import app
from tripletex_connect.sandbox import SandboxCompany
from tripletex_connect.sandbox.server import Sandbox


def test_every_customer_module_through_the_sdk(tripletex_sandbox: SandboxCompany) -> None:
    tx = tripletex_sandbox.client
    created = tx.customers.create({"name": "Fjord AS", "email": "post@fjord.no"})
    assert created.customer_number and created.version == 0
    updated = tx.customers.update(created.id, {"version": created.version, "phone_number": "55 00 00 00"})
    assert (updated.version, updated.phone_number, updated.email) == (1, "55 00 00 00", "post@fjord.no")
    assert tx.customers.get(created.id, fields="id,name").name == "Fjord AS"
    assert [c.id for c in tx.customers.search(customer_name="fjord")] == [created.id]
    tx.customers.delete(created.id)
    with pytest.raises(NotFoundError):
        tx.customers.get(created.id)


def test_every_customer_category_module_through_the_sdk(tripletex_sandbox: SandboxCompany) -> None:
    tx = tripletex_sandbox.client
    category = tx.customer_categories.create({"name": "Nøkkelkunder", "number": "1", "type": 1})
    renamed = tx.customer_categories.update(category.id, {"version": 0, "name": "Viktige kunder"})
    assert renamed.name == "Viktige kunder" and tx.customer_categories.get(category.id).version == 1
    assert [c.name for c in tx.customer_categories.search(name="viktige")] == ["Viktige kunder"]


def test_errors_from_the_sandbox_arrive_as_the_sdk_error_classes(tripletex_sandbox: SandboxCompany) -> None:
    tx = tripletex_sandbox.client
    with pytest.raises(ValidationError) as invalid:
        tx.customers.create({"name": "", "email": "nope"})
    assert {m.field for m in invalid.value.validation_messages} == {"name", "email"}
    created = tx.customers.create({"name": "A"})
    tx.customers.update(created.id, {"version": 0, "name": "B"})
    with pytest.raises(StaleVersionError):
        tx.customers.update(created.id, {"version": 0, "name": "C"})


def test_paging_with_a_limit_across_pages(tripletex_sandbox: SandboxCompany) -> None:
    tx = tripletex_sandbox.client
    tx.customers.create_many([{"name": f"Kunde {i:02}"} for i in range(7)])
    found = tx.customers.search(sorting="name", page_size=3, limit=5).to_list()
    assert [c.name for c in found] == [f"Kunde {i:02}" for i in range(5)]


def test_fixture_companies_are_fresh_for_each_test(tripletex_sandbox: SandboxCompany) -> None:
    assert tripletex_sandbox.client.customers.search().to_list() == []


async def test_the_async_client_runs_the_same_modules(tripletex_sandbox: SandboxCompany) -> None:
    atx = tripletex_sandbox.async_client()
    try:
        created = await atx.customers.create({"name": "Async AS"})
        assert (await atx.customers.get(created.id)).name == "Async AS"
        assert [c.name async for c in atx.customers.search(customer_name="async")] == ["Async AS"]
        me = await atx.whoami()
        assert me.company_id == tripletex_sandbox.company_id
    finally:
        await atx.aclose()


def test_the_cli_runs_the_modules_against_the_sandbox(tripletex_sandbox: SandboxCompany) -> None:
    env = {"TRIPLETEX_CONSUMER_TOKEN": tripletex_sandbox.consumer_token,
           "TRIPLETEX_EMPLOYEE_TOKEN": tripletex_sandbox.employee_token, "TRIPLETEX_CONFIG": "/nonexistent/x.toml"}
    run = CliRunner().invoke
    base = ["--base-url", tripletex_sandbox.base_url, "-o", "json"]
    created = run(app, [*base, "customers", "create", "--data", '{"name": "Cli AS"}'], env=env)
    assert created.exit_code == 0, created.stderr
    customer_id = json.loads(created.stdout)["id"]
    updated = run(app, [*base, "customers", "update", str(customer_id), "--set", "version=0",
                        "--set", "email=cli@example.no"], env=env)
    assert updated.exit_code == 0, updated.stderr
    found = run(app, [*base, "customers", "search", "--customer-name", "cli"], env=env)
    assert [c["email"] for c in json.loads(found.stdout)] == ["cli@example.no"]
    refused = run(app, [*base, "customers", "create", "--data", '{"name": "X", "email": "bad"}'], env=env)
    assert refused.exit_code == 1 and "email" in refused.stderr


def test_sandbox_binds_loopback_and_hands_out_a_ready_client() -> None:
    with Sandbox(seed="demo") as sandbox:
        assert sandbox.base_url.startswith("http://127.0.0.1:")
        with Tripletex.for_sandbox(sandbox) as tx:
            assert len(tx.customers.search().to_list()) == 8


def test_create_many_sends_chunks_and_says_exactly_which_items_failed(tripletex_sandbox: SandboxCompany) -> None:
    from tripletex_connect import BatchError

    tx = tripletex_sandbox.client
    tx.batch_size = 2
    items = [{"name": "A"}, {"name": "B"}, {"name": "C", "email": "not-an-email"}, {"name": "D"}, {"name": ""}]
    with pytest.raises(BatchError) as caught:
        tx.customers.create_many(items)
    error = caught.value
    assert [c.name for c in error.created] == ["A", "B", "D"]
    assert [(f.index, f.item["name"]) for f in error.failures] == [(2, "C"), (4, "")]
    assert "item 2" in str(error) and "email" in str(error)
    assert sorted(c.name for c in tx.customers.search()) == ["A", "B", "D"]
