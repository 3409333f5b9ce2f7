"""Types of the operation catalog: one `Operation` per Make module, as data."""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any, Literal

# `ids` is a comma list in one value (`id=1,2,3`); `strings` a list sent as repeated values (`a=x&a=y`).
ParamType = Literal["string", "integer", "number", "boolean", "date", "datetime", "ids", "strings"]
Location = Literal["path", "query"]
# How a search parameter filters: `in` an id/number list, `eq` exact, `contains` (case-insensitive),
# `from` inclusive lower bound, `to` exclusive upper bound, `since` changed since a timestamp.
# `rule` marks a parameter whose meaning is domain behaviour (e.g. `showOnlyLastPrice`), handled by
# the sandbox's rules for that area rather than by the generic filter.
Match = Literal["in", "eq", "contains", "from", "to", "since", "rule"]

# Query parameters every search shares; the paginator owns from/count.
PAGING_PARAMS = ("from", "count")
SHAPING_PARAMS = ("sorting", "fields")


class Kind(StrEnum):
    """What an operation does, in Make's words."""

    GET = "get"
    SEARCH = "search"
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    ACTION = "action"
    UPLOAD = "upload"
    API_CALL = "api_call"


def snake_case(name: str) -> str:
    """Turn an API name (`customerName`, `from`) into a Python identifier (`customer_name`, `from_`)."""
    snake = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name)
    snake = re.sub(r"(?<=[A-Z])([A-Z][a-z])", r"_\1", snake).lower()
    snake = re.sub(r"\W", "_", snake)
    return snake + "_" if keyword.iskeyword(snake) else snake


def kebab_case(name: str) -> str:
    """Turn an API name into a CLI option name (`customerName` -> `customer-name`)."""
    return snake_case(name).rstrip("_").replace("_", "-")


@dataclass(frozen=True)
class Param:
    """A path or query parameter of an operation."""

    name: str
    type: ParamType = "string"
    location: Location = "query"
    required: bool = False
    help: str = ""
    enum: tuple[str, ...] = ()
    default: Any = None
    field: str | None = None
    match: Match | None = None

    @cached_property  # asked on every call of the operation: worked out once
    def python_name(self) -> str:
        """The keyword argument name in the SDK."""
        return snake_case(self.name)

    @property
    def cli_name(self) -> str:
        """The option name in the CLI, without dashes."""
        return kebab_case(self.name)


@dataclass(frozen=True)
class Operation:
    """One catalog entry: a Make module mapped to an HTTP operation of the Tripletex API."""

    key: str
    group: str
    title: str
    kind: Kind
    method: str
    path: str
    resource: str
    name: str
    summary: str
    params: tuple[Param, ...] = ()
    body: str | None = None
    response: str | None = None
    # `list` is a paged search; `values` a list answered at once (a command on many objects); `first` the
    # first value of a list (a Get the API offers only as a search).
    envelope: Literal["value", "list", "values", "first", "none", "binary"] = "value"
    body_is_list: bool = False
    beta: bool = False
    batch: bool = False
    make_module: bool = True
    exposed: bool = True
    note: str = ""
    examples: tuple[str, ...] = field(default=())
    # A module that is one choice over several operations (complete|approve|... of a monthly timesheet): the
    # parameter named `selector` picks, by its value, the key of the operation actually sent.
    selector: str | None = None
    dispatch: tuple[tuple[str, str], ...] = ()

    def target(self, choice: str) -> str | None:
        """The key of the operation a selector value dispatches to (None when the value is no choice)."""
        return dict(self.dispatch).get(choice)

    @property
    def paged(self) -> bool:
        """True when the operation answers a list envelope paged by from/count (a batch write answers one list)."""
        return self.envelope == "list" and not self.batch

    @cached_property
    def path_params(self) -> tuple[Param, ...]:
        """Parameters that fill `{placeholders}` in the path, in path order."""
        return tuple(p for p in self.params if p.location == "path")

    @cached_property
    def query_params(self) -> tuple[Param, ...]:
        """Query parameters the caller sets (paging parameters excluded for paged operations)."""
        hidden = PAGING_PARAMS if self.paged else ()
        return tuple(p for p in self.params if p.location == "query" and p.name not in hidden)

    def param(self, name: str) -> Param | None:
        """Find a parameter by its API name or Python name."""
        return self._by_name.get(name)

    @cached_property
    def _by_name(self) -> dict[str, Param]:
        # The first parameter that has a name wins, by API name or Python name, as a scan in order would find it.
        found: dict[str, Param] = {}
        for p in self.params:
            found.setdefault(p.name, p)
            found.setdefault(p.python_name, p)
        return found

    @property
    def sdk_call(self) -> str:
        """How to call this operation from the SDK, for docs and `ttx modules`."""
        if self.kind is Kind.API_CALL:
            return "tx.request(method, path, params={...}, json={...})"
        args = [p.python_name for p in self.path_params]
        if self.body is not None:
            args.append("[...]" if self.body_is_list else "{...}")
        if self.kind is Kind.UPLOAD:
            args.append("file=...")
        args += [f"{p.python_name}=..." for p in self.query_params if p.required]
        return f"tx.{self.resource}.{self.name}({', '.join(args)})"

    @property
    def cli_call(self) -> str:
        """How to call this operation from the CLI, for docs and `ttx modules`."""
        if self.kind is Kind.API_CALL:
            return "ttx api METHOD PATH [-q key=value ...] [-d JSON|@file]"
        parts = ["ttx", self.resource.replace("_", "-"), self.name.replace("_", "-")]
        parts += [p.cli_name.upper() for p in self.path_params]
        parts += [f"--{p.cli_name} ..." for p in self.query_params if p.required]
        if self.body is not None:
            parts.append("--data @body.json")
        if self.kind is Kind.UPLOAD:
            parts.append("--file FILE")
        return " ".join(parts)
