"""What crosses Temporal's wire: workflow and activity inputs as dataclasses of references, never tokens.

A job names its connection (a profile name the worker resolves to credentials locally) and a company id; the
scenario travels as its file's text, so every worker runs the same version of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

CALL_ACTIVITY = "ttx.call"
RECORD_ACTIVITY = "ttx.record"
COMPANY_WORKFLOW = "ttx.company"
FANOUT_WORKFLOW = "ttx.fanout"
WATCH_WORKFLOW = "ttx.watch"
EVENT_SIGNAL = "event"
DEFAULT_TASK_QUEUE = "ttx"


@dataclass
class Target:
    """One company to run for: the connection's name (a profile on the worker) and the company id."""

    connection: str | None
    company_id: int


@dataclass
class ScenarioRef:
    """A scenario as a workflow receives it: its name, file name and text, and the --var values."""

    name: str
    source: str
    text: str
    vars: dict[str, Any] = field(default_factory=dict)


@dataclass
class Timeouts:
    """How long one call may take before Temporal gives it to another worker, and how often it is tried."""

    call_seconds: float = 60.0
    attempts: int = 5


@dataclass
class CompanyJob:
    """One run of a scenario for one company (a child of a fan-out, a schedule's run, or a webhook's event)."""

    scenario: ScenarioRef
    target: Target
    trigger_item: Any = None
    timeouts: Timeouts = field(default_factory=Timeouts)
    pending: list[dict[str, Any]] = field(default_factory=list)
    """A watch workflow's events not yet run, carried over when it continues as new."""


@dataclass
class FanoutJob:
    """A scenario for many companies: one child workflow each, at most `concurrency` at a time."""

    scenario: ScenarioRef
    targets: list[Target]
    run_key: str
    concurrency: int = 4
    timeouts: Timeouts = field(default_factory=Timeouts)


@dataclass
class CallJob:
    """One catalog operation (a `CallSpec` payload) for a connection and company."""

    target: Target
    call: dict[str, Any]


@dataclass
class RecordJob:
    """A finished run for the worker's run store: its outcome and the workflow that ran it."""

    workflow_id: str
    outcome: dict[str, Any]


def _part(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-") or "-"


def fanout_id(scenario: str, run_key: str) -> str:
    """The fan-out's workflow id: `ttx/<scenario>/<run key>`."""
    return f"ttx/{_part(scenario)}/{_part(run_key)}"


def company_id_of(scenario: str, run_key: str, target: Target) -> str:
    """A company's workflow id in a fan-out: `ttx/<scenario>/<run key>/<company>` (with the connection when named).

    The same run key gives the same id, so a fan-out repeated for that key does not start a company twice.
    """
    company = f"{_part(target.connection)}-{target.company_id}" if target.connection else str(target.company_id)
    return f"{fanout_id(scenario, run_key)}/{company}"


def watch_id(scenario: str, target: Target) -> str:
    """The id of a company's watch workflow, which webhook events of that scenario signal."""
    company = f"{_part(target.connection)}-{target.company_id}" if target.connection else str(target.company_id)
    return f"ttx-watch/{_part(scenario)}/{company}"
