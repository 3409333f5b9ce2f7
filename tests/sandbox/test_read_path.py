"""The read path's shortcuts answer exactly what the general code answers: rendering under `*` by steps
decided once per shape of object, and a GET of one object that reads without taking the write lock."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tripletex_connect.models import field_types
from tripletex_connect.sandbox.render import Renderer

from .conftest import Api

MODELS = ["Customer", "Invoice", "Project", "Employee", "Posting", "Product"]


def renderer() -> Renderer:
    def resolve(model: str, id: int) -> dict[str, Any] | None:
        return {"id": id, "version": 1, "name": f"{model} {id}"}

    return Renderer(resolve, lambda model, id: f"http://x/v2/{model}/{id}", lambda model, id: [])


@st.composite
def stored_objects(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    model = draw(st.sampled_from(MODELS))
    names = draw(st.lists(st.sampled_from(sorted(field_types(model))), max_size=12, unique=True))
    values = st.one_of(st.none(), st.integers(0, 9), st.text(max_size=3), st.booleans(),
                       st.fixed_dictionaries({"id": st.integers(1, 9)}), st.just({"name": "inline"}),
                       st.lists(st.fixed_dictionaries({"id": st.integers(1, 9)}), max_size=2))
    obj = {name: draw(values) for name in names}
    if draw(st.booleans()):
        obj["_hidden"] = 1
    return model, obj


@settings(max_examples=300, derandomize=True, deadline=None)
@given(stored_objects())
def test_rendering_under_star_by_steps_answers_what_the_field_by_field_rendering_answers(
    example: tuple[str, dict[str, Any]]
) -> None:
    model, obj = example
    fast = renderer().render(model, obj, {"*": None})
    general = renderer().render(model, obj, {"*": None, "id": None})  # not `*` alone: the general code
    assert fast == general and list(fast) == list(general)


def test_a_get_by_id_reads_without_taking_the_write_lock(api: Api) -> None:
    made = api.http.post("/v2/customer", json={"name": "Lesbar AS"}, headers=api.auth).json()["value"]
    statements: list[str] = []
    api.backend.store._conn.set_trace_callback(statements.append)
    try:
        answer = api.http.get(f"/v2/customer/{made['id']}", headers=api.auth)
        api.http.get("/v2/customer", params={"name": "Lesbar"}, headers=api.auth)
    finally:
        api.backend.store._conn.set_trace_callback(None)
    assert answer.status_code == 200 and answer.json()["value"]["name"] == "Lesbar AS"
    assert [s for s in statements if s.startswith("BEGIN")] == ["BEGIN IMMEDIATE"], statements  # the search's
