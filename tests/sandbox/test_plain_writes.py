"""A body whose fields are plain values of their types skips the full `check`: the shortcut answers only when
the full check finds nothing, and then writes exactly what `writable` keeps."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tripletex_connect.models import SCHEMA_FIELDS
from tripletex_connect.sandbox.engine import MODEL_PATHS, Engine
from tripletex_connect.sandbox.store import Store
from tripletex_connect.sandbox.urls import url_path
from tripletex_connect.sandbox.validate import check, plain_writable, writable

MODELS = sorted(SCHEMA_FIELDS)
VALUES = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.just(2**63), st.floats(allow_nan=True),
                   st.text(max_size=3), st.just("2026-01-02"), st.just("a@b.no"), st.just("x@"), st.just([]),
                   st.builds(lambda i: {"id": i}, st.integers(1, 9)))


@st.composite
def bodies(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    model = draw(st.sampled_from(MODELS))
    names = [*SCHEMA_FIELDS[model], "id", "version", "unknownField"]
    keys = draw(st.lists(st.sampled_from(names), unique=True, max_size=8))
    return model, {key: draw(VALUES) for key in keys}


@settings(max_examples=500, deadline=None)
@given(bodies())
def test_plain_body_is_written_as_writable_keeps_it_and_has_no_problem(case: tuple[str, dict[str, Any]]) -> None:
    model, body = case
    plain = plain_writable(model, body)
    if plain is not None:
        assert check(model, body) == []
        assert plain == writable(model, body)
        assert list(plain) == list(writable(model, body))


def test_body_of_plain_texts_and_flags_takes_the_shortcut() -> None:
    body = {"name": "A AS", "isPrivateIndividual": True, "customerNumber": 12, "version": None}
    assert plain_writable("Customer", body) == body


def test_body_with_an_email_a_reference_or_an_unknown_field_needs_the_full_check() -> None:
    assert plain_writable("Customer", {"name": "A AS", "email": "a@b.no"}) is None
    assert plain_writable("Customer", {"name": "A AS", "currency": {"id": 1}}) is None
    assert plain_writable("Customer", {"name": "A AS", "nonsense": 1}) is None
    assert plain_writable("Customer", {"name": 5}) is None


def test_url_of_an_object_follows_a_changed_base_url() -> None:
    engine = Engine(Store(), "http://a/v2")
    engine.base_url = "http://b:8080/v2"
    for model in [*MODEL_PATHS, "Address", "Company"]:
        assert engine.url_for(model, 7) == "http://b:8080/v2" + url_path(model, 7, MODEL_PATHS)
