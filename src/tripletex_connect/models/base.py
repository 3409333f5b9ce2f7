"""The base of every generated model, and the plain field table the sandbox validates with."""

from __future__ import annotations

from typing import Any, NamedTuple

from pydantic import BaseModel, ConfigDict, PrivateAttr, model_validator


class FieldSpec(NamedTuple):
    """One field of a spec schema: its Python name, kind, referenced model, enum, read-only flag and format."""

    python: str
    kind: str  # string, integer, number, boolean, array, object or ref
    ref: str | None  # the model of a ref, or of an array's items (or the items' scalar kind)
    enum: tuple[str, ...]
    read_only: bool
    format: str | None


def _drop_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_nulls(v) for v in value if v is not None]
    return value


class TripletexModel(BaseModel):
    """A Tripletex API object: every field optional, Python names in snake_case, API names as aliases."""

    model_config = ConfigDict(
        extra="allow",
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        defer_build=True,
        protected_namespaces=(),
    )

    _request_id: str | None = PrivateAttr(default=None)
    """Tripletex's id of the request that fetched this object (`x-tlx-request-id`): quote it to support."""

    @model_validator(mode="before")
    @classmethod
    def _nulls_are_absent(cls, data: Any) -> Any:
        # The real API sends null where the spec says a value; treat null as "not sent".
        return _drop_nulls(data) if isinstance(data, dict) else data

    def __eq__(self, other: object) -> bool:
        """Equal when of one type with the same fields and extras; which request fetched them does not count."""
        if not isinstance(other, BaseModel):
            return NotImplemented
        return (type(self) is type(other) and self.__dict__ == other.__dict__
                and self.__pydantic_extra__ == other.__pydantic_extra__)

    __hash__ = None  # type: ignore[assignment]  # mutable, like every pydantic model that is not frozen

    def __repr_args__(self) -> Any:
        """Only the fields that were set (a fields-filtered object would otherwise print pages of None)."""
        given = self.model_fields_set
        for name in type(self).model_fields:
            if name in given:
                yield name, getattr(self, name)
        yield from (self.model_extra or {}).items()

    def __getitem__(self, key: str) -> Any:
        """Item access by API name or Python name, like the JSON the API sent (`customer["name"]`)."""
        fields = type(self).model_fields
        for python, info in fields.items():
            if key in (python, info.alias):
                return getattr(self, python)
        extra = self.model_extra or {}
        if key in extra:
            return extra[key]
        raise KeyError(key)
