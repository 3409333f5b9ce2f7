"""Routes of the sandbox: the catalog's operations (served) within the official API's paths (known).

A request path is matched against every path template the real API has, the most specific first
(a literal segment beats a placeholder, so `/timesheet/timeClock/present` never falls into
`/timesheet/timeClock/{id}`, and `>name`/`:name` segments never fill a placeholder). The answer is
the served operation, or why there is none: the real API has the operation but the sandbox does not
serve it (501), the path takes other methods (405), or the real API has no such path (404).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from .. import catalog
from ..catalog import Kind, Operation, Param
from .spec_paths import SPEC_PATHS

Segments = tuple[str | None, ...]  # a literal segment, or None for a placeholder


@dataclass(frozen=True)
class Route:
    """A compiled path template of one operation."""

    op: Operation
    pattern: re.Pattern[str]
    placeholders: int


@dataclass
class Template:
    """One path shape of the API: the operations the sandbox serves on it and the methods the spec knows."""

    path: str
    segments: Segments
    served: dict[str, Route] = field(default_factory=dict)
    known: set[str] = field(default_factory=set)

    @property
    def methods(self) -> list[str]:
        """Every method the path takes, served or not."""
        return sorted(self.known | set(self.served))


@dataclass(frozen=True)
class Served:
    """The operation that answers, with its path values."""

    op: Operation
    values: dict[str, str]


@dataclass(frozen=True)
class NotServed:
    """The real API has this operation; the local sandbox does not serve it (501)."""

    method: str
    path: str


@dataclass(frozen=True)
class WrongMethod:
    """The path exists but takes other methods (405)."""

    path: str
    allowed: list[str]


@dataclass(frozen=True)
class Unknown:
    """No path of the real API looks like this (404)."""

    path: str


Match = Served | NotServed | WrongMethod | Unknown


def _compile(path: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[A-Za-z]+\})", path)
    regex = "".join(f"(?P<{p[1:-1]}>[^/]+)" if p.startswith("{") else re.escape(p) for p in parts)
    return re.compile(f"^{regex}/?$")


def segments(path: str) -> Segments:
    """The segments of a path template, placeholders as None."""
    return tuple(None if s.startswith("{") else s for s in path.strip("/").split("/"))


def _sandbox_get(key: str, group: str, path: str, response: str) -> Operation:
    params = (Param("id", "integer", "path", required=True), Param("fields"))
    return Operation(key, group, f"Get {response}", Kind.GET, "GET", path, key.split(".")[0], "get",
                     f"The {response} a reference's url points to.", params, response=response,
                     make_module=False, exposed=False)


# Served so that every `url` the sandbox renders answers a GET (the catalog has no module for them).
SANDBOX_ONLY = (
    _sandbox_get("company.get", "Company", "/company/{id}", "Company"),
    _sandbox_get("delivery_address.get", "Customers", "/deliveryAddress/{id}", "DeliveryAddress"),
)


def _served_ops() -> list[Operation]:
    # A choice over operations is sent as one of them; the raw API call is no route of its own.
    ops = [op for op in catalog.all_operations() if op.kind is not Kind.API_CALL and not op.selector]
    return ops + list(SANDBOX_ONLY)


Shape = tuple[int, str | None]  # a number of segments and the first segment (None: a placeholder)


@cache
def _templates() -> dict[Shape, list[Template]]:
    """Every template by its number of segments and first segment: a request is tried against few of them."""
    by_shape: dict[Segments, Template] = {}
    for path, methods in SPEC_PATHS.items():
        by_shape.setdefault(segments(path), Template(path, segments(path))).known.update(methods)
    for op in _served_ops():
        shape = segments(op.path)
        template = by_shape.setdefault(shape, Template(op.path, shape))
        template.served.setdefault(op.method, Route(op, _compile(op.path), op.path.count("{")))
    out: dict[Shape, list[Template]] = {}
    for template in by_shape.values():
        out.setdefault((len(template.segments), template.segments[0]), []).append(template)
    return out


def _fits(template: Segments, parts: list[str]) -> bool:
    return all(
        part == want if want is not None else bool(part) and part[0] not in ">:"
        for want, part in zip(template, parts, strict=True)
    )


# A number in a path only ever fills a placeholder (no literal segment is a number): paths that differ only
# in their numbers have the same template, found once.
_NUMBER = "\x00"
_BEST: dict[tuple[str, ...], Template | None] = {}
_MAX_BEST = 4096


def _best(parts: list[str]) -> Template | None:
    shape = tuple(_NUMBER if part.isdigit() else part for part in parts)
    if shape in _BEST:
        return _BEST[shape]
    templates = _templates()
    candidates = [*templates.get((len(parts), parts[0]), ()), *templates.get((len(parts), None), ())]
    fitting = [t for t in candidates if _fits(t.segments, parts)]
    best = max(fitting, key=lambda t: tuple(s is not None for s in t.segments)) if fitting else None
    if len(_BEST) >= _MAX_BEST:
        _BEST.clear()
    _BEST[shape] = best
    return best


def resolve(method: str, path: str) -> Match:
    """What answers `method path` (path relative to /v2): the served operation, or why none does."""
    trimmed = path[:-1] if path.endswith("/") and len(path) > 1 else path
    best = _best(trimmed.strip("/").split("/"))
    if best is None:
        return Unknown(path)
    route = best.served.get(method)
    if route is not None:
        found = route.pattern.match(trimmed)
        assert found is not None, (route.op.path, path)
        return Served(route.op, found.groupdict())
    if method in best.known:
        return NotServed(method, best.path)
    return WrongMethod(best.path, best.methods)


ROUTES = [route for templates in _templates().values() for t in templates for route in t.served.values()]


def match(method: str, path: str) -> tuple[Operation, dict[str, str]] | bool | None:
    """The operation and path values for a request; False when the path exists but not with this method."""
    found = resolve(method, path)
    if isinstance(found, Served):
        return found.op, found.values
    return None if isinstance(found, Unknown) else False


def unserved() -> list[tuple[str, str]]:
    """(method, path) of every operation of the real API the sandbox does not serve."""
    return sorted(
        (method, t.path) for templates in _templates().values() for t in templates for method in t.known - set(t.served)
    )
