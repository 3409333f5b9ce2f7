"""The base of every generated model, and the plain field table the sandbox validates with."""

from __future__ import annotations

from typing import Any, NamedTuple, Self

from pydantic import BaseModel, ConfigDict


class FieldSpec(NamedTuple):
    """One field of a spec schema: its Python name, kind, referenced model, enum, read-only flag and format."""

    python: str
    kind: str  # string, integer, number, boolean, array, object or ref
    ref: str | None  # the model of a ref, or of an array's items (or the items' scalar kind)
    enum: tuple[str, ...]
    read_only: bool
    format: str | None


def drop_nulls(value: Any) -> Any:
    """The raw JSON with every null left out, at any depth (the API sends null where it means "not sent")."""
    # Recursing only into containers: one call per object or list, not one per value.
    if isinstance(value, dict):
        return {k: drop_nulls(v) if isinstance(v, dict | list) else v for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [drop_nulls(v) if isinstance(v, dict | list) else v for v in value if v is not None]
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

    def __init__(self, /, **data: Any) -> None:
        """Build from Python or API names; a None is treated as not given, like a null from the API."""
        super().__init__(**drop_nulls(data))

    # Nested objects are validated in Rust, not through this __init__ (nulls are already gone at every depth):
    # without the mark pydantic calls it once per nested object, which made a parse 5-8x slower.
    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]

    @classmethod
    def model_validate(cls, obj: Any, *args: Any, **kwargs: Any) -> Self:
        """Validate `obj`, nulls read as absent at every depth (one pass over the raw data, not one per model)."""
        return super().model_validate(drop_nulls(obj), *args, **kwargs)

    @property
    def _request_id(self) -> str | None:
        """Tripletex's id of the request that fetched this object (`x-tlx-request-id`): quote it to support.

        Set on the object the client hands out only; nested objects carry none (a plain model parses faster).
        """
        private = self.__pydantic_private__
        return private.get("_request_id") if private else None

    @_request_id.setter
    def _request_id(self, value: str | None) -> None:
        # Kept in pydantic's private slot: not a field, so equality, dumps and repr ignore it.
        object.__setattr__(self, "__pydantic_private__", {**(self.__pydantic_private__ or {}), "_request_id": value})

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
