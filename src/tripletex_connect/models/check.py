"""Check a request body against its model before sending: unknown fields and wrong types fail early."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

import pydantic
from pydantic_core import to_jsonable_python

from ..core.errors import ParameterError
from ..core.finite import check_finite
from ..core.suggest import suggest
from . import SCHEMA_FIELDS, TripletexModel, field_names, model_for, to_api_dict


def _plain(value: Any) -> Any:
    if isinstance(value, TripletexModel):
        return to_api_dict(value)
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or type(value) in _JSON_SCALARS:  # already JSON: no call into pydantic per value
        return value
    return to_jsonable_python(value)


_JSON_SCALARS = frozenset({str, int, float, bool})


@cache
def _python_to_api(name: str) -> dict[str, str]:
    """Python attribute name -> API field name for schema `name`."""
    return {py: api for api, py in field_names(name).items()}


def _describe(error: Mapping[str, Any]) -> str:
    where = ".".join(str(part) for part in error.get("loc", ()))
    return f"{where}: {error.get('msg', 'invalid')}" if where else str(error.get("msg", "invalid"))


def _api_names(name: str, data: Mapping[str, Any], where: str, path: tuple[str, ...] = ()) -> dict[str, Any]:
    """A plain body of model `name` with API field names at every depth; unknown fields are refused."""
    api_to_python = field_names(name)
    python_to_api = _python_to_api(name)
    out: dict[str, Any] = {}
    for key, value in data.items():
        api = key if key in api_to_python else python_to_api.get(str(key))
        if api is None:
            inside = f"{'.'.join(path)} ({name}) has" if path else f"{name} has"
            raise ParameterError(
                f"{where}: {inside} no field {key!r}{suggest(str(key), api_to_python)}; nothing was sent"
            )
        spec = SCHEMA_FIELDS[name][api]
        inner = spec.ref if spec.ref in SCHEMA_FIELDS else None
        if inner and isinstance(value, Mapping):
            value = _api_names(inner, value, where, (*path, api))
        elif inner and spec.kind == "array" and isinstance(value, list):
            value = [_api_names(inner, item, where, (*path, f"{api}[{index}]")) if isinstance(item, Mapping) else item
                     for index, item in enumerate(value)]
        out[api] = value
    return out


def check_body(name: str, body: Any, *, where: str) -> dict[str, Any]:
    """The body as a JSON-ready dict with API field names; ParameterError for unknown fields or wrong types."""
    flat = _flat(name, body)
    if flat is not None:
        return flat
    if isinstance(body, TripletexModel) or not isinstance(body, Mapping):
        return _model_body(name, body, where)
    out = _api_names(name, _plain(body), where)
    check_finite(out, where=where)
    _validated(name, out, where)
    return out


def check_bodies(name: str, bodies: Iterable[Any], *, where: str) -> list[dict[str, Any]]:
    """Many bodies checked as `check_body` checks one, with one pydantic call per slice of the plain ones; an
    error names the item by its index."""
    outs: list[dict[str, Any]] = []
    plain: list[tuple[int, bool]] = []  # (position, may hold text for a number) of the bodies given as mappings
    for index, body in enumerate(bodies):
        flat = _flat(name, body)
        if flat is not None:  # nothing in it pydantic could refuse or change
            outs.append(flat)
        elif isinstance(body, TripletexModel) or not isinstance(body, Mapping):
            outs.append(_model_body(name, body, f"{where}: item {index}"))
        else:
            at = f"{where}: item {index}"
            outs.append(_api_names(name, _plain(body), at))
            check_finite(outs[-1], where=at)
            plain.append((index, _text_in_numbers(name, outs[-1])))
    # In slices: the models are only checked and dropped, and a few hundred at a time stay in the CPU's cache.
    for start in range(0, len(plain), _SLICE):
        _validated_all(name, outs, plain[start : start + _SLICE], where)
    return outs


_SLICE = 100


def _validated_all(name: str, outs: list[dict[str, Any]], positions: list[tuple[int, bool]], where: str) -> None:
    """Validate the shaped bodies at `positions` in one pydantic call; an error names the first bad item."""
    try:
        models = _list_adapter(name).validate_python([outs[i] for i, _ in positions])
    except pydantic.ValidationError:
        # Checked again one by one: the first bad item's error, worded as for a single body (nulls dropped too).
        models = [_validated(name, outs[i], f"{where}: item {i}") for i, _ in positions]
    for (index, text_for_number), model in zip(positions, models, strict=True):
        if text_for_number:  # a number given as text ("nan", "1e999") is only a number once the model has parsed it
            _check_numbers(model, f"{where}: item {index}")


@cache
def _list_adapter(name: str) -> pydantic.TypeAdapter[list[TripletexModel]]:
    items: Any = list.__class_getitem__(model_for(name))
    return pydantic.TypeAdapter(items)


def _model_body(name: str, body: Any, where: str) -> dict[str, Any]:
    """A body given as a model (checked for numbers JSON cannot carry), or the error for anything but a mapping."""
    if not isinstance(body, TripletexModel):
        raise ParameterError(f"{where}: the body must be a {name} (a model or a dict), got {type(body).__name__}")
    _check_numbers(body, where)
    return to_api_dict(body)


def _flat(name: str, body: Any) -> dict[str, Any] | None:
    """The common body itself, when every key is an API name of a plain scalar field and every value of a type
    that field takes unchanged (a finite float): what the full check would give, without it; else None.

    Not copied: nothing changes a body after the check, and for a batch the copies cost as much as the check."""
    if type(body) is not dict:
        return None
    fields = _plain_fields(name)
    for key, value in body.items():
        given = type(value)
        if given not in fields.get(key, ()) or (given is float and not math.isfinite(value)):
            return None
    return body


@cache
def _plain_fields(name: str) -> dict[str, frozenset[type]]:
    """API name -> the Python types its field takes unchanged, for the fields of schema `name` that are one JSON
    scalar with no constraint (pydantic accepts such a value as it is and refuses nothing)."""
    model, out = model_for(name), {}
    for api, spec in SCHEMA_FIELDS[name].items():
        info = model.model_fields.get(spec.python)
        accepted = _TAKEN_AS_IS.get(info.annotation) if info is not None and not info.metadata else None
        if accepted is not None:
            out[api] = accepted
    return out


_NONE = type(None)
_TAKEN_AS_IS: dict[Any, frozenset[type]] = {
    str | None: frozenset({str, _NONE}),
    int | None: frozenset({int, _NONE}),
    float | None: frozenset({int, float, _NONE}),
    bool | None: frozenset({bool, _NONE}),
}


def _validated(name: str, out: dict[str, Any], where: str) -> TripletexModel:
    """The model of a shaped body, or ParameterError naming what does not fit."""
    try:
        validated = model_for(name).model_validate(out)
    except pydantic.ValidationError as exc:
        problems = "; ".join(_describe(e) for e in exc.errors())
        raise ParameterError(f"{where}: invalid {name}: {problems}; nothing was sent") from None
    # A number field given as text ("nan", "1e999") is only a number once the model has parsed it.
    if _text_in_numbers(name, out):
        _check_numbers(validated, where)
    return validated


def _text_in_numbers(name: str, data: Mapping[str, Any]) -> bool:
    """Whether a plain body with API names holds text where its model has a number, at any depth."""
    specs = SCHEMA_FIELDS[name]
    for key, value in data.items():
        spec = specs[key]
        inner = spec.ref if spec.ref in SCHEMA_FIELDS else None
        if isinstance(value, str):
            if spec.kind == "number":
                return True
        elif isinstance(value, Mapping):
            if inner and _text_in_numbers(inner, value):
                return True
        elif isinstance(value, list) and spec.kind == "array":
            if inner and any(isinstance(v, Mapping) and _text_in_numbers(inner, v) for v in value):
                return True
            if spec.ref == "number" and any(isinstance(v, str) for v in value):
                return True
    return False


def _check_numbers(model: pydantic.BaseModel, where: str) -> None:
    # Python mode: JSON mode would quietly turn NaN and Infinity into null.
    check_finite(model.model_dump(by_alias=True, exclude_unset=True, warnings=False), where=where)
