"""Opt-in fault injection: the sandbox answers 429 or a 5xx where asked, so retry handling can be tested for real."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tripletex_connect import OutcomeUnknownError, RateLimitError, ServerError, Tripletex
from tripletex_connect.cli.sandbox_cmd import banner
from tripletex_connect.sandbox import SandboxCompany
from tripletex_connect.sandbox.faults import Fault, FaultSpecError, parse_fault
from tripletex_connect.sandbox.server import Sandbox


@pytest.fixture
def waits() -> list[float]:
    """The waits the SDK asked for (it sleeps through this list instead of the clock)."""
    return []


@pytest.fixture
def tx(tripletex_sandbox: SandboxCompany, waits: list[float]) -> Iterator[Tripletex]:
    """A client on the fixture company whose retry waits are recorded, not slept."""
    client = Tripletex(tripletex_sandbox.consumer_token, tripletex_sandbox.employee_token,
                       base_url=tripletex_sandbox.base_url, sleep=waits.append)
    yield client
    client.close()


def customers_named(tx: Tripletex, name: str) -> list[str]:
    return [c.name for c in tx.customers.search(customer_name=name) if c.name == name]


def test_a_503_before_a_read_is_retried_by_the_sdk_and_the_read_succeeds(
    tripletex_sandbox: SandboxCompany, tx: Tripletex, waits: list[float]
) -> None:
    tx.customers.create({"name": "Lesbar AS"})
    fault = tripletex_sandbox.inject("503,method=GET,path=/customer*,times=2")
    assert customers_named(tx, "Lesbar AS") == ["Lesbar AS"]
    assert fault.hits == 2 and len(waits) == 2


def test_a_post_whose_answer_is_lost_after_the_write_is_not_retried_and_books_exactly_once(
    tripletex_sandbox: SandboxCompany, tx: Tripletex, waits: list[float]
) -> None:
    tripletex_sandbox.inject("503,method=POST,path=/customer,when=after")
    with pytest.raises(OutcomeUnknownError) as raised:
        tx.customers.create({"name": "Bare Én AS"})
    assert raised.value.status == 503 and "injected" in raised.value.cause
    assert waits == []
    assert customers_named(tx, "Bare Én AS") == ["Bare Én AS"]


def test_a_post_refused_with_503_before_the_write_leaves_nothing_behind(
    tripletex_sandbox: SandboxCompany, tx: Tripletex
) -> None:
    tripletex_sandbox.inject("503,method=POST,path=/customer")
    with pytest.raises(OutcomeUnknownError):  # a 503 cannot tell before from after: the caller checks
        tx.customers.create({"name": "Aldri AS"})
    assert customers_named(tx, "Aldri AS") == []


def test_an_injected_429_says_its_reset_and_the_sdk_waits_it_then_the_post_goes_through(
    tripletex_sandbox: SandboxCompany, tx: Tripletex, waits: list[float]
) -> None:
    tripletex_sandbox.inject("429,method=POST,path=/customer,reset=3")
    tx.customers.create({"name": "Tålmodig AS"})
    assert len(waits) == 1 and waits[0] >= 3
    assert customers_named(tx, "Tålmodig AS") == ["Tålmodig AS"]


def test_a_429_on_every_request_ends_in_a_rate_limit_error_after_bounded_retries(
    tripletex_sandbox: SandboxCompany, tx: Tripletex, waits: list[float]
) -> None:
    tripletex_sandbox.inject("429,method=GET,path=/customer,times=0,reset=1")
    with pytest.raises(RateLimitError):
        tx.customers.search().to_list()
    assert 0 < len(waits) <= tx.settings.max_retries


def test_faults_of_one_company_never_touch_another(
    tripletex_sandbox: SandboxCompany, tripletex_sandbox_server: Sandbox
) -> None:
    fault = tripletex_sandbox.inject("503,path=/customer*")
    other = tripletex_sandbox_server.new_company()
    try:
        with Tripletex.for_sandbox(other) as tx:
            assert tx.customers.search().to_list() == []
        assert fault.hits == 0
    finally:
        other.close()


def test_closing_a_company_drops_its_faults(tripletex_sandbox_server: Sandbox) -> None:
    company = tripletex_sandbox_server.new_company()
    company.inject("503,times=0")
    company.close()
    assert all(f.company_id != company.company_id for f in tripletex_sandbox_server.faults.pending())


def test_session_paths_fail_only_when_a_fault_names_them() -> None:
    anything, sessions = Fault(503), Fault(503, path="/token/session/*")
    assert not anything.matches("PUT", "/token/session/:create", None, "before")
    assert sessions.matches("PUT", "/token/session/:create", None, "before")
    assert anything.matches("GET", "/customer/1", 7, "before")


def test_a_sandbox_made_with_faults_answers_them_then_serves_normally() -> None:
    with Sandbox(memory=True, faults=["503,method=GET,path=/customer"]) as sandbox:
        tx = Tripletex(sandbox.consumer_token, sandbox.employee_token, base_url=sandbox.base_url, max_retries=0)
        with tx:
            with pytest.raises(ServerError):
                tx.customers.search().to_list()
            assert tx.customers.search().to_list() == []
        assert sandbox.faults.pending() == []


def test_the_serve_banner_lists_the_faults_it_will_answer() -> None:
    sandbox = Sandbox(memory=True, faults=["503,method=POST,when=after,times=2"])
    try:
        assert "  fault:          503 after POST *, 2 time(s)" in banner(sandbox)
    finally:
        sandbox.stop()


@pytest.mark.parametrize(("spec", "complaint"), [
    ("418", "fault status 418 is not one of 429, 500, 502, 503, 504"),
    ("slow", "start with the status"),
    ("503,when=later", "use before or after"),
    ("503,colour=red", "'colour=red' is not one of"),
    ("503,times=twice", "whole numbers"),
    ("503,times=-1", "must not be negative"),
])
def test_a_bad_fault_description_is_refused_saying_what_is_wrong(spec: str, complaint: str) -> None:
    with pytest.raises(FaultSpecError, match=complaint):
        parse_fault(spec)
