"""Rendering `*` (every answer without `fields`) by precompiled steps answers exactly as the field-tree rendering,
for every model and any stored keys (hidden, extra, changes, url, displayName)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tripletex_connect.models import SCHEMA_FIELDS
from tripletex_connect.sandbox.render import ALL, Renderer

MODELS = sorted(SCHEMA_FIELDS)
VALUES = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.text(max_size=3), st.just([]),
                   st.builds(lambda i: {"id": i}, st.integers(1, 9)), st.just({"name": "inline"}),
                   st.lists(st.builds(lambda i: {"id": i}, st.integers(1, 9)), max_size=2))


@st.composite
def objects(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    model = draw(st.sampled_from(MODELS))
    names = [*SCHEMA_FIELDS[model], "id", "version", "url", "changes", "displayName", "_hidden", "extra"]
    keys = draw(st.lists(st.sampled_from(names), unique=True, max_size=12))
    return model, {key: draw(VALUES) for key in keys}


def renderer() -> Renderer:
    return Renderer(lambda model, id: None, lambda model, id: f"http://x/v2/{model}/{id}", lambda model, id: [])


@settings(max_examples=300, deadline=None)
@given(objects())
def test_rendering_all_fields_in_one_pass_equals_rendering_the_tree_star(case: tuple[str, dict[str, Any]]) -> None:
    model, obj = case
    fast = renderer().render(model, obj, ALL)
    general = renderer().render(model, obj, {"*": None, "id": None})  # not `*` alone: the field-tree code
    assert fast == general
    assert list(fast) == list(general)  # the same order of fields too
