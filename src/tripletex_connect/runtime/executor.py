"""Where a fan-out runs: the seam between the scenario runner (what to do) and an engine (where it runs).

`InProcessExecutor` (runtime/fanout.py) runs companies on threads of this process; `TemporalExecutor`
(runtime/temporal.py) submits them to a Temporal cluster. Both answer with the same FanoutSummary.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

from .fanout import DEFAULT_CONCURRENCY, FanoutSummary

if TYPE_CHECKING:
    from ..client import Tripletex
    from ..scenario.companies import CompanyRef
    from ..scenario.model import Scenario

__all__ = ["DEFAULT_CONCURRENCY", "Executor", "FanoutSummary"]


class Executor(Protocol):
    """Runs one scenario once per client company and reports each company's outcome."""

    def run_fanout(self, scenario: Scenario, client: Tripletex, companies: Sequence[CompanyRef], *,
                   concurrency: int = DEFAULT_CONCURRENCY, **run_options: Any) -> FanoutSummary:
        """Run `scenario` for every company (at most `concurrency` at a time); one failing never stops the rest.

        `client` is the accountant's login; each company runs with `client.with_company(id)`. `run_options`
        are those of `run_scenario` (vars, dry_run, state, now, ...).
        """
        ...
