"""The base of every generated model, and the plain field table the sandbox validates with."""

from __future__ import annotations

from typing import Any, NamedTuple, Self

from pydantic import BaseModel, ConfigDict, ValidationError


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

    # Nested objects are validated in Rust, not through this __init__: without the mark pydantic calls it once
    # per nested object, which made a parse 5-8x slower.
    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]

    # A null from the API is validated as None in Rust (no Python pass over the JSON, which cost as much as the
    # validation itself) and read as absent here: in the fields set, the extras and every dump of set fields.

    @classmethod
    def model_validate(cls, obj: Any, *args: Any, **kwargs: Any) -> Self:
        """Validate `obj`, nulls read as absent at every depth (nulls inside lists left out when they do not fit)."""
        try:
            return super().model_validate(obj, *args, **kwargs)
        except ValidationError:
            cleaned = drop_nulls(obj)
            if cleaned == obj:
                raise
            return super().model_validate(cleaned, *args, **kwargs)

    @property
    def model_fields_set(self) -> set[str]:
        """The fields given a value (a null or None counts as not given)."""
        values = self.__dict__
        return {name for name in self.__pydantic_fields_set__ if values.get(name) is not None}

    @property
    def model_extra(self) -> dict[str, Any] | None:
        """The fields unknown to the model, as sent (nulls left out)."""
        extra = self.__pydantic_extra__
        return None if extra is None else {k: v for k, v in extra.items() if v is not None}

    def model_dump(self, **kwargs: Any) -> dict[str, Any]:
        """As pydantic's; with `exclude_unset`, a None is left out too (it reads as not given)."""
        if kwargs.get("exclude_unset"):
            kwargs["exclude_none"] = True
        return super().model_dump(**kwargs)

    def model_dump_json(self, **kwargs: Any) -> str:
        """As pydantic's; with `exclude_unset`, a None is left out too (it reads as not given)."""
        if kwargs.get("exclude_unset"):
            kwargs["exclude_none"] = True
        return super().model_dump_json(**kwargs)

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
        return type(self) is type(other) and self.__dict__ == other.__dict__ and self.model_extra == other.model_extra

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
