"""Small builders that keep catalog entries short: parameters by kind and the standard CRUD set."""

from __future__ import annotations

from collections.abc import Iterable

from .types import Kind, Match, Operation, Param

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


def choice(name: str, values: Iterable[str], help: str = "", *, required: bool = False) -> Param:
    """A string query parameter restricted to an enumeration."""
    return Param(name, "string", help=help, required=required, enum=tuple(values))


def _article(noun: str) -> str:
    return "an" if noun[0].lower() in "aeiou" else "a"


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
            "GET", path, (*search_params, *PAGED), None, f"Search {plural}",
            f"Find {plural.lower()} matching the given filters.",
        ),
        Kind.DELETE: ("DELETE", item, (path_id(),), None, f"Delete {a} {noun}", f"Delete {a} {noun.lower()} by id."),
    }
    beta_kinds = set(beta)
    ops = []
    for kind in kinds:
        method, op_path, params, body, title, summary = shapes[kind]
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
            )
        )
    return ops
