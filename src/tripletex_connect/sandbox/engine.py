"""The generic engine: get, search, create, update and delete of any catalog resource, with the platform
semantics every Tripletex resource shares (versions, partial updates, references, fields, paging)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import catalog
from ..catalog import Kind, Operation, Param
from ..models import SCHEMA_FIELDS, field_types
from .changes import changes_of
from .context import Ctx
from .errors import REQUIRED, WRONG_TYPE, SandboxError, invalid, not_found, stale
from .query import build_query
from .render import Renderer, Tree
from .rules import aggregate_for, rules_for
from .store import Row, Store, Tx
from .urls import url_path
from .validate import check, plain_writable, writable


def model_of(op: Operation) -> str:
    """The stored type of an operation's objects (its response or body model, or a sibling's on its path)."""
    model = op.response or op.body or _SIBLING_MODELS.get(op.path)
    if not model:
        raise SandboxError(501, 1000, f"{op.key} is not supported by the local sandbox")
    return model


# Models that are another model seen from elsewhere: a historical voucher is a voucher once it is stored.
_VIEWS = {"HistoricalVoucher": "Voucher", "HistoricalPosting": "Posting"}


def _paths() -> dict[str, str]:
    paths: dict[str, str] = {}
    for op in catalog.all_operations():
        if op.kind is Kind.GET and op.path.endswith("/{id}") and op.response:
            paths.setdefault(op.response, op.path[: -len("/{id}")])
    for view, model in _VIEWS.items():
        if model in paths:
            paths.setdefault(view, paths[model])
    return paths


MODEL_PATHS = _paths()
_SIBLING_MODELS = {op.path: op.response for op in catalog.all_operations() if op.response and op.kind is Kind.GET}


def _indexable(param: Param) -> bool:
    if not param.field or param.field in ("id", "version"):  # columns, indexed by the table's key
        return False
    if param.type == "boolean":  # only a default filter (`isInactive`) is worth an index: it is always there
        return param.match == "eq" and param.default is not None
    return param.match in ("eq", "in", "from", "to")


def searched_fields() -> list[tuple[str, str]]:
    """The (type, field) pairs the catalog's searches match exactly or by range: what the store indexes (`contains`
    needs no index: it is matched over in-memory columns)."""
    exact: dict[tuple[str, str], None] = {}
    for op in catalog.all_operations():
        fields = [p for p in op.params if _indexable(p)]
        if not fields or op.kind not in (Kind.SEARCH, Kind.GET):
            continue
        try:
            model = model_of(op)
        except SandboxError:
            continue
        for param in fields:
            assert param.field is not None
            exact[(model, param.field)] = None
    return list(exact)


class Engine:
    """Generic resource behaviour over the store."""

    def __init__(self, store: Store, base_url: str) -> None:
        self.store = store
        self.base_url = base_url
        # Made when a type is first searched: until then its writes pay for no index.
        store.index_when_searched(searched_fields(), (m for m in SCHEMA_FIELDS if "name" in field_types(m)))

    @property
    def base_url(self) -> str:
        """The API's base URL (`http://host:port/v2`), which every `url` starts with."""
        return self._base_url

    @base_url.setter
    def base_url(self, value: str) -> None:
        self._base_url = value
        # The URL of an object read at `<path>/{id}` is this prefix and its id.
        self._url_prefixes = {model: f"{value}{path}/" for model, path in MODEL_PATHS.items()}

    def url_for(self, model: str, id: int) -> str:
        """The API URL of an object."""
        prefix = self._url_prefixes.get(model)
        if prefix is not None:
            return f"{prefix}{id}"
        return self.base_url + url_path(model, id, MODEL_PATHS)

    def renderer(self, tx: Tx, ctx: Ctx) -> Renderer:
        """A renderer that resolves references inside this company."""

        def resolve(model: str, id: int) -> dict[str, Any] | None:
            row = tx.get(ctx.company_id, model, id)
            return row.full() if row else None

        def changes(model: str, id: int) -> list[dict[str, Any]]:
            return changes_of(tx, ctx.company_id, _VIEWS.get(model, model), id)

        return Renderer(resolve, self.url_for, changes)

    def get(self, tx: Tx, ctx: Ctx, model: str, id: int, tree: Tree) -> dict[str, Any]:
        """One object rendered, or 404/6000."""
        row = tx.get(ctx.company_id, model, id)
        if row is None:
            raise not_found()
        return self.renderer(tx, ctx).render(model, row.full(), tree)

    def search(
        self, tx: Tx, ctx: Ctx, op: Operation, params: Mapping[str, str], lists: Mapping[str, list[str]], tree: Tree
    ) -> dict[str, Any]:
        """The list envelope of a search (computed by the area's rules for an aggregate such as the ledger)."""
        aggregate = aggregate_for(op.key)
        if aggregate is not None:
            return aggregate(self, tx, ctx, op, params, lists, tree)
        return self.stored_search(tx, ctx, op, params, lists, tree)

    def stored_search(
        self, tx: Tx, ctx: Ctx, op: Operation, params: Mapping[str, str], lists: Mapping[str, list[str]], tree: Tree
    ) -> dict[str, Any]:
        """The list envelope of the stored objects a search's filters, sorting and paging select."""
        model = model_of(op)
        q = build_query(op, model, params, lists, in_memory=True)
        for condition, args in rules_for(model).filters(params):
            q.where.append(condition)
            q.args.extend(args)
        total, rows = tx.search(ctx.company_id, model, q.where, q.args, q.order, q.offset, q.limit, q.flags, q.contains)
        render = self.renderer(tx, ctx).render
        values = [render(model, row.full(), tree) for row in rows]
        # The digest, when asked for (If-None-Match), is one of the page answered: `changes.conditional`.
        return {"fullResultSize": total, "from": q.offset, "count": len(values), "versionDigest": None,
                "values": values}

    def create(self, tx: Tx, ctx: Ctx, model: str, body: Any) -> Row:
        """Validate, complete by the resource's rules, store nested new objects, and store the object."""
        rules = rules_for(model)
        data = self._checked(tx, ctx, model, body, required=rules.required)
        rules.on_create(tx, ctx, data)
        row = tx.insert(ctx.company_id, model, data, ctx.now)
        if not rules.acts_after_create:  # nothing changes it after the insert: the row is what was stored
            return row
        rules.after_create(tx, ctx, row)
        return tx.get(ctx.company_id, model, row.id) or row

    def update(self, tx: Tx, ctx: Ctx, model: str, id: int, body: Any) -> Row:
        """A partial update: absent fields keep their values; a stale version is 409/8000."""
        row = tx.get(ctx.company_id, model, id)
        if row is None:
            raise not_found()
        version = body.get("version") if isinstance(body, dict) else None
        if isinstance(version, int) and not isinstance(version, bool) and version != row.version:
            raise stale(version, row.version)
        data = {**row.data, **self._checked(tx, ctx, model, body)}
        rules_for(model).on_update(tx, ctx, row, data)
        return tx.replace(ctx.company_id, model, row, data, ctx.now)

    def delete(self, tx: Tx, ctx: Ctx, model: str, id: int) -> None:
        """Delete an object, or 404/6000; the resource's rules may refuse."""
        row = tx.get(ctx.company_id, model, id)
        if row is None:
            raise not_found()
        rules_for(model).on_delete(tx, ctx, row)
        tx.delete(ctx.company_id, model, id)

    def _checked(
        self, tx: Tx, ctx: Ctx, model: str, body: Any, required: tuple[str, ...] = ()
    ) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise invalid([(None, f"Forventet et {model}-objekt.")], code=16000)
        plain = plain_writable(model, body)
        if plain is not None and not any(body.get(f) in (None, "") for f in required):
            return plain  # nothing to check, and no reference to follow
        problems = [(f, REQUIRED) for f in required if body.get(f) in (None, "")] + check(model, body)
        if problems:
            raise invalid(problems, code=16000) if all(m == WRONG_TYPE for _, m in problems) else invalid(problems)
        data = writable(model, body)
        self._references(tx, ctx, model, data, "")
        return data

    def _references(self, tx: Tx, ctx: Ctx, model: str, data: dict[str, Any], prefix: str) -> None:
        """Check referenced objects exist; store inline new objects (addresses, lines) and refer to them."""
        specs = field_types(model)
        problems: list[tuple[str | None, str]] = []
        for name, value in list(data.items()):
            spec = specs[name]
            if spec.kind == "ref" and spec.ref and isinstance(value, dict):
                data[name] = self._reference(tx, ctx, spec.ref, value, prefix + name, problems)
            elif spec.kind == "array" and spec.ref in SCHEMA_FIELDS and isinstance(value, list):
                data[name] = [
                    self._reference(tx, ctx, spec.ref, v, f"{prefix}{name}[{i}]", problems)
                    if isinstance(v, dict) else v
                    for i, v in enumerate(value)
                ]
        if problems:
            raise invalid(problems)

    def _reference(
        self, tx: Tx, ctx: Ctx, model: str, value: dict[str, Any], where: str, problems: list[tuple[str | None, str]]
    ) -> dict[str, Any]:
        ref_id = value.get("id")
        fields = writable(model, value)
        fields.pop("id", None)
        if isinstance(ref_id, int) and ref_id > 0:
            row = tx.get(ctx.company_id, model, ref_id)
            if row is None:
                if model in MODEL_PATHS or tx.has_type(ctx.company_id, model):
                    problems.append((where + ".id", f"Objektet med id {ref_id} finnes ikke."))
                return {"id": ref_id}
            if fields:  # an inline change of a referenced object (e.g. the customer's address)
                self._references(tx, ctx, model, fields, where + ".")
                tx.replace(ctx.company_id, model, row, {**row.data, **fields}, ctx.now)
            return {"id": ref_id}
        if not fields:
            return {}
        self._references(tx, ctx, model, fields, where + ".")
        return {"id": tx.insert(ctx.company_id, model, fields, ctx.now).id}
