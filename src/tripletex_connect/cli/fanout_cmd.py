"""`ttx run FILE --companies ...` (or a scenario with `companies:`): one run per client company, then a summary.

Each company's line appears on stderr as it finishes (on a terminal); stdout gets the summary, a table on a
terminal and JSON with `--output json`. The exit code is 1 when any company failed or broke.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import typer

from .errors import CliUsageError
from .output import Writer, isatty

if TYPE_CHECKING:
    from ..client import Tripletex
    from ..runtime.fanout import CompanyOutcome, FanoutSummary
    from ..runtime.store import RunStore
    from ..scenario import Scenario
    from ..scenario.companies import CompanySelector

SUMMARY_COLUMNS = ["company", "name", "status", "run", "summary", "error"]


def selector_for(scenario: Scenario, option: str | None) -> CompanySelector | None:
    """The companies to run for: `--companies` when given (it overrides the file), else the file's `companies:`."""
    from ..scenario.companies import CompanySelectionError, CompanySelector

    if option is None:
        return scenario.companies
    try:
        return CompanySelector.from_cli(option)
    except CompanySelectionError as exc:
        raise CliUsageError(str(exc)) from None


def run_companies(scenario: Scenario, tx: Tripletex, selector: CompanySelector, store: RunStore, *,
                  values: dict[str, Any], dry_run: bool, concurrency: int, writer: Writer) -> bool:
    """Run the scenario once per selected company, write the summary; True when every company ended ok."""
    from ..runtime.company_runs import recorded_in
    from ..runtime.fanout import InProcessExecutor
    from ..scenario.companies import CompanySelectionError, resolve_companies

    try:
        companies = resolve_companies(tx, selector)
    except CompanySelectionError as exc:
        raise CliUsageError(str(exc)) from None
    if isatty(sys.stderr):
        typer.echo(f"{scenario.name}: {len(companies)} compan{'y' if len(companies) == 1 else 'ies'} "
                   f"({selector.describe()}), {concurrency} at a time", err=True)
    executor = InProcessExecutor(recorded_in(store), on_outcome=_progress())
    summary = executor.run_fanout(scenario, tx, companies, concurrency=concurrency, vars=values, dry_run=dry_run,
                                  state=store)
    write_summary(summary, writer)
    return summary.ok


def write_summary(summary: FanoutSummary, writer: Writer) -> None:
    """The summary: one row per company and a totals line on a terminal; the whole summary as data otherwise."""
    if writer.fmt != "table":
        writer.one(summary.to_dict())
        return
    writer.table([_row(o) for o in summary.outcomes], SUMMARY_COLUMNS)
    totals = summary.totals
    typer.echo(f"{totals['companies']} companies: {totals['ok']} ok, {totals['failed']} failed, "
               f"{totals['incomplete']} incomplete", err=True)


def _row(outcome: CompanyOutcome) -> dict[str, Any]:
    return {"company": outcome.company.id, "name": outcome.company.name, "status": outcome.status,
            "run": outcome.run_id, "summary": outcome.summary, "error": outcome.error}


def _progress() -> Any:
    """A line per finished company on stderr, only when stderr is a terminal."""
    if not isatty(sys.stderr):
        return None

    def show(outcome: CompanyOutcome) -> None:
        mark = "✓" if outcome.ok else "✗"
        typer.echo(f"  {mark} {outcome.company}: {outcome.status}"
                   + (f", {outcome.error}" if outcome.error else f", {outcome.summary}"), err=True)

    return show
