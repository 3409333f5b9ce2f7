"""A company's runs recorded in the run store: each run its own history entry (with the company id) and, when
it breaks, its own incomplete execution, so one company is resumed without touching the others.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.redact import MASK, scrub
from ..scenario.runner import client_secrets, connection_name, run_scenario
from .fanout import CompanyOutcome, CompanyRun, outcome_of

if TYPE_CHECKING:
    from ..client import Tripletex
    from ..scenario.companies import CompanyRef
    from ..scenario.model import Scenario
    from ..scenario.results import RunResult
    from .store import RunStore


def recorded_in(store: RunStore) -> CompanyRun:
    """A company run for InProcessExecutor that keeps its runs and incomplete executions in `store`."""

    def run_company(scenario: Scenario, client: Tripletex, company: CompanyRef, options: dict[str, Any]
                    ) -> CompanyOutcome:
        result = run_scenario(scenario, client, **{**options, "record": False, "state": options.get("state") or store})
        run_ids = [str(keep_run(store, scenario, client, run)) for run in result.runs]
        return replace(outcome_of(company, result), run_id=",".join(run_ids) or None)

    return run_company


def keep_run(store: RunStore, scenario: Scenario, client: Tripletex, run: RunResult) -> int:
    """Add a finished run to the store (secrets masked); a run that broke becomes an incomplete execution too."""
    record = run.record(scenario.source, connection_name(client), client.settings.company_id)
    text = json.dumps(record, ensure_ascii=False, default=str)
    for secret in client_secrets(client):
        text = text.replace(secret, MASK)
    clean: dict[str, Any] = json.loads(scrub(text))
    run_id = store.add_run(clean)
    if run.status == "incomplete" and run.checkpoint is not None:
        failed = run.checkpoint.get("failed") or {}
        store.add_incomplete(run_id, {**clean, "file": str(Path(scenario.source).resolve())},
                             step=failed.get("step"), error=clean.get("error"), checkpoint=run.checkpoint,
                             next_retry=None)
    return run_id
