"""Small builders that keep catalog entries short: parameters by kind and the standard CRUD set."""

from __future__ import annotations

from collections.abc import Iterable

from .types import Kind, Match, Operation, Param, ParamType

FIELDS = Param("fields", help="Fields filter pattern, e.g. `id,name` or `*,category1(name)`")
SORTING = Param("sorting", help="Sorting pattern: comma list, `-` for descending")
FROM = Param("from", "integer", help="From index", default=0)
COUNT = Param("count", "integer", help="Number of elements to return", default=1000)
PAGED = (FROM, COUNT, SORTING, FIELDS)


def path_id(name: str = "id", help: str = "Element ID") -> Param:
    """A required integer path parameter."""
    return Param(name, "integer", "path", required=True, help=help)


def ids(name: str, help: str = "List of IDs", *, field: str | None = None) -> Param:
    """A query parameter taking a comma list of ids; filters `field` (default: the name) by membership."""
    return Param(name, "ids", help=help, field=field or _id_field(name), match="in")


def _id_field(name: str) -> str:
    # accountManagerId filters accountManager.id; id filters id
    return f"{name[:-2]}.id" if name.endswith("Id") and name != "id" else name


def text(
    name: str,
    help: str = "",
    *,
    required: bool = False,
    field: str | None = None,
    match: Match | None = None,
) -> Param:
    """A string query parameter; when `match` is given it filters `field` (default: the name)."""
    return Param(
        name, "string", help=help, required=required,
        field=(field or name) if match else None, match=match,
    )


def changed_since() -> Param:
    """The standard `changedSince` filter: objects changed at or after a timestamp."""
    return Param(
        "changedSince", "string",
        help="Only return elements that have changed since this date and time",
        field="changedSince", match="since",
    )


def integer(name: str, help: str = "", *, required: bool = False) -> Param:
    """An integer query parameter."""
    return Param(name, "integer", help=help, required=required)


def boolean(name: str, help: str = "", *, default: bool | None = None, field: str | None = None) -> Param:
    """A boolean query parameter that filters `field` (default: the name) by equality."""
    return Param(name, "boolean", help=help, default=default, field=field or name, match="eq")


def date(
    name: str,
    help: str = "",
    *,
    required: bool = False,
    field: str | None = None,
    match: Match | None = None,
) -> Param:
    """A date (YYYY-MM-DD) query parameter; `dateFrom`-style bounds are inclusive, `dateTo` exclusive."""
    return Param(name, "date", help=help, required=required, field=field, match=match)



def date_range(field: str, *, required: bool = False, base: str | None = None) -> tuple[Param, Param]:
    """`{base}From` (inclusive) and `{base}To` (exclusive) bounds on a date field (`base` defaults to it)."""
    name = base or field
    return (
        date(f"{name}From", "From and including", required=required, field=field, match="from"),
        date(f"{name}To", "To and excluding", required=required, field=field, match="to"),
    )

def choice(name: str, values: Iterable[str], help: str = "", *, required: bool = False) -> Param:
    """A string query parameter restricted to an enumeration."""
    return Param(name, "string", help=help, required=required, enum=tuple(values))


def _article(noun: str) -> str:
    return "an" if noun[0].lower() in "aeiou" else "a"


# Every kind a plain resource has: create, update, get, search, delete.
ALL_KINDS = (Kind.CREATE, Kind.UPDATE, Kind.GET, Kind.SEARCH, Kind.DELETE)


def crud(
    *,
    key: str,
    resource: str,
    group: str,
    path: str,
    model: str,
    noun: str,
    plural: str,
    kinds: Iterable[Kind],
    search_params: Iterable[Param] = (),
    summaries: dict[Kind, str] | None = None,
    titles: dict[Kind, str] | None = None,
    beta: Iterable[Kind] = (),
    extra_params: dict[Kind, tuple[Param, ...]] | None = None,
    make_module: bool = True,
    search_count: Param = COUNT,
) -> list[Operation]:
    """The standard create/update/get/search/delete operations of one resource."""
    summaries = summaries or {}
    titles = titles or {}
    a = _article(noun)
    item = f"{path}/{{id}}"
    shapes: dict[Kind, tuple[str, str, tuple[Param, ...], str | None, str, str]] = {
        Kind.CREATE: ("POST", path, (), model, f"Create {a} {noun}", f"Create {a} {noun.lower()}."),
        Kind.UPDATE: (
            "PUT", item, (path_id(),), model, f"Update {a} {noun}",
            f"Update {a} {noun.lower()}: a partial update, absent fields keep their values.",
        ),
        Kind.GET: ("GET", item, (path_id(), FIELDS), None, f"Get {a} {noun}", f"Get {a} {noun.lower()} by id."),
        Kind.SEARCH: (
            "GET", path, (*search_params, FROM, search_count, SORTING, FIELDS), None, f"Search {plural}",
            f"Find {plural.lower()} matching the given filters.",
        ),
        Kind.DELETE: ("DELETE", item, (path_id(),), None, f"Delete {a} {noun}", f"Delete {a} {noun.lower()} by id."),
    }
    beta_kinds = set(beta)
    ops = []
    for kind in kinds:
        method, op_path, params, body, title, summary = shapes[kind]
        params = (*params, *(extra_params or {}).get(kind, ()))
        ops.append(
            Operation(
                key=f"{key}.{kind.value}",
                group=group,
                title=titles.get(kind, title),
                kind=kind,
                method=method,
                path=op_path,
                resource=resource,
                name=kind.value,
                summary=summaries.get(kind, summary),
                params=params,
                body=body,
                response=None if kind is Kind.DELETE else model,
                envelope={Kind.SEARCH: "list", Kind.DELETE: "none"}.get(kind, "value"),  # type: ignore[arg-type]
                beta=kind in beta_kinds,
                make_module=make_module,
            )
        )
    return ops


