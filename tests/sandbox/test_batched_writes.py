"""Writes kept back in a transaction and written together: every read sees them, a `/list` answers as item by
item did (which items exist afterwards, the refused item's index), and the indexes stay whole."""

from __future__ import annotations

from typing import Any

import pytest

from tests.sandbox.conftest import Api
from tests.sandbox.rules_helpers import locations
from tripletex_connect.sandbox import Store

COMPANY = 7


def customers(api: Api, **params: Any) -> list[dict[str, Any]]:
    answer = api.http.get("/v2/customer", params={"fields": "id,name,customerNumber", **params}, headers=api.auth)
    assert answer.status_code == 200, answer.text
    return list(answer.json()["values"])


def create_list(api: Api, body: list[dict[str, Any]]) -> Any:
    return api.http.post("/v2/customer/list", json=body, headers=api.auth)


def test_objects_inserted_in_a_transaction_are_seen_by_every_read_in_it() -> None:
    store = Store()
    with store.transaction() as tx:
        made = [tx.insert(COMPANY, "Thing", {"name": f"Ting {n}", "code": n % 2}, "2026-12-01") for n in range(3)]
        assert [row.id for row in made] == [1, 2, 3]
        assert tx.get(COMPANY, "Thing", 2) is not None
        assert [row.id for row in tx.find(COMPANY, "Thing", "code", 1)] == [2]
        assert tx.search(COMPANY, "Thing", [], [], [], 0, 10)[0] == 3
        assert tx.conn.execute("SELECT COUNT(*) FROM o_Thing").fetchone()[0] == 3
        tx.insert(COMPANY, "Thing", {"name": "Ting 3"}, "2026-12-01")
    with store.read() as tx:
        assert tx.search(COMPANY, "Thing", [], [], [], 0, 10)[0] == 4


def test_sequence_values_continue_after_a_commit_and_are_forgotten_with_a_rollback() -> None:
    store = Store()
    with store.transaction() as tx:
        assert [tx.next_value(COMPANY, "n", 10) for _ in range(3)] == [10, 11, 12]
        tx.bump(COMPANY, "n", 20)
    with pytest.raises(RuntimeError), store.transaction() as tx:
        assert tx.next_value(COMPANY, "n") == 21
        raise RuntimeError("refused")
    with store.transaction() as tx:
        assert tx.next_value(COMPANY, "n") == 21
        tx.bump(COMPANY, "n", 5)  # never backwards
        assert tx.next_value(COMPANY, "n") == 22


def test_a_list_whose_third_of_five_items_is_refused_creates_none_and_names_index_2(api: Api) -> None:
    body: list[dict[str, Any]] = [{"name": f"Kunde {n}"} for n in range(5)]
    body[2]["email"] = "ikke en adresse"
    answer = create_list(api, body)
    assert answer.status_code == 422
    assert locations(answer.json()) == ["[2].email"]
    assert customers(api, customerName="Kunde") == []
    made = create_list(api, [{"name": f"Kunde {n}"} for n in range(5)])
    assert made.status_code == 201, made.text
    numbers = [v["customerNumber"] for v in made.json()["values"]]
    assert numbers == list(range(numbers[0], numbers[0] + 5))  # the refused list used up no numbers
    assert [c["name"] for c in customers(api, customerName="Kunde")] == [f"Kunde {n}" for n in range(5)]


def test_an_item_clashing_with_an_earlier_item_of_the_same_list_is_refused_by_its_index(api: Api) -> None:
    body = [{"name": "Første", "customerNumber": 50001}, {"name": "Andre"}, {"name": "Tredje", "customerNumber": 50001}]
    answer = create_list(api, body)
    assert answer.status_code == 422
    assert locations(answer.json()) == ["[2].customerNumber"]
    assert customers(api, customerNumber="50001") == []


def test_a_large_list_answers_in_order_and_every_item_is_found_by_a_contains_search(api: Api) -> None:
    body = [{"name": f"Fjellgård {n:04d}"} for n in range(1200)]
    answer = create_list(api, body)
    assert answer.status_code == 201, answer.text
    values = answer.json()["values"]
    assert [v["name"] for v in values] == [b["name"] for b in body]
    assert [v["id"] for v in values] == sorted(v["id"] for v in values)
    assert len(customers(api, customerName="ellgÅr", count=2000)) == 1200  # the trigram index, folded
    assert [c["name"] for c in customers(api, customerName="gård 0917")] == ["Fjellgård 0917"]
    single = api.http.post("/v2/customer", json={"name": "Fjellgård etter"}, headers=api.auth).json()["value"]
    assert single["id"] == values[-1]["id"] + 1
    assert single["customerNumber"] == values[-1]["customerNumber"] + 1


def test_a_list_is_written_in_one_insert_even_while_the_companys_columns_are_held_in_memory(api: Api) -> None:
    assert create_list(api, [{"name": "Første AS"}]).status_code == 201
    assert [c["name"] for c in customers(api, customerName="rs")] == ["Første AS"]  # columns now in memory
    statements: list[str] = []
    api.backend.store._conn.set_trace_callback(statements.append)
    try:
        assert create_list(api, [{"name": f"Kunde {n} AS"} for n in range(20)]).status_code == 201
    finally:
        api.backend.store._conn.set_trace_callback(None)
    inserts = [s for s in statements if s.lstrip().upper().startswith("INSERT INTO O_CUSTOMER")]
    assert len(inserts) == 1
    assert len(customers(api, customerName="kunde")) == 20  # and the columns followed the write
