"""The scenario file as data: Scenario, Trigger and Step, each remembering where it was written."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from .companies import CompanySelector
from .errors import Problem

Path_ = tuple[str | int, ...]
"""Where a value sits in the file, e.g. ("steps", 0, "params", "id"); used to find its line."""

ErrorAction = Literal["stop", "ignore", "resume", "retry", "break"]
TriggerType = Literal["manual", "watch", "schedule", "webhook"]
CatchUp = Literal["none", "one", "all"]
AggregateInto = Literal["list", "sum", "text", "count", "min", "max", "avg"]
API_MODULE = "api"
DATASTORE_MODULES = ("datastore.get", "datastore.set", "datastore.delete", "datastore.search")


@dataclass(frozen=True)
class OnError:
    """A step's error handler, as in Make: stop (default), ignore, resume with a value, retry, or break."""

    action: ErrorAction = "stop"
    value: Any = None
    times: int = 0
    backoff: float = 0.0
    then: ErrorAction = "stop"
    """retry only: what happens once the retries are used up (stop, ignore or break)."""


@dataclass(frozen=True)
class Check:
    """How to tell whether a write whose outcome is unknown was made: a read, and an expression on its `result`."""

    module: str
    params: dict[str, Any] = field(default_factory=dict)
    found: Any = None
    where: Path_ = ()


@dataclass(frozen=True)
class Aggregate:
    """Make's aggregators: a list's items (a foreach's results) collected into a list, a sum or a text."""

    source: Any
    into: AggregateInto = "list"
    value: Any = None
    separator: Any = ", "


@dataclass(frozen=True)
class Trigger:
    """What starts a run: by hand, new objects of a search (watch), a clock (schedule) or an event (webhook)."""

    type: TriggerType = "manual"
    module: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    start: str | int = "now"
    every: float | None = None
    limit: int | None = None
    cron: str | None = None
    at: Any = None
    days: tuple[str, ...] = ()
    catch_up: CatchUp = "one"
    event: str | None = None
    where: Path_ = ("trigger",)


@dataclass(frozen=True)
class Step:
    """One module call (or a foreach over nested steps) in a scenario."""

    id: str
    module: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    body: Any = None
    limit: Any = None
    when: Any = None
    foreach: Any = None
    item_name: str = "item"
    steps: tuple[Step, ...] = ()
    on_error: OnError = field(default_factory=OnError)
    method: Any = None
    path: Any = None
    check: Check | None = None
    branches: tuple[Branch, ...] = ()
    aggregate: Aggregate | None = None
    where: Path_ = ()

    @property
    def label(self) -> str:
        """The module for messages: the catalog key, `foreach`, `router`, `aggregate`, or `api METHOD`."""
        if self.module == API_MODULE:
            return f"api {self.method or ''}".strip()
        if self.branches:
            return "router"
        if self.aggregate is not None:
            return "aggregate"
        return self.module or "foreach"

    def children(self) -> tuple[Step, ...]:
        """The steps inside this one: a foreach's nested steps, then each router branch's."""
        return (*self.steps, *(step for branch in self.branches for step in branch.steps))


@dataclass(frozen=True)
class Branch:
    """One route of a router: its steps run when its filter holds (a fallback when no other route ran)."""

    name: str
    steps: tuple[Step, ...] = ()
    filter: Any = None
    fallback: bool = False
    where: Path_ = ()


@dataclass(frozen=True)
class Scenario:
    """A whole scenario file: name, connection, vars, trigger, steps and output."""

    name: str
    steps: tuple[Step, ...]
    vars: dict[str, Any] = field(default_factory=dict)
    trigger: Trigger = field(default_factory=Trigger)
    connection: str | None = None
    output: Any = None
    has_output: bool = False
    source: str = "<scenario>"
    timezone: str = "Europe/Oslo"
    companies: CompanySelector | None = None
    """The client companies to run for, once each (`companies:`); None runs for the connection's company."""
    lines: dict[Path_, int] = field(default_factory=dict, repr=False)
    problems: tuple[Problem, ...] = field(default=(), repr=False)
    """Structural problems found while loading; validation reports them with the rest."""

    def line(self, where: Path_) -> int:
        """The line of a value, or of the nearest enclosing value whose line is known."""
        for end in range(len(where), 0, -1):
            if where[:end] in self.lines:
                return self.lines[where[:end]]
        return 0

    def all_steps(self) -> list[Step]:
        """Every step, nested ones (of a foreach or a router) after their parent, in file order."""
        out: list[Step] = []

        def walk(steps: tuple[Step, ...]) -> None:
            for step in steps:
                out.append(step)
                walk(step.children())

        walk(self.steps)
        return out