def number_range(name: str, field: str, *, upper: bool, kind: ParamType = "number") -> Param:
    """A numeric bound: `...From` filters `field` inclusively, `...To` exclusively."""
    help = "To and excluding" if upper else "From and including"
    return Param(name, kind, help=help, field=field, match="to" if upper else "from")


def equals_id(name: str, help: str = "Element ID for filtering", *, field: str | None = None) -> Param:
    """An integer query parameter that filters a reference (`accountId` -> `account.id`) by equality."""
    return Param(name, "integer", help=help, field=field or _id_field(name), match="eq")


def singleton(
    *, key: str, resource: str, group: str, path: str, model: str, noun: str, titles: dict[Kind, str] | None = None,
) -> list[Operation]:
    """Get (and update) of a per-company singleton such as the logistics settings: no id in the path."""
    ops = [
        Operation(
            key=f"{key}.get", group=group, title=(titles or {}).get(Kind.GET, f"Get {noun}"), kind=Kind.GET,
            method="GET", path=path, resource=resource, name="get",
            summary=f"Get the {noun.lower()} of the logged-in company.", params=(FIELDS,), response=model,
        ),
        Operation(
            key=f"{key}.update", group=group, title=(titles or {}).get(Kind.UPDATE, f"Update {noun}"),
            kind=Kind.UPDATE, method="PUT", path=path, resource=resource, name="update",
            summary=f"Update the {noun.lower()} of the logged-in company.", body=model, response=model,
        ),
    ]
    return ops


def action(
    *,
    key: str,
    resource: str,
    name: str,
    group: str,
    title: str,
    method: str,
    path: str,
    summary: str,
    params: Iterable[Param] = (),
    body: str | None = None,
    response: str | None = None,
    envelope: str = "value",
    make_module: bool = False,
    kind: Kind = Kind.ACTION,
    beta: bool = False,
    batch: bool = False,
) -> Operation:
    """One operation outside the CRUD shape: a `:command`, a query-only create, a PDF download."""
    return Operation(
        key=key, group=group, title=title, kind=kind, method=method, path=path, resource=resource, name=name,
        summary=summary, params=tuple(params), body=body, response=response,
        envelope=envelope,  # type: ignore[arg-type]
        make_module=make_module, beta=beta, batch=batch, body_is_list=batch,
    )


def batch(
    *,
    key: str,
    resource: str,
    group: str,
    path: str,
    model: str,
    plural: str,
    kinds: Iterable[Kind],
    beta: bool = False,
    params: dict[Kind, tuple[Param, ...]] | None = None,
) -> list[Operation]:
    """The spec's `{path}/list` forms of a resource: `create_many` (POST), `update_many` (PUT) with bodies sent in
    chunks by the SDK, and `delete_many` (DELETE, `ids` in the query). The sandbox runs each all or nothing."""
    lower = plural.lower()
    shapes: dict[Kind, tuple[str, str, str]] = {
        Kind.CREATE: ("POST", "create_many", f"Create many {lower}, sent in chunks; reports exactly which items "
                                             "failed and why."),
        Kind.UPDATE: ("PUT", "update_many", f"Update many {lower} (each with id and version), sent in chunks."),
        Kind.DELETE: ("DELETE", "delete_many", f"Delete many {lower} by id, all or none."),
    }
    ops = []
    for kind in kinds:
        method, name, summary = shapes[kind]
        extra = (params or {}).get(kind, ())
        if kind is Kind.DELETE:
            ops.append(action(
                key=f"{key}.{name}", resource=resource, name=name, group=group, title=f"Delete {plural}",
                kind=kind, method=method, path=f"{path}/list", summary=summary, beta=beta, envelope="none",
                params=(Param("ids", "ids", required=True, help="IDs of the elements to delete"), *extra),
            ))
            continue
        ops.append(action(
            key=f"{key}.{name}", resource=resource, name=name, group=group,
            title=f"{'Create' if kind is Kind.CREATE else 'Update'} {plural}", kind=kind, method=method,
            path=f"{path}/list", summary=summary, body=model, response=model, envelope="list", batch=True, beta=beta,
            params=extra,
        ))
    return ops
