"""Incomplete executions: a broken or interrupted run kept with its checkpoint, retried automatically with
backoff (runs that broke with a checkpoint) or resumed and discarded by hand.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from . import execute
from .store import DISCARDED, OPEN, RESOLVED, Incomplete, RunStore

if TYPE_CHECKING:
    from ..client import Tripletex
    from ..scenario import Scenario

FIRST_RETRY = dt.timedelta(minutes=1)
MAX_RETRY = dt.timedelta(hours=6)
AUTO_ATTEMPTS = 8


def backoff(attempts: int) -> dt.timedelta:
    """The wait before automatic retry number `attempts + 1`: 1 min, 2, 4 ... at most 6 h."""
    return min(MAX_RETRY, FIRST_RETRY * float(2 ** min(max(0, attempts), 16)))


def keep(store: RunStore, run_id: int | None, outcome: execute.Outcome, now: dt.datetime) -> int:
    """Keep a run that did not finish as an incomplete execution; retried by itself only when it left a
    checkpoint (completed writes are then never repeated)."""
    retry = now + backoff(0) if outcome.checkpoint is not None else None
    return store.add_incomplete(run_id, outcome.record, step=outcome.step, error=outcome.error,
                                checkpoint=outcome.checkpoint, next_retry=retry)


def resume(store: RunStore, incomplete: Incomplete, scenario: Scenario, client: Tripletex,
           now: execute.Clock, *, automatic: bool = False) -> execute.Outcome:
    """Run an incomplete execution again from where it stopped; it is resolved when the run succeeds.

    With a checkpoint the scenario runner continues from the failing step; without one (a run cut off by a
    crash), the run starts again with its trigger item.
    """
    if incomplete.state != OPEN:
        raise ValueError(f"incomplete execution {incomplete.id} is {incomplete.state}, not open")
    item = store.trigger_item(incomplete.run_id) if incomplete.run_id else None
    started = now()
    run_id = store.begin_run(scenario.name, file=scenario.source, connection=execute.connection_of(client),
                             trigger="resume", started=started, trigger_item=item,
                             company=execute.company_of(client))
    outcome = _continue(store, scenario, client, now, incomplete.checkpoint, item)
    outcome.record["resumed_from"] = incomplete.id
    store.finish_run(run_id, outcome.record)
    if outcome.ok:
        store.update_incomplete(incomplete.id, state=RESOLVED, attempts=incomplete.attempts + 1, next_retry=None)
        return outcome
    attempts = incomplete.attempts + 1
    retry = None
    if automatic and outcome.checkpoint is not None and attempts < AUTO_ATTEMPTS:
        retry = now() + backoff(attempts)
    store.update_incomplete(incomplete.id, attempts=attempts, next_retry=retry, step=outcome.step,
                            error=outcome.error, checkpoint=outcome.checkpoint or incomplete.checkpoint)
    return outcome


def discard(store: RunStore, incomplete: Incomplete) -> None:
    """Give up an incomplete execution (it stays in the history as discarded)."""
    if incomplete.state != OPEN:
        raise ValueError(f"incomplete execution {incomplete.id} is {incomplete.state}, not open")
    store.update_incomplete(incomplete.id, state=DISCARDED, next_retry=None)


def _continue(store: RunStore, scenario: Scenario, client: Tripletex, now: execute.Clock, checkpoint: Any,
              item: Any) -> execute.Outcome:
    from ..scenario import runner

    resume_run = getattr(runner, "resume_run", None)
    if checkpoint is not None and resume_run is not None:
        return execute.resume_with(resume_run, scenario, client, now, checkpoint, store)
    return execute.run_once(scenario, client, now, item, store)
