"""Pydantic models of Tripletex objects, generated from the official spec, and helpers to move between
models and the API's JSON shape."""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from typing import Any

import pydantic

from . import _generated
from ._generated import *  # noqa: F403
from ._generated import SCHEMA_FIELDS, SPEC_VERSION
from .base import FieldSpec, TripletexModel

__all__ = [
    "SCHEMA_FIELDS",
    "SPEC_VERSION",
    "FieldSpec",
    "TripletexModel",
    "field_names",
    "field_types",
    "model_for",
    "parse",
    "parse_page_json",
    "prepare_parsers",
    "to_api_dict",
    *_generated.__all__,
]


def model_for(name: str) -> type[TripletexModel]:
    """The generated model class of the spec schema `name` (KeyError if there is none)."""
    model = getattr(_generated, name, None) if name in SCHEMA_FIELDS else None
    if not (isinstance(model, type) and issubclass(model, TripletexModel)):
        raise KeyError(f"no generated model named {name!r} (regenerate with `make generate` if the catalog grew)")
    return model


def field_types(name: str) -> dict[str, FieldSpec]:
    """The fields of schema `name` by API name, with kind, referenced model, enum and read-only flag."""
    try:
        return SCHEMA_FIELDS[name]
    except KeyError:
        raise KeyError(f"no generated model named {name!r}") from None


@cache
def field_names(name: str) -> dict[str, str]:
    """API field name -> Python attribute name for schema `name`."""
    return {api: spec.python for api, spec in field_types(name).items()}


def parse(name: str, data: Any) -> TripletexModel:
    """A response value as the model `name`; unknown fields are kept, nulls are treated as absent.

    A tolerant reader: a field whose value does not fit the spec's type (the server is newer, or the
    spec is wrong) is kept as sent instead of failing the whole answer.
    """
    model = model_for(name)
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as error:
        if not isinstance(data, Mapping):
            raise
        bad = {str(e["loc"][0]) for e in error.errors() if e["loc"]}
        parsed = model.model_validate({k: v for k, v in data.items() if k not in bad})
        python = field_names(name)
        for key in bad:
            attribute = python.get(key, key)
            parsed.__dict__[attribute] = data[key]
            parsed.__pydantic_fields_set__.add(attribute)
        return parsed


def parse_value_json(name: str, content: bytes) -> TripletexModel | None:
    """A `{"value": ...}` envelope validated straight from its JSON bytes as model `name`, in one pass in Rust.

    None when anything does not fit (invalid JSON, a null or non-object value, a field of an unexpected type):
    `parse` then reads it tolerantly.
    """
    try:
        value = _value_adapter(name).validate_json(content).get("value")
    except pydantic.ValidationError:
        return None
    return value if isinstance(value, TripletexModel) else None


@cache
def _value_adapter(name: str) -> pydantic.TypeAdapter[dict[str, Any]]:
    from typing_extensions import TypedDict

    fields = {"value": model_for(name) | None}
    return pydantic.TypeAdapter(TypedDict(f"{name}Value", fields, total=False))  # type: ignore[operator]


@cache
def _page_adapter(name: str) -> pydantic.TypeAdapter[dict[str, Any]]:
    from typing_extensions import TypedDict

    values: Any = list.__class_getitem__(model_for(name))
    fields = {"fullResultSize": int | None, "from": int | None, "versionDigest": str | None, "values": values | None}
    return pydantic.TypeAdapter(TypedDict(f"{name}Page", fields, total=False))  # type: ignore[operator]


def prepare_parsers(names: Iterable[str]) -> None:
    """Build the JSON parsers of these models now (each is otherwise built by its first answer: ~0.1 s)."""
    for name in names:
        _value_adapter(name)
        _page_adapter(name)


def parse_page_json(name: str, content: bytes) -> dict[str, Any] | None:
    """A list envelope validated straight from its JSON bytes, values as models `name`, in one pass in Rust.

    None when anything does not fit (invalid JSON, a value of an unexpected type): `parse` then reads it tolerantly.
    """
    adapter = _page_adapter(name)
    try:
        with _collector_paused():
            return adapter.validate_json(content)
    except pydantic.ValidationError:
        return None


@contextmanager
def _collector_paused() -> Iterator[None]:
    # A page builds thousands of acyclic objects at once; the cyclic collector, triggered by every 700 of them,
    # would rescan the pages still held and doubled the CPU of a page. It runs as usual at the next allocation.
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def to_api_dict(obj: TripletexModel | Mapping[str, Any]) -> dict[str, Any]:
    """The API's JSON shape (camelCase) of a model or mapping: only fields that were set, unknown ones kept."""
    if isinstance(obj, TripletexModel):
        return obj.model_dump(mode="json", by_alias=True, exclude_unset=True, warnings=False)
    return {str(k): _plain(v) for k, v in obj.items()}


def _plain(value: Any) -> Any:
    if isinstance(value, TripletexModel | Mapping):
        return to_api_dict(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value
