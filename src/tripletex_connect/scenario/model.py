"""The scenario file as data: Scenario, Trigger and Step, each remembering where it was written."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from .errors import Problem

Path_ = tuple[str | int, ...]
"""Where a value sits in the file, e.g. ("steps", 0, "params", "id"); used to find its line."""

OnError = Literal["stop", "continue"]
TriggerType = Literal["manual", "watch", "schedule", "webhook"]
CatchUp = Literal["none", "one", "all"]
API_MODULE = "api"


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
    on_error: OnError = "stop"
    method: Any = None
    path: Any = None
    where: Path_ = ()

    @property
    def label(self) -> str:
        """The module for messages: the catalog key, `foreach` for a loop of nested steps, or `api METHOD`."""
        if self.module == API_MODULE:
            return f"api {self.method or ''}".strip()
        return self.module or "foreach"


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
        """Every step, nested ones after their foreach, in file order."""
        out: list[Step] = []

        def walk(steps: tuple[Step, ...]) -> None:
            for step in steps:
                out.append(step)
                walk(step.steps)

        walk(self.steps)
        return out
