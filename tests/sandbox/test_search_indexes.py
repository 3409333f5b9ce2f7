"""The store's speed-ups answer exactly what a plain scan answers: `contains` matched in memory, remembered counts,
per-type tables (with the single table and the full-text indexes of earlier versions migrated) and reference data
copied from a template."""

from __future__ import annotations

import itertools
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tripletex_connect import catalog
from tripletex_connect.sandbox import Backend, Store
from tripletex_connect.sandbox.engine import Engine
from tripletex_connect.sandbox.query import build_query
from tripletex_connect.sandbox.store import Row

from .conftest import BASE, Api

SEARCH = catalog.get("customer.search")
# Norwegian letters in both cases, letters whose case folding changes their length or leaves ASCII (ß, the
# Kelvin sign, dotted İ), LIKE's wildcards and escape, and quotes.
ALPHABET = "aAbBkKsSeEæÆøØåÅéÉßẞ\u212a\u0130\u0131 _%\\\"'-1"
_companies = itertools.count(1)


@pytest.fixture(scope="module")
def store() -> Store:
    """One store with the engine's indexes; each example uses a company of its own."""
    store = Store()
    Engine(store, BASE)
    return store


def customers(store: Store, company_id: int, names: list[str]) -> None:
    with store.transaction() as tx:
        tx.insert_many(company_id, "Customer", [
            {"id": i, "name": name, "isInactive": False} for i, name in enumerate(names, start=1)], "2026-01-01")


def search(store: Store, company_id: int, params: dict[str, str], in_memory: bool = False) -> tuple[int, list[int]]:
    """A search's size and page of ids: `contains` matched in memory as the engine does, or by the LIKE scan."""
    q = build_query(SEARCH, "Customer", params, {k: [v] for k, v in params.items()}, in_memory)
    with store.read() as tx:
        total, rows = tx.search(company_id, "Customer", q.where, q.args, q.order, q.offset, q.limit, q.flags,
                                q.contains)
    return total, [row.id for row in rows]


def in_memory(store: Store, company_id: int, params: dict[str, str]) -> tuple[int, list[int]]:
    return search(store, company_id, params, in_memory=True)


@st.composite
def corpus_and_query(draw: st.DrawFn, shortest: int = 1) -> tuple[list[str], str]:
    names = draw(st.lists(st.text(ALPHABET, max_size=12), min_size=1, max_size=8))
    if draw(st.booleans()):  # a piece of a name, its letters' case flipped at random: it should be found
        name = draw(st.sampled_from(names))
        start = draw(st.integers(0, len(name)))
        piece = name[start:start + draw(st.integers(shortest, 6))] or "x"
        flips = draw(st.lists(st.booleans(), min_size=len(piece), max_size=len(piece)))
        query = "".join(c.swapcase() if flip else c for c, flip in zip(piece, flips, strict=True))
    else:
        query = draw(st.text(ALPHABET, min_size=1, max_size=5))
    return names, query


@st.composite
def short_needles(draw: st.DrawFn) -> tuple[list[str], dict[str, str]]:
    names, query = draw(corpus_and_query())
    if draw(st.booleans()):  # one or two letters: no trigram to look up
        query = query[:draw(st.integers(1, 2))] or query
    params = {"customerName": query, "count": str(draw(st.integers(1, 4))), "from": str(draw(st.integers(0, 2)))}
    if draw(st.booleans()):
        params["sorting"] = draw(st.sampled_from(["name", "-name", "id"]))
    return names, params


