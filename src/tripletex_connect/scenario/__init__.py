"""Scenarios: YAML automations that chain catalog modules, like Make scenarios, for people who script.

A scenario file::

    name: Invoice open orders
    connection: work                 # optional profile; the command line's --profile/--base-url win
    timezone: Europe/Oslo            # the default: today(), now() and dates in Tripletex's calendar
    vars:                            # defaults; override with `ttx run FILE --var customer=Acme`
      customer: Acme
      date: "{{ today() }}"
    trigger: manual                  # or {type: watch, module: customer.search, from: now|all|ID, every: 15m}
                                     # or {type: schedule, every: 15m} (with `ttx run --loop`)
    steps:
      - id: find                     # letters, digits, _; referenced as steps.find
        module: customer.search      # a catalog key (`ttx modules`), or `api` with method and path
        params: {customer_name: "{{ vars.customer }}"}   # API or Python parameter names
        limit: 1                     # searches only
      - id: orders
        module: order.search
        when: "{{ steps.find.count > 0 }}"               # skipped when false
        params: {customerId: "{{ steps.find.first.id }}", isClosed: false,
                 orderDateFrom: 2020-01-01, orderDateTo: "{{ add_days(today(), 1) }}"}
      - id: invoice
        foreach: "{{ steps.orders.values }}"             # once per item, as `item` (rename with `as:`);
                                                         # a `when` on a foreach filters the items
        on_error: ignore                                 # or stop (default), break, {resume: {value}},
                                                         # {retry: {times, backoff, then}}
        module: order.invoice
        params: {id: "{{ item.id }}", invoiceDate: "{{ vars.date }}"}
      - id: total                                        # an aggregator: into list, sum, text, count, ...
        aggregate: {from: "{{ steps.invoice.values }}", value: "{{ item.amount }}", into: sum}
    output: "{{ steps.invoice.values }}"                 # default: the last step's result

Steps may also be a `router:` (routes with a `filter`, or `fallback: true`, each with `steps`), a data-store
call (`module: datastore.get|set|delete|search`), and a write may declare `check:` (a read that tells whether
a write whose answer was lost was made). A run that breaks carries a checkpoint for `resume_run`.

A search step's result is {values, first, count}; a foreach's is {values, count} with one entry per item
(the module's result, or for nested `steps` a mapping of their results); other modules give the object.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ExpressionError, Problem, ScenarioError, StepFailed
from .loader import load_scenario
from .model import Scenario, Step, Trigger
from .results import RunResult, ScenarioResult, StepResult
from .runner import RunOptions, resume_run, run_scenario
from .state import DataStore, FileState, ScenarioState
from .validate import check_scenario, validate

if TYPE_CHECKING:
    from ..client import Tripletex

__all__ = [
    "DataStore",
    "ExpressionError",
    "FileState",
    "Problem",
    "RunOptions",
    "RunResult",
    "Scenario",
    "ScenarioError",
    "ScenarioResult",
    "ScenarioState",
    "Step",
    "StepFailed",
    "StepResult",
    "Trigger",
    "check_scenario",
    "load_scenario",
    "resume_run",
    "run_file",
    "run_scenario",
    "validate",
]


def run_file(path: str | Path, client: Tripletex, **options: Any) -> ScenarioResult:
    """Load, validate and run a scenario file: `run_file("x.yaml", tx, vars={"customer": "Acme"})`."""
    return run_scenario(load_scenario(path), client, **options)
