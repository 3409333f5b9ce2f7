"""Routes of the sandbox, compiled from the catalog: method + path template -> operation."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import catalog
from ..catalog import Kind, Operation


@dataclass(frozen=True)
class Route:
    """A compiled path template of one operation."""

    op: Operation
    pattern: re.Pattern[str]
    placeholders: int


def _compile(path: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[A-Za-z]+\})", path)
    regex = "".join(f"(?P<{p[1:-1]}>[^/]+)" if p.startswith("{") else re.escape(p) for p in parts)
    return re.compile(f"^{regex}/?$")


def _routes() -> list[Route]:
    routes = [
        Route(op, _compile(op.path), op.path.count("{"))
        for op in catalog.all_operations()
        if op.kind is not Kind.API_CALL and not op.selector  # a choice over operations is sent as one of them
    ]
    # Literal paths win over templates: /customer/category before /customer/{id}.
    return sorted(routes, key=lambda r: r.placeholders)


ROUTES = _routes()


def match(method: str, path: str) -> tuple[Operation, dict[str, str]] | bool | None:
    """The operation and path values for a request; False when the path exists but not with this method."""
    known_path = False
    for route in ROUTES:
        found = route.pattern.match(path)
        if found is None:
            continue
        if route.op.method == method:
            return route.op, found.groupdict()
        known_path = True
    return False if known_path else None
