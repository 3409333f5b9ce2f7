"""The catalog matches the Make module map and the official spec."""

from __future__ import annotations

import pytest

from tests.helpers.shared import modules, spec
from tripletex_connect import catalog
from tripletex_connect.catalog import Kind

SPEC_TYPES = {"integer": {"integer"}, "ids": {"string"}, "string": {"string"}, "date": {"string"},
              "datetime": {"string"}, "boolean": {"boolean"}, "number": {"number"}, "strings": {"array"}}


def implemented_groups() -> set[str]:
    return {op.group for op in catalog.all_operations() if op.make_module}


def test_every_catalog_module_has_the_method_and_path_of_the_make_module_map() -> None:
    by_title = {(m["group"], m["module"]): m for m in modules()}
    for op in catalog.all_operations():
        if not op.make_module:
            continue
        entry = by_title.get((op.group, op.title))
        assert entry is not None, f"{op.key}: no Make module {op.group!r} / {op.title!r} in modules.json"
        if op.kind is Kind.API_CALL:
            assert entry["action"] == "api_call"
            continue
        assert (op.method, op.path) == (entry["method"], entry["path"]), op.key
        assert op.kind.value == entry["action"], op.key


def test_every_module_of_an_implemented_group_is_in_the_catalog() -> None:
    present = {(op.group, op.title) for op in catalog.all_operations()}
    missing = [
        f"{m['group']} / {m['module']}" for m in modules()
        if m["group"] in implemented_groups() and (m["group"], m["module"]) not in present
    ]
    assert not missing, f"modules of implemented groups missing from the catalog: {missing}"


def test_the_ledger_reads_are_implemented_make_groups_checked_against_the_module_map() -> None:
    reads = {"Ledger Voucher Types", "Ledger Accounting Periods", "Ledger Annual Accounts", "Ledger Close Groups",
             "Ledgers"}
    assert reads <= implemented_groups()
    mapped = {m["group"] for m in modules()}
    assert reads <= mapped


def test_currency_country_department_and_activity_are_exposed_but_not_make_modules() -> None:
    for group in ("Currencies", "Countries", "Departments", "Activities"):
        ops = catalog.groups()[group]
        created = {Kind.CREATE} if group == "Activities" else set()  # POST /activity (and its /list) make new ones
        assert {op.kind for op in ops} == {Kind.GET, Kind.SEARCH, *created}, group
        assert all(op.exposed and not op.make_module for op in ops), group


def spec_operation(op: catalog.Operation) -> dict:
    paths = spec()["paths"]
    assert op.path in paths, f"{op.key}: {op.path} is not in the official spec"
    operation = paths[op.path].get(op.method.lower())
    assert operation is not None, f"{op.key}: the spec has no {op.method} {op.path}"
    return operation


CALLS = [o for o in catalog.all_operations() if o.kind is not Kind.API_CALL]


@pytest.mark.parametrize("op", CALLS, ids=lambda o: o.key)
def test_parameters_match_the_official_spec(op: catalog.Operation) -> None:
    declared = {p["name"]: p for p in spec_operation(op).get("parameters", [])}
    ours = {p.name: p for p in op.params if p.name != op.selector}  # a selector picks the call, never sent
    assert set(ours) == set(declared), f"{op.key}: catalog {sorted(ours)} vs spec {sorted(declared)}"
    for name, param in ours.items():
        theirs = declared[name]
        assert param.location == theirs["in"], f"{op.key}.{name}: location"
        assert param.required == bool(theirs.get("required")), f"{op.key}.{name}: required"
        assert theirs["schema"].get("type") in SPEC_TYPES[param.type], f"{op.key}.{name}: type"
        if theirs["schema"].get("enum"):
            assert set(param.enum) == set(theirs["schema"]["enum"]), f"{op.key}.{name}: enum"


@pytest.mark.parametrize("op", [o for o in catalog.all_operations() if o.body], ids=lambda o: o.key)
def test_bodies_name_the_schema_of_the_spec(op: catalog.Operation) -> None:
    content = spec_operation(op)["requestBody"]["content"]
    schema = next(iter(content.values()))["schema"]
    ref = schema["items"]["$ref"] if op.body_is_list else schema["$ref"]
    assert ref.rsplit("/", 1)[-1] == op.body


@pytest.mark.parametrize("op", [o for o in catalog.all_operations() if o.response], ids=lambda o: o.key)
def test_responses_name_the_schema_of_the_spec(op: catalog.Operation) -> None:
    content = spec_operation(op)["responses"]["default"]["content"]
    wrapper = content["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    if op.envelope in ("list", "values", "first"):
        # The timesheet entry search answers a list envelope with a sum (`TimesheetEntrySearchResponse`).
        assert wrapper in ("ListResponse" + op.response, op.response + "SearchResponse"), op.key
    else:
        assert wrapper == "ResponseWrapper" + op.response, op.key


@pytest.mark.parametrize("op", [o for o in catalog.all_operations() if o.selector], ids=lambda o: o.key)
def test_a_choice_module_dispatches_every_value_to_an_operation_of_the_same_shape(op: catalog.Operation) -> None:
    selector = op.param(op.selector or "")
    assert selector is not None and selector.required and selector.enum
    assert {value for value, _ in op.dispatch} == set(selector.enum)
    for _, key in op.dispatch:
        target = catalog.get(key)
        assert (target.method, target.response, target.envelope) == (op.method, op.response, op.envelope), key
        assert {p.name for p in target.params} <= {p.name for p in op.params}, key
        spec_operation(target)


def test_keys_are_unique_and_sdk_and_cli_names_are_derived() -> None:
    ops = catalog.all_operations()
    assert len({op.key for op in ops}) == len(ops)
    op = catalog.get("customer.search")
    assert op.param("customerName") is op.param("customer_name")
    assert op.param("customerName").cli_name == "customer-name"  # type: ignore[union-attr]
    assert op.sdk_call == "tx.customers.search()"
    assert op.cli_call == "ttx customers search"


def test_search_parameters_say_how_they_filter() -> None:
    for op in catalog.all_operations():
        if op.kind is Kind.SEARCH and op.make_module:
            for p in op.query_params:
                if p.name not in ("sorting", "fields"):
                    assert p.match and p.field, f"{op.key}.{p.name} has no filter semantics"
