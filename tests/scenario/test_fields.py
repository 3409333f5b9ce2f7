"""A search asks only for the fields later steps read (fewer bytes), unless that cannot be told."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tripletex_connect.client import Tripletex
from tripletex_connect.scenario import Scenario, run_scenario
from tripletex_connect.scenario.fields import search_fields
from tripletex_connect.testing import FixtureCompany

HEAD = """
name: Fields
steps:
  - id: find
    module: customer.search
    params: {customer_name: Acme}
"""


def fields_of(scenario: Callable[[str], Scenario], tail: str, head: str = HEAD) -> str | None:
    return search_fields(scenario(head + tail)).get("find")


def test_a_foreach_over_a_search_asks_for_the_fields_its_item_reads(scenario: Callable[[str], Scenario]) -> None:
    assert fields_of(scenario, """
  - id: each
    foreach: "{{ steps.find.values }}"
    module: customer.update
    params: {id: "{{ item.id }}"}
    body: {description: "{{ item.name }} {{ item.customer_number }}"}
output: "{{ steps.each.count }}"
""") == "id,customerNumber,name"


def test_nested_reads_become_nested_fields_and_an_alias_is_followed(scenario: Callable[[str], Scenario]) -> None:
    assert fields_of(scenario, """
  - id: each
    foreach: "{{ steps.find }}"
    as: c
    when: "{{ c.postal_address.city == 'Oslo' }}"
    module: customer.update
    params: {id: "{{ c.id }}"}
    body: {description: "{{ steps.find.first.category1.name }}"}
output: "{{ steps.find.count }}"
""") == "id,category1(name),postalAddress(city)"


def test_a_count_alone_needs_only_ids(scenario: Callable[[str], Scenario]) -> None:
    assert fields_of(scenario, 'output: "{{ steps.find.count }}"\n') == "id"


def test_an_aggregate_value_reads_its_items_fields(scenario: Callable[[str], Scenario]) -> None:
    assert fields_of(scenario, """
  - id: names
    aggregate: {from: "{{ steps.find.values }}", value: "{{ item.name }}", into: text}
""") == "id,name"


@pytest.mark.parametrize("tail", [
    'output: "{{ steps.find.first }}"\n',
    'output: "{{ steps.find.values }}"\n',
    'output: "{{ steps.find.values[vars.n] }}"\nvars: {n: 0}\n',
    "",  # the run's output is then the last search's values, whole
    """  - id: names
    aggregate: {from: "{{ steps.find.values }}", into: list}
""",
    """  - id: keep
    module: datastore.set
    params: {key: k, value: "{{ steps.find.values[0] }}"}
""",
])
def test_a_result_used_whole_is_left_as_written(scenario: Callable[[str], Scenario], tail: str) -> None:
    assert fields_of(scenario, tail) is None


def test_fields_given_by_the_step_are_kept(scenario: Callable[[str], Scenario]) -> None:
    head = HEAD.replace("{customer_name: Acme}", "{customer_name: Acme, fields: '*'}")
    assert fields_of(scenario, 'output: "{{ steps.find.first.name }}"\n', head) is None


@pytest.fixture
def recorded(tripletex_sandbox: FixtureCompany) -> Iterator[tuple[Tripletex, list[httpx.Request]]]:
    """A client on the test's sandbox company and every request it sends."""
    sent: list[httpx.Request] = []
    http = httpx.Client(event_hooks={"request": [sent.append]})
    with Tripletex(tripletex_sandbox.consumer_token, tripletex_sandbox.employee_token,
                   base_url=tripletex_sandbox.base_url, http_client=http) as tx:
        yield tx, sent


def test_the_search_request_carries_only_the_fields_the_scenario_reads(
        recorded: tuple[Tripletex, list[httpx.Request]], scenario: Callable[[str], Scenario], tmp_path: Path) -> None:
    tx, sent = recorded
    for name in ("Acme Nord AS", "Acme Sør AS"):
        tx.customers.create({"name": name, "email": "post@acme.no"})
    result = run_scenario(scenario(HEAD + """
  - id: each
    foreach: "{{ steps.find.values }}"
    module: customer.update
    params: {id: "{{ item.id }}"}
    body: {description: "{{ item.name }} <{{ item.email }}>"}
output: "{{ steps.each.values }}"
"""), tx, data_dir=tmp_path)
    assert result.last.status == "ok"
    searches = [r for r in sent if r.method == "GET" and r.url.path.endswith("/customer")]
    assert [r.url.params.get("fields") for r in searches] == ["id,email,name"]
    assert sorted(c["description"] for c in result.output) == ["Acme Nord AS <post@acme.no>",
                                                              "Acme Sør AS <post@acme.no>"]


def test_a_scenario_is_analysed_once_and_each_caller_gets_its_own_answer(
    scenario: Callable[[str], Scenario], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tripletex_connect.scenario import fields

    parsed = scenario(HEAD + """
  - id: each
    foreach: "{{ steps.find.values }}"
    module: customer.update
    params: {id: "{{ item.id }}"}
    body: {description: "{{ item.name }}"}
output: "{{ steps.each.count }}"
""")
    walks: list[Scenario] = []
    real = fields._search_fields
    monkeypatch.setattr(fields, "_search_fields", lambda s: walks.append(s) or real(s))
    first = fields.search_fields(parsed)
    first["find"] = "changed by a caller"
    assert fields.search_fields(parsed) == {"find": "id,name"}
    assert walks == [parsed]
