"""Check a request body against its model before sending: unknown fields and wrong types fail early."""

from __future__ import annotations

from collections.abc import Mapping
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
    if isinstance(body, TripletexModel):
        _check_numbers(body, where)
        return to_api_dict(body)
    if not isinstance(body, Mapping):
        raise ParameterError(f"{where}: the body must be a {name} (a model or a dict), got {type(body).__name__}")
    out = _api_names(name, _plain(body), where)
    check_finite(out, where=where)
    try:
        validated = model_for(name).model_validate(out)
    except pydantic.ValidationError as exc:
        problems = "; ".join(_describe(e) for e in exc.errors())
        raise ParameterError(f"{where}: invalid {name}: {problems}; nothing was sent") from None
    # A number field given as text ("nan", "1e999") is only a number once the model has parsed it.
    if _text_in_numbers(name, out):
        _check_numbers(validated, where)
    return out


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
