"""Errors of scenarios: problems found in a file (with line numbers) and failures while running."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..core.errors import TripletexError


@dataclass(frozen=True)
class Problem:
    """One mistake in a scenario file, at a line (0 when the line is unknown)."""

    line: int
    message: str

    def render(self, source: str) -> str:
        """The problem as `file:line: message`, the form editors jump to."""
        return f"{source}:{self.line}: {self.message}" if self.line else f"{source}: {self.message}"


class ScenarioError(TripletexError):
    """A scenario file is not valid; carries every problem found, so all are reported at once."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = sorted(problems, key=lambda p: p.line)
        super().__init__("\n".join(p.render(source) for p in self.problems))


class ExpressionError(TripletexError):
    """An expression cannot be parsed, is not allowed, or refers to something undefined."""

    line: int = 0
    """The line of the file the expression is on, once the runner knows it (0 before)."""


class StepFailed(TripletexError):
    """A step failed while running (an API error, a bad value, an undefined reference).

    `location` is `file:line` when known; `record` is the failure as data (failures.failure_record).
    """

    def __init__(
        self, step_id: str, module: str, message: str, *, location: str = "", record: dict[str, Any] | None = None
    ) -> None:
        self.step_id = step_id
        self.module = module
        self.detail = message
        self.location = location
        self.record = record
        prefix = f"{location}: " if location else ""
        super().__init__(f"{prefix}step {step_id!r} ({module}): {message}")


class StepBroken(StepFailed):
    """A step broke the run (on_error: break, or a write whose outcome is unknown): it is kept as incomplete."""


class StepInterrupted(StepBroken):
    """The run was asked to stop (the service's SIGTERM or Ctrl-C) between two steps: kept resumable."""
