"""The Temporal activities, run by a worker: one catalog call, and recording a finished run in the run store."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from temporalio import activity
from temporalio.exceptions import ApplicationError

from ..core.errors import TripletexError
from ..core.redact import scrub
from .temporal_calls import CallFailed, Clients, perform
from .temporal_driver import error_data
from .temporal_jobs import CALL_ACTIVITY, RECORD_ACTIVITY, CallJob, RecordJob

if TYPE_CHECKING:
    from .store import RunStore


class Activities:
    """A worker's activities: its clients (credentials resolved here, by connection name) and its run store."""

    def __init__(self, clients: Clients, store: RunStore | None = None) -> None:
        self.clients = clients
        self.store = store
        self.lock = threading.Lock()

    @activity.defn(name=CALL_ACTIVITY)
    def call(self, job: CallJob) -> Any:
        """Send one call; a non-retryable ApplicationError carries an error the step's handler decides on."""
        try:
            client = self.clients.get(job.target.connection, job.target.company_id)
        except TripletexError as exc:  # no such profile, no token: no attempt would do better
            raise ApplicationError(scrub(str(exc)), error_data(exc), type="TripletexConfigurationError",
                                   non_retryable=True) from None
        try:
            return perform(client, job.call, activity.info().attempt)
        except CallFailed as failed:
            raise ApplicationError(str(failed), failed.data, type="TripletexCallError",
                                   non_retryable=not failed.retryable) from None

    @activity.defn(name=RECORD_ACTIVITY)
    def record(self, job: RecordJob) -> int | None:
        """Keep the run in the run store (an incomplete one with its checkpoint); once per workflow id."""
        if self.store is None:
            return None
        key = f"temporal-run:{job.workflow_id}"
        with self.lock:
            done = self.store.meta(key)
            if done is not None:
                return int(done)
            outcome = job.outcome
            record = {**outcome["record"], "engine": "temporal", "workflow_id": job.workflow_id}
            run_id = self.store.add_run(record)
            if outcome.get("status") == "incomplete" and outcome.get("checkpoint") is not None:
                self.store.add_incomplete(run_id, record, step=outcome.get("step"), error=outcome.get("error"),
                                          checkpoint=outcome["checkpoint"], next_retry=None)
            self.store.set_meta(key, str(run_id))
            return run_id

    def all(self) -> list[Any]:
        """The activity callables to register with a worker."""
        return [self.call, self.record]
