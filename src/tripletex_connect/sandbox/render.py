"""The `fields` filter: parse `id,name,project(name,customer(*))` and render objects with it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from ..models import SCHEMA_FIELDS, FieldSpec, field_types
from .errors import SandboxError

Tree = dict[str, "Tree | None"]
ALL: Tree = {"*": None}
# (model, id) -> the stored object with id and version, or None
Resolve = Callable[[str, int], "dict[str, Any] | None"]
UrlFor = Callable[[str, int], str]
# (model, id) -> the object's `changes` (who created and updated it, when)
ChangesOf = Callable[[str, int], "list[dict[str, Any]]"]


MAX_DEPTH = 16


def illegal_fields(text: str, why: str = "Ugyldig feltfilter") -> SandboxError:
    """400/11000: a `fields` pattern that cannot be parsed."""
    return SandboxError(400, 11000, f"{why}: {text!r}.", [("fields", f"{why}.")])


def parse_fields(text: str | None) -> Tree:
    """The field tree of a `fields` pattern; `*` (all top-level fields) when empty."""
    if not text or not text.strip():
        return dict(ALL)
    tree, rest = _parse(text.replace(" ", ""), 0)
    if rest != len(text.replace(" ", "")):
        raise illegal_fields(text)
    return tree


def _parse(text: str, pos: int, depth: int = 0) -> tuple[Tree, int]:
    if depth > MAX_DEPTH:
        raise illegal_fields(text, f"Feltfilteret er nestet dypere enn {MAX_DEPTH} nivåer")
    tree: Tree = {}
    name = ""
    while pos < len(text):
        char = text[pos]
        if char == "(":
            if not name:
                raise illegal_fields(text)
            sub, pos = _parse(text, pos + 1, depth + 1)
            if pos >= len(text) or text[pos] != ")":
                raise illegal_fields(text, "Mangler ')' i feltfilteret")
            tree[name], name = sub, ""
            pos += 1
            continue
        if char == ")":
            break
        if char == ",":
            if name:
                tree.setdefault(name, None)
            name = ""
        else:
            name += char
        pos += 1
    if name:
        tree.setdefault(name, None)
    return tree, pos


def unknown_field(name: str, model: str) -> SandboxError:
    """400/11000: a `fields` pattern naming a field the model does not have (the real API's wording)."""
    message = f"Illegal field in fields filter: {name}. {name} does not match a field in the model: {model}DTO"
    return SandboxError(400, 11000, message, [("fields", message)])


def check_fields(model: str, tree: Tree) -> None:
    """400/11000 unless every name in the tree (nested ones too) is a field of its model or `*`."""
    specs = SCHEMA_FIELDS.get(model)
    if specs is None:
        return
    for name, sub in tree.items():
        if name == "*":
            continue
        if name not in specs:
            raise unknown_field(name, model)
        ref = _model_ref(specs[name])
        if sub and ref:
            check_fields(ref, sub)


def _model_ref(spec: FieldSpec | None) -> str | None:
    """The model a field refers to (a reference or a list of references), if any."""
    if spec and spec.kind in ("ref", "array") and spec.ref and spec.ref[0].isupper():
        return spec.ref
    return None


_ABSENT = object()


@cache
def _refs(model: str) -> dict[str, str]:
    """The fields of a model that refer to another model, with that model."""
    return {name: ref for name, spec in field_types(model).items() if (ref := _model_ref(spec))}


# Fields the real API computes or fills in for every object, never worth a default of their own.
# `isDeletable` is true or false by what refers to the object: no fixed default says it.
_NO_DEFAULT = frozenset({"id", "version", "url", "changes", "displayName", "isDeletable"})


@cache
def field_defaults(model: str) -> dict[str, Any]:
    """What the real API answers for a field the client never set, derived from the spec's types.

    Booleans are false, amounts and other numbers 0, lists empty. Integers (mostly ids, numbers and
    counters the server assigns), texts, enums and references have no default: they stay absent (null).
    """
    out: dict[str, Any] = {}
    for name, spec in (SCHEMA_FIELDS.get(model) or {}).items():
        if name in _NO_DEFAULT:
            continue
        if spec.kind == "boolean":
            out[name] = False
        elif spec.kind == "number":
            out[name] = 0.0
        elif spec.kind == "array":
            out[name] = []
    return out


@cache
def _display_fields(model: str) -> tuple[bool, bool, bool, bool]:
    """Which fields a model's `displayName` comes from: (has one, a person's names, a number, a name)."""
    specs = SCHEMA_FIELDS.get(model) or {}
    return ("displayName" in specs, "firstName" in specs or "lastName" in specs, "number" in specs,
            "name" in specs)


def display_name(model: str, obj: dict[str, Any]) -> str | None:
    """The `displayName` the real API computes: "number name" when the object has both, else its name."""
    shown, person, numbered, named = _display_fields(model)
    if not shown:
        return None
    if obj.get("displayName"):
        return str(obj["displayName"])
    if person:
        full = " ".join(str(obj[k]) for k in ("firstName", "lastName") if obj.get(k))
        return full or None
    number = obj.get("number") if numbered else None
    if not named:  # a payment type is shown by its description; a voucher has no such text
        text = obj.get("description") if not numbered else None
        return str(text) if text else None
    name = obj.get("name")
    if name and number not in (None, ""):
        return f"{number} {name}"
    return str(name) if name else None


@dataclass(frozen=True, slots=True)
class _Plan:
    """How `Renderer.render` shows an object of one shape under `*` (see `_all_plan`)."""

    template: dict[str, Any]  # every field of the answer in order, the constant defaults in place
    dropped: tuple[str, ...]  # stored keys never shown (`changes`, private `_x` fields)
    defaulted: tuple[tuple[str, Any], ...]  # stored fields shown as their default when stored as null
    refs: tuple[tuple[str, str, Any], ...]  # stored references: (field, model, default)
    empty_lists: tuple[str, ...]  # list fields the object does not hold: a new `[]` each
    url: bool
    display: bool


_NONE = object()  # no default: a field stored as null is shown as null
_PLANS: dict[tuple[str, tuple[str, ...]], _Plan] = {}
_MAX_PLANS = 4096


def _all_plan(model: str, keys: tuple[str, ...]) -> _Plan:
    """What rendering an object with these keys under `*` does, decided once per shape of object.

    Objects of one type share a few shapes: the decisions `render` takes per field are taken once per shape.
    """
    found = _PLANS.get((model, keys))
    if found is not None:
        return found
    specs, defaults, refs = field_types(model), field_defaults(model), _refs(model)
    names = [n for n in ("id", "version", "url", *keys, *defaults, "displayName")
             if n != "changes" and not n.startswith("_")]
    template: dict[str, Any] = {}
    defaulted: list[tuple[str, Any]] = []
    stored_refs: list[tuple[str, str, Any]] = []
    empty_lists: list[str] = []
    url = display = False
    for name in dict.fromkeys(names):
        default = defaults.get(name, _NONE)
        template[name] = None
        if name == "url" and "id" in keys:
            url = True
        elif name == "displayName" and "displayName" in specs:
            display = True
        elif name in keys and name in refs:
            stored_refs.append((name, refs[name], default))
        elif name in keys:
            if default is not _NONE:
                defaulted.append((name, default))
        elif isinstance(default, list):
            empty_lists.append(name)
        elif name in defaults:
            template[name] = default
        else:
            del template[name]
    dropped = tuple(k for k in keys if k not in template)
    found = _Plan(template, dropped, tuple(defaulted), tuple(stored_refs), tuple(empty_lists), url, display)
    if len(_PLANS) >= _MAX_PLANS:
        _PLANS.clear()
    _PLANS[(model, keys)] = found
    return found


def _default(value: Any) -> Any:
    return list(value) if isinstance(value, list) else value


class Renderer:
    """Renders stored objects with a field tree: unexpanded references become `{"id", "url"}`."""

    def __init__(self, resolve: Resolve, url_for: UrlFor, changes: ChangesOf | None = None) -> None:
        self.resolve = resolve
        self.url_for = url_for
        self.changes = changes

    def render(self, model: str, obj: dict[str, Any], tree: Tree | None) -> dict[str, Any]:
        """The object as the API shows it for this field tree."""
        tree = tree or ALL
        if len(tree) == 1 and "*" in tree:
            return self._all(model, obj)
        specs = field_types(model)
        defaults = field_defaults(model)
        names = [n for n in tree if n != "*"]
        if "*" in tree:
            names = [n for n in ("id", "version", "url", *obj, *defaults, "displayName")
                     if n != "changes" and not n.startswith("_")] + names
        refs = _refs(model)
        out: dict[str, Any] = {}
        for name in dict.fromkeys(names):
            if name == "url" and "id" in obj:
                out["url"] = self.url_for(model, obj["id"])
            elif name == "changes" and "changes" in specs:
                out["changes"] = self.changes(model, obj["id"]) if self.changes and "id" in obj else []
            elif name == "displayName" and "displayName" in specs:
                shown = display_name(model, obj)
                if shown is not None:
                    out[name] = shown
            elif (value := obj.get(name, _ABSENT)) is not None and value is not _ABSENT:
                ref = refs.get(name)
                out[name] = self._value(ref, value, tree.get(name)) if ref else value
            elif name in defaults:
                default = defaults[name]
                out[name] = list(default) if isinstance(default, list) else default
            elif value is None:
                out[name] = None
        return out

    def _all(self, model: str, obj: dict[str, Any]) -> dict[str, Any]:
        """`render` under `*` (every field), the same answer taken by a plan decided once per shape of object."""
        plan = _all_plan(model, tuple(obj))
        out = {**plan.template, **obj}  # the stored values in their places: every stored key is in the template
        for name in plan.dropped:  # ...but these, never shown
            del out[name]
        for name, default in plan.defaulted:
            if out[name] is None:
                out[name] = _default(default)
        for name, ref, default in plan.refs:
            value = out[name]
            if type(value) is dict and type(ref_id := value.get("id")) is int:  # `_one`'s usual case, inline
                out[name] = {"id": ref_id, "url": self.url_for(ref, ref_id)}
            elif value is not None:
                out[name] = self._value(ref, value, None)
            elif default is not _NONE:
                out[name] = _default(default)
        for name in plan.empty_lists:
            out[name] = []
        if plan.url:
            out["url"] = self.url_for(model, obj["id"])
        if plan.display:
            shown = display_name(model, obj)
            if shown is not None:
                out["displayName"] = shown
            else:
                del out["displayName"]
        return out

    def _value(self, ref: str, value: Any, sub: Tree | None) -> Any:
        if isinstance(value, list):
            return [self._one(ref, v, sub) for v in value]
        return self._one(ref, value, sub)

    def _one(self, ref: str, value: Any, sub: Tree | None) -> Any:
        if not isinstance(value, dict):
            return value
        ref_id = value.get("id")
        if sub is None:
            if isinstance(ref_id, int):
                return {"id": ref_id, "url": self.url_for(ref, ref_id)}
            return self.render(ref, value, ALL)
        target = self.resolve(ref, ref_id) if isinstance(ref_id, int) else None
        return self.render(ref, target if target is not None else value, sub)