@settings(max_examples=200, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(short_needles(), st.lists(st.booleans(), min_size=8, max_size=8))
def test_a_contains_search_of_any_length_matched_in_memory_finds_what_a_scan_finds_in_its_order(
    store: Store, example: tuple[list[str], dict[str, str]], inactive: list[bool]
) -> None:
    names, params = example
    company_id = next(_companies)
    with store.transaction() as tx:
        tx.insert_many(company_id, "Customer", [
            {"id": i, "name": name, "isInactive": inactive[i - 1]} for i, name in enumerate(names, start=1)],
            "2026-01-01")
    assert in_memory(store, company_id, params) == search(store, company_id, params)


@pytest.mark.parametrize("needle", ["e", "E", "ø", "Ø", "å", "ss", "ß", "ẞ", "k", "K", "\u212a", "i", "İ", "i\u0307",
                                    "%", "_", "\\", "7", "a b"])
def test_one_and_two_letter_needles_with_norwegian_and_special_letters_match_as_the_scan_does(
    store: Store, needle: str
) -> None:
    company_id = next(_companies)
    customers(store, company_id, ["Østre Å", "Straße", "STRASSE", "\u212aelvin", "kelvin", "İstanbul", "istanbul",
                                  "100% a_b\\c", "Kunde 7", "a b", "Ærlig"])
    params = {"customerName": needle, "count": "2"}
    assert in_memory(store, company_id, params) == search(store, company_id, params)


def test_in_memory_contains_follows_writes_on_this_and_another_connection(tmp_path: Path) -> None:
    path = str(tmp_path / "texts.sqlite3")
    first, second = Store(path), Store(path)
    customers(first, 7, ["Fjord AS", "Havbruk AS"])
    assert in_memory(first, 7, {"customerName": "fj"}) == (1, [1])
    with first.transaction() as tx:
        tx.insert(7, "Customer", {"name": "Fjellbu", "isInactive": False}, "2026-01-02")
    assert in_memory(first, 7, {"customerName": "f"}) == (2, [1, 3])
    with second.transaction() as tx:
        row = tx.get(7, "Customer", 1)
        assert row is not None
        tx.replace(7, "Customer", row, {**row.data, "name": "Skog AS"}, "2026-01-03")
    assert in_memory(first, 7, {"customerName": "f"}) == (1, [3])
    first.close()
    second.close()


def test_in_memory_columns_follow_updates_deletes_and_rollbacks_of_this_connection(store: Store) -> None:
    company_id = next(_companies)
    with store.transaction() as tx:
        tx.insert_many(company_id, "Customer", [
            {"id": i, "name": f"Kunde {i}", "isInactive": False} for i in range(1, 41)], "2026-01-01")
    params = {"customerName": "kunde", "count": "2"}
    assert in_memory(store, company_id, params) == (40, [1, 2])
    with store.transaction() as tx:
        first, second = tx.get(company_id, "Customer", 1), tx.get(company_id, "Customer", 2)
        assert first is not None and second is not None
        tx.replace(company_id, "Customer", first, {**first.data, "name": "Fjord"}, "2026-01-02")
        tx.replace(company_id, "Customer", second, {**second.data, "isInactive": True}, "2026-01-02")
        tx.delete(company_id, "Customer", 3)
        tx.insert(company_id, "Customer", {"name": "Kunde ny", "isInactive": False}, "2026-01-02")
    assert in_memory(store, company_id, params) == (38, [4, 5]) == search(store, company_id, params)
    assert in_memory(store, company_id, {"customerName": "fj"}) == (1, [1])
    with pytest.raises(RuntimeError), store.transaction() as tx:
        tx.delete(company_id, "Customer", 4)
        assert in_memory(store, company_id, params)[0] == 37
        raise RuntimeError("rolled back")
    assert in_memory(store, company_id, params) == (38, [4, 5])


def test_the_size_of_a_common_needle_is_counted_in_memory_with_the_inactive_filter(store: Store) -> None:
    company_id = next(_companies)
    with store.transaction() as tx:
        tx.insert_many(company_id, "Customer", [
            {"id": i, "name": f"Kunde {i}", "isInactive": i % 3 == 0} for i in range(1, 31)], "2026-01-01")
    params = {"customerName": "e", "count": "5"}
    assert in_memory(store, company_id, params) == (20, [1, 2, 4, 5, 7]) == search(store, company_id, params)


@pytest.mark.parametrize("matched_in_memory", [True, False])
def test_contains_folds_norwegian_letters(store: Store, matched_in_memory: bool) -> None:
    company_id = next(_companies)
    customers(store, company_id, ["ØSTLANDET ÆRE AS", "Blåbær", "Ærlig Øst", "Nordmann"])
    assert search(store, company_id, {"customerName": "østland"}, matched_in_memory) == (1, [1])
    assert search(store, company_id, {"customerName": "BLÅBÆR"}, matched_in_memory) == (1, [2])
    assert search(store, company_id, {"customerName": "øs"}, matched_in_memory) == (2, [1, 3])
    assert search(store, company_id, {"customerName": "æ"}, matched_in_memory) == (3, [1, 2, 3])


def test_a_remembered_size_is_recounted_after_a_write_on_this_or_another_connection(tmp_path: Path) -> None:
    path = str(tmp_path / "sizes.sqlite3")
    first, second = Store(path), Store(path)
    customers(first, 7, ["A", "B", "C"])
    page = {"count": "1"}  # a full page: the size is counted, not read off the page
    assert search(first, 7, page)[0] == 3
    with first.transaction() as tx:
        tx.insert(7, "Customer", {"name": "D", "isInactive": False}, "2026-01-02")
    assert search(first, 7, page)[0] == 4
    with second.transaction() as tx:
        tx.delete(7, "Customer", 1)
    assert search(first, 7, page)[0] == 3
    first.close()
    second.close()


def test_a_file_of_earlier_versions_has_its_objects_moved_into_tables_per_type_and_its_text_indexes_dropped(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE objects (company_id INTEGER NOT NULL, type TEXT NOT NULL, id INTEGER NOT NULL, "
                 "version INTEGER NOT NULL, changed_at TEXT NOT NULL, data TEXT NOT NULL, "
                 "PRIMARY KEY (company_id, type, id))")
    conn.execute("INSERT INTO objects VALUES (100001, 'Customer', 5, 2, '2026-01-01', ?)",
                 (json.dumps({"name": "Gamle Kunde AS", "isInactive": False}),))
    conn.execute("CREATE TABLE o_Customer (company_id INTEGER NOT NULL, id INTEGER NOT NULL, version INTEGER NOT NULL, "
                 "changed_at TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (company_id, id))")
    conn.execute("CREATE VIRTUAL TABLE fts_Customer_0a1b2c3d USING fts5(f0, tokenize='trigram')")  # as 2026-11 kept
    conn.execute("CREATE TRIGGER fts_Customer_0a1b2c3d_ai AFTER INSERT ON o_Customer BEGIN "
                 "INSERT INTO fts_Customer_0a1b2c3d (rowid, f0) VALUES (NEW.rowid, NEW.data); END")
    conn.commit()
    conn.close()
    store = Store(str(path))
    Engine(store, BASE)
    with store.read() as tx:
        assert tx.get(100001, "Customer", 5) == Row(5, 2, "2026-01-01", {"name": "Gamle Kunde AS", "isInactive": False})
        assert tx.conn.execute("SELECT name FROM sqlite_master WHERE name = 'objects'").fetchone() is None
        assert tx.conn.execute("SELECT name FROM sqlite_master WHERE name LIKE 'fts%'").fetchall() == []
    assert in_memory(store, 100001, {"customerName": "gamle"}) == (1, [5])
    store.close()


def reference(backend: Backend, company_id: int) -> dict[str, list[dict[str, Any]]]:
    with backend.store.read() as tx:
        return {t: [r.data for r in tx.search(company_id, t, [], [], [], 0, -1)[1]] for t in ("Account", "VatType")}


def test_companies_get_the_same_reference_data_each_their_own_copy(api: Api) -> None:
    second = api.backend.new_company()
    assert reference(api.backend, api.company.company_id) == reference(api.backend, second.company_id)
    bank = api.http.get("/v2/ledger/account", params={"number": "1920"}, headers=api.auth).json()["values"][0]
    changed = api.http.put(f"/v2/ledger/account/{bank['id']}", json={"name": "Driftskonto"}, headers=api.auth)
    assert changed.status_code == 200, changed.text
    with api.backend.store.read() as tx:
        other = tx.get(second.company_id, "Account", bank["id"])
    assert other is not None and other.data["name"] == bank["name"] != "Driftskonto"


def test_ids_of_a_copied_company_continue_after_its_reference_data(api: Api) -> None:
    made = api.http.post("/v2/ledger/account", json={"number": 1999, "name": "Ny konto"}, headers=api.auth)
    assert made.status_code == 201, made.text
    accounts = reference(api.backend, api.company.company_id)["Account"]
    with api.backend.store.read() as tx:
        ids = [r.id for r in tx.search(api.company.company_id, "Account", [], [], [], 0, -1)[1]]
    assert made.json()["value"]["id"] == max(ids) and len(ids) == len(accounts)


def test_the_api_reads_percent_encoded_utf8_and_plus_signs_in_the_query_as_starlette_did(api: Api) -> None:
    made = api.http.post("/v2/customer", json={"name": "Øst Handel AS"}, headers=api.auth).json()["value"]
    found = api.http.get("/v2/customer?customerName=%C3%B8st+handel&fields=id,name", headers=api.auth).json()
    assert found["values"] == [{"id": made["id"], "name": "Øst Handel AS"}]


def test_the_embedded_server_speaks_http_through_httptools() -> None:
    from tripletex_connect.sandbox import Sandbox

    with Sandbox(memory=True) as sandbox:
        assert sandbox._server is not None
        assert sandbox._server.config.http_protocol_class.__name__ == "HttpToolsProtocol"


def test_a_size_counted_inside_a_transaction_that_rolls_back_is_forgotten(store: Store) -> None:
    company_id = next(_companies)
    customers(store, company_id, ["A", "B"])
    with pytest.raises(RuntimeError), store.transaction() as tx:
        tx.insert(company_id, "Customer", {"name": "C", "isInactive": False}, "2026-01-02")
        assert tx.search(company_id, "Customer", [], [], [], 0, 1)[0] == 3
        raise RuntimeError("rolled back")
    with store.read() as tx:
        assert tx.search(company_id, "Customer", [], [], [], 0, 1)[0] == 2


def test_a_search_sorted_by_a_field_of_a_type_never_stored_answers() -> None:
    store = Store()
    customers(store, 1, ["Nord AS", "Sør AS"])
    with store.read() as tx:
        assert tx.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'o_Address'").fetchone() is None
    assert search(store, 1, {"sorting": "postalAddress.city"}) == (2, [1, 2])


def sql_order(store: Store, company_id: int, params: dict[str, str]) -> tuple[int, list[int]]:
    """What the search answers when SQLite sorts every object itself (no ranking kept)."""
    q = build_query(SEARCH, "Customer", params, {})
    with store.read() as tx:
        ids = [r[0] for r in tx.run(
            f"SELECT id FROM {tx.table('Customer')} AS objects WHERE company_id = ? "
            f"AND json_extract(data, '$.isInactive') = 0 ORDER BY {', '.join([*q.order, 'id'])}", (company_id,))]
    return len(ids), ids[q.offset:q.offset + q.limit]


def addressed(store: Store, company_id: int, cities: list[str | None]) -> None:
    with store.transaction() as tx:
        tx.insert_many(company_id, "Address", [
            {"id": i, "city": city} for i, city in enumerate(cities, start=1) if city is not None], "2026-01-01")
        tx.insert_many(company_id, "Customer", [
            {"id": i, "name": f"Kunde {i}", "isInactive": i % 4 == 0,
             **({"postalAddress": {"id": i}} if city is not None else {})}
            for i, city in enumerate(cities, start=1)], "2026-01-01")


@settings(max_examples=60, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(st.none(), st.sampled_from(["Oslo", "oslo", "Ålesund", "Bergen", "Ørsta", ""])),
                min_size=1, max_size=12),
       st.sampled_from(["postalAddress.city", "-postalAddress.city", "postalAddress.city,-name"]),
       st.integers(0, 3), st.integers(1, 5))
def test_a_search_sorted_by_a_referenced_objects_field_answers_the_order_sqlite_sorts(
    store: Store, cities: list[str | None], sorting: str, start: int, count: int
) -> None:
    company_id = next(_companies)
    addressed(store, company_id, cities)
    params = {"sorting": sorting, "from": str(start), "count": str(count)}
    assert search(store, company_id, params, in_memory=True) == sql_order(store, company_id, params)


def test_the_order_by_a_referenced_field_follows_a_change_of_the_referenced_object(store: Store) -> None:
    company_id = next(_companies)
    addressed(store, company_id, ["Oslo", "Bergen", "Tromsø"])
    params = {"sorting": "postalAddress.city"}
    assert search(store, company_id, params) == (3, [2, 1, 3])
    with store.transaction() as tx:
        bergen = tx.get(company_id, "Address", 2)
        assert bergen is not None
        tx.replace(company_id, "Address", bergen, {"city": "Ålesund"}, "2026-01-02")
    assert search(store, company_id, params) == (3, [1, 3, 2])
    with store.transaction() as tx:
        tx.delete(company_id, "Customer", 1)
    assert search(store, company_id, params) == (2, [3, 2])


def test_pages_sorted_by_a_referenced_field_sort_the_objects_once_until_a_write(store: Store) -> None:
    company_id = next(_companies)
    addressed(store, company_id, ["Oslo", "Bergen", "Tromsø", None])
    statements: list[str] = []
    store._conn.set_trace_callback(statements.append)
    try:
        for start in ("0", "1", "2"):
            search(store, company_id, {"sorting": "postalAddress.city", "from": start, "count": "1"})
        with store.transaction() as tx:
            tx.insert(company_id, "Customer", {"name": "Ny", "isInactive": False}, "2026-01-02")
        search(store, company_id, {"sorting": "postalAddress.city", "count": "1"})
    finally:
        store._conn.set_trace_callback(None)
    assert len([s for s in statements if "ORDER BY" in s and "ref0" in s]) == 2, statements


def test_no_literal_path_segment_is_a_number_so_numbers_only_ever_fill_placeholders() -> None:
    from tripletex_connect.sandbox import routes

    literal = [s for shape in routes._templates().values() for t in shape for s in t.segments if s is not None]
    assert literal and not [s for s in literal if s.isdigit()]
    assert routes.resolve("GET", "/customer/12") == routes.Served(catalog.get("customer.get"), {"id": "12"})


@settings(max_examples=40, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(inactive=st.lists(st.booleans(), min_size=1, max_size=60), start=st.integers(0, 70),
       count=st.integers(1, 30), flag=st.sampled_from([{}, {"isInactive": "true"}, {"isInactive": "false"}]))
def test_a_page_far_into_a_search_read_off_columns_is_the_page_sqlite_offsets_to(
    store: Store, monkeypatch: pytest.MonkeyPatch, inactive: list[bool], start: int, count: int, flag: dict[str, str]
) -> None:
    from tripletex_connect.sandbox import store as store_module

    company_id = next(_companies)
    with store.transaction() as tx:
        tx.insert_many(company_id, "Customer", [
            {"id": i * 3, "name": f"K {i}", "isInactive": off} for i, off in enumerate(inactive, start=1)],
            "2026-01-01")
        tx.delete(company_id, "Customer", 3)
    params = {"from": str(start), "count": str(count), **flag}
    monkeypatch.setattr(store_module, "_DEEP", 0)
    from_columns = search(store, company_id, params)
    monkeypatch.setattr(store_module, "_DEEP", 10**9)
    assert from_columns == search(store, company_id, params)
