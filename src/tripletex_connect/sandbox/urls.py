"""The `url` of an object as the real API renders it: `<base>/<a path that GETs the object>`."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from ..catalog import Kind

# Models read at a path of another model: a customer's postal address is a delivery address to the API,
# an accountant's client is a company.
READ_AS = {"Address": "/deliveryAddress/{id}", "Client": "/company/{id}", "Company": "/company/{id}"}


@cache
def _templates() -> dict[str, str]:
    """Singletons (`/timesheet/settings`) and objects read by a search of their ids (`/timesheet/week?ids=`)."""
    from .routes import ROUTES

    out: dict[str, str] = {}
    for route in ROUTES:
        op = route.op
        if op.method != "GET" or op.kind is not Kind.GET or not op.response or "{" in op.path:
            continue
        if op.envelope == "value":
            out.setdefault(op.response, op.path)
        elif op.envelope == "first" and any(p.name == "ids" for p in op.params):
            out.setdefault(op.response, op.path + "?ids={id}")
    return out


def url_path(model: str, id: int, by_id: Mapping[str, str]) -> str:
    """The path (under /v2) of an object; `by_id` maps models to the prefix of their GET `/{id}` path."""
    if model in by_id:
        return f"{by_id[model]}/{id}"
    template = READ_AS.get(model) or _templates().get(model)
    if template is not None:
        return template.replace("{id}", str(id))
    return "/" + model[0].lower() + model[1:] + f"/{id}"
