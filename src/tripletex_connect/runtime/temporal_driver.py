"""Drive the scenario runner from a workflow: every call a run makes is answered from a book, or asked for.

A Temporal workflow must be deterministic, and the scenario runner is synchronous. So the workflow runs the
runner from the start each time it learns an answer: the runner's calls are answered from the book of answers
(`site -> {"value"}|{"error"}`), and the first call without an answer stops the evaluation with `NeedCall` (the
workflow runs it as an activity and adds the answer). Expressions are pure and the clock is the workflow's, so
each evaluation takes the same path as the one before it, one call further. Sleeps (a retry handler's backoff)
are asked for the same way with `NeedSleep`. Nothing here does I/O or knows Temporal.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import threading
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .. import catalog
from ..core.errors import APIError, OutcomeUnknownError, TripletexError, ValidationMessage, error_class
from ..core.redact import scrub
from ..scenario.loader import load_scenario
from ..scenario.model import Scenario, Step
from ..scenario.results import RunResult
from ..scenario.runner import READ_KINDS, Runner, RunOptions
from ..scenario.state import DataStore, MemoryDataStore
from .execute import Outcome

Answers = dict[str, dict[str, Any]]


@dataclass(frozen=True)
class CallSpec:
    """One call the runner needs: where it sits in the run (`site`), what to send, and whether it writes."""

    site: str
    operation: str
    params: dict[str, Any] = field(default_factory=dict)
    body: Any = None
    limit: int | None = None
    method: str | None = None
    path: str | None = None
    write: bool = False

    def payload(self) -> dict[str, Any]:
        """The call as JSON data (what an activity receives)."""
        return {"site": self.site, "operation": self.operation, "params": self.params, "body": self.body,
                "limit": self.limit, "method": self.method, "path": self.path, "write": self.write}


class NeedCall(BaseException):  # BaseException: the runner's handlers must not catch it
    """The runner reached a call the book has no answer for."""

    def __init__(self, spec: CallSpec) -> None:
        super().__init__(spec.site)
        self.spec = spec


class NeedSleep(BaseException):
    """The runner wants to wait (a retry handler's backoff) before going on."""

    def __init__(self, site: str, seconds: float) -> None:
        super().__init__(site)
        self.site = site
        self.seconds = seconds


def error_data(exc: BaseException) -> dict[str, Any]:
    """An error as JSON data the workflow can turn back into the same exception class (never a token)."""
    if isinstance(exc, OutcomeUnknownError):
        return {"kind": "unknown", "method": exc.method, "path": exc.path, "status": exc.status, "code": exc.code,
                "request_id": exc.request_id, "cause": scrub(exc.cause)}
    if isinstance(exc, APIError):
        return {"kind": "api", "message": scrub(exc.message), "status": exc.status, "code": exc.code,
                "developer_message": scrub(exc.developer_message or ""), "request_id": exc.request_id,
                "method": exc.method, "path": exc.path,
                "validation": [{"field": m.field, "message": scrub(m.message), "path": m.path}
                               for m in exc.validation_messages]}
    return {"kind": "other", "message": scrub(str(exc) or type(exc).__name__)}


def rebuild_error(data: Mapping[str, Any]) -> TripletexError:
    """The exception `error_data` described."""
    if data.get("kind") == "unknown":
        return OutcomeUnknownError(method=str(data.get("method") or ""), path=str(data.get("path") or ""),
                                   status=data.get("status"), code=data.get("code"),
                                   request_id=data.get("request_id"), cause=str(data.get("cause") or ""))
    if data.get("kind") == "api":
        status = int(data.get("status") or 0)
        messages = [ValidationMessage(m.get("field"), str(m.get("message") or ""), m.get("path"))
                    for m in data.get("validation") or ()]
        return error_class(status, data.get("code"))(
            str(data.get("message") or ""), status=status, code=data.get("code"),
            developer_message=data.get("developer_message") or None, validation_messages=messages,
            request_id=data.get("request_id"), method=str(data.get("method") or ""), path=str(data.get("path") or ""))
    return TripletexError(str(data.get("message") or "error"))


class AnswerBook:
    """The answers known so far, by site; a site is where a call sits in the run plus how often it was asked."""

    def __init__(self, answers: Answers) -> None:
        self.answers = answers
        self.asked: Counter[str] = Counter()
        self.where = "run"

    def site(self, base: str) -> str:
        """The next site of `base` in this evaluation (a retried call gets a new one)."""
        number = self.asked[base]
        self.asked[base] += 1
        return f"{base}#{number}"

    def answer(self, spec: CallSpec) -> Any:
        """The known answer to a call (raising the error it met), else NeedCall."""
        known = self.answers.get(spec.site)
        if known is None:
            raise NeedCall(spec)
        if "error" in known:
            raise rebuild_error(known["error"])
        return known.get("value")

    def sleep(self, seconds: float) -> None:
        """A wait the workflow makes once; later evaluations pass it."""
        site = self.site("sleep")
        if site not in self.answers:
            raise NeedSleep(site, seconds)


class BookClient:
    """Stands in for the Tripletex client inside the workflow: calls become sites in the book."""

    batch_size = 100
    """A foreach of creates goes through the batch `/list` endpoint in chunks of this size, as in this process."""

    def __init__(self, book: AnswerBook, settings: Reference) -> None:
        self.book = book
        self.settings = settings

    def invoke(self, key: str, args: Mapping[str, Any] | None = None, *, body: Any = None, limit: int | None = None,
               **_: Any) -> Any:
        """A catalog operation, answered from the book."""
        op = catalog.get(key)
        site = self.book.site(f"{self.book.where}:{op.key}")
        return self.book.answer(CallSpec(site, op.key, dict(args or {}), body, limit, write=op.kind not in READ_KINDS))

    def request(self, method: str, path: str, *, params: Mapping[str, Any] | None = None, json: Any = None,
                **_: Any) -> Any:
        """A raw API call (Make an API call), answered from the book."""
        verb = method.upper()
        site = self.book.site(f"{self.book.where}:api")
        return self.book.answer(CallSpec(site, "api", dict(params or {}), json, method=verb, path=path,
                                         write=verb != "GET"))


class RunState:
    """The runner's state inside a workflow: no history (the worker records the run), no watch positions."""

    def __init__(self) -> None:
        self.stores: dict[str, MemoryDataStore] = {}

    def load_position(self, key: str) -> dict[str, Any] | None:
        """Workflows run one item at a time: no position."""
        return None

    def save_position(self, key: str, position: dict[str, Any]) -> None:
        """Positions are kept by whoever starts the workflow."""

    def append_run(self, record: dict[str, Any]) -> None:
        """The run is recorded by an activity, once."""

    def datastore(self, namespace: str) -> DataStore:
        """A data store of this run."""
        return self.stores.setdefault(namespace, MemoryDataStore())


class BookRunner(Runner):
    """The scenario runner with its calls answered from an AnswerBook.

    A write whose outcome is unknown (its answer was lost, or the worker running it died) is looked for with
    the step's `check:` before anything else; when the check does not find it, it is sent again once.
    """

    def __init__(self, scenario: Scenario, client: BookClient, values: dict[str, Any], opts: RunOptions,
                 clock: Callable[[], dt.datetime]) -> None:
        super().__init__(scenario, client, values, opts, clock=clock)  # type: ignore[arg-type]
        self.book = client.book

    def call(self, step: Step, ctx: Any, run: RunResult) -> Any:
        """A step's call, its site named by its position in the run."""
        self.book.where = self.position(step)
        try:
            return super().call(step, ctx, run)
        except OutcomeUnknownError:
            if step.check is None or step.module is None or self.opts.dry_run:
                raise
            found = self.run_check(step, ctx)
            if found is not None:
                self.journal[self.position(step)] = found
                return found
            return super().call(step, ctx, run)  # not made: send it again (a new site)


@dataclass(frozen=True)
class Reference:
    """What a workflow knows of a connection: its name and the company, never a token."""

    profile: str | None
    company_id: int
    consumer_token: None = None
    employee_token: None = None

    @property
    def base_url(self) -> str:
        """A name for the connection where history expects a base URL."""
        return f"profile:{self.profile or 'default'}"


@functools.lru_cache(maxsize=32)
def _parsed(source: str, text: str, names: tuple[str, ...]) -> Scenario:
    return load_scenario(source, text=text, vars=dict.fromkeys(names))


_PARSING = threading.Lock()


def scenario_of(source: str, text: str, vars: Mapping[str, Any]) -> Scenario:
    """The scenario a workflow runs: parsed and validated once per worker process for the same text and var names
    (a Scenario is immutable, and validation looks only at the names), not once per company."""
    # one parse at a time: a fan-out's first workflow tasks arrive together, and each would parse the same text
    with _PARSING:
        return _parsed(source, text, tuple(sorted(vars)))


def drive(scenario: Scenario, *, connection: str | None, company_id: int, values: dict[str, Any], answers: Answers,
          started: dt.datetime, now: Callable[[], dt.datetime], trigger_item: Any = None) -> Outcome:
    """Evaluate one run as far as the answers go: its Outcome, or NeedCall / NeedSleep for what it needs next."""
    book = AnswerBook(answers)
    client = BookClient(book, Reference(connection, company_id))
    opts = RunOptions(record=False, now=now, sleep=book.sleep, state=RunState())
    runner = BookRunner(scenario, client, values, opts, clock=lambda: started)
    run = runner.run_once(trigger_item)
    record = run.record(scenario.source, connection or f"company {company_id}")
    record = json.loads(json.dumps(record, ensure_ascii=False, default=str))
    failing = next((str(f["step"]) for f in reversed(run.failures) if isinstance(f, dict) and f.get("step")), None)
    output = json.loads(json.dumps(run.output, ensure_ascii=False, default=str))
    return Outcome(record, run.status, step=failing, error=run.error, checkpoint=run.checkpoint, output=output)
