"""The service: every scenario file of a folder, run on its schedule, watch or webhook events.

`tick(now)` does one round of the service's work (reload changed files, claim due schedule ticks, start
watch polls, take webhook events and due retries) and hands runs to workers: tests drive it with a fake
clock and `inline=True` (runs happen inside tick), `ttx serve` calls it every second from `run_forever`.
Runs of one scenario never overlap; different scenarios run concurrently, at most `workers` at a time.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..scenario import cursor
from ..scenario.schedule import Schedule, parse_schedule, to_fire
from . import execute, fanout_jobs, incomplete, nightly
from .clients import ClientPool
from .folder import Entry, scan_folder
from .store import RunStore, iso, utcnow

if TYPE_CHECKING:
    from ..client import Tripletex
    from ..scenario import Scenario

log = logging.getLogger("tripletex_connect.runtime")
DEFAULT_WATCH_EVERY = 60.0
NIGHTLY = "15 3 * * *"
"""When a webhook scenario checks for objects no event announced (Tripletex may drop events)."""


@dataclass
class Active:
    """A loaded scenario and its in-memory timing (the store holds everything that must survive a restart)."""

    entry: Entry
    schedule: Schedule | None = None
    next_poll: dt.datetime | None = None

    @property
    def scenario(self) -> Scenario:
        """The scenario."""
        assert self.entry.scenario is not None
        return self.entry.scenario

    @property
    def name(self) -> str:
        """The scenario's name (its key in the store)."""
        return self.scenario.name


@dataclass
class Job:
    """One piece of work for a scenario: a run, a poll, an event or a retry."""

    scenario: str
    kind: str
    action: Callable[[], None]


@dataclass
class _Queues:
    pending: dict[str, deque[Job]] = field(default_factory=dict)
    busy: set[str] = field(default_factory=set)
    kinds: set[tuple[str, str]] = field(default_factory=set)


class Service:
    """Runs a folder of scenarios with one store and one client per connection."""

    def __init__(self, folder: Path, store: RunStore, clients: ClientPool, *,
                 clock: Callable[[], dt.datetime] = utcnow, workers: int = 4, inline: bool = False,
                 watch_every: float = DEFAULT_WATCH_EVERY, hooks: Any = None, remote: Any = None) -> None:
        self.folder = folder
        self.store = store
        self.clients = clients
        self.clock = clock
        self.inline = inline
        self.watch_every = watch_every
        self.hooks = hooks
        self.remote = remote
        """A TemporalRemote: schedules and webhook events go to Temporal instead of this process."""
        self.active: dict[Path, Active] = {}
        self.broken: dict[Path, list[str]] = {}
        self._seen: dict[Path, tuple[int, int]] = {}
        self._queues = _Queues()
        self._lock = threading.Lock()
        self._pool = None if inline else ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ttx-run")
        self._futures: set[Future[None]] = set()
        self._stopping = threading.Event()
        self._wake = threading.Event()
        self._started = False

    # -- life cycle

    def start(self) -> None:
        """Recover what a previous process left (queued runs run, cut-off runs become incomplete, runs stopped
        between steps go on) and load."""
        if self._started:
            return
        self._started = True
        for run_id in self.store.interrupted_runs():
            self.store.mark_interrupted(run_id, "the service stopped during this run (crash or kill); "
                                        "check its writes, then resume or discard it")
        self.reload()
        for run in self.store.queued_runs():
            active = self.by_name(run["scenario"])
            if active is not None:
                due = dt.datetime.fromisoformat(run["tick"]) if run["tick"] else self.clock()
                self._enqueue(fanout_jobs.queue_key(active.name, run["company"]), "tick",
                              _bind(self._run_tick, active, run["id"], due, run["company"]))

    def tick(self, now: dt.datetime | None = None) -> None:
        """One round: reload changed files, then queue whatever fell due by `now` and start runs."""
        self.start()
        now = now or self.clock()
        self.reload()
        self._due_retries(now)  # older work first: a run stopped at the last shutdown goes on before new ticks
        for active in list(self.active.values()):
            self._due_work(active, now)
        self._due_events()
        self._dispatch()

    def run_forever(self, interval: float = 1.0) -> None:
        """Tick every `interval` seconds until stop() is called."""
        self.start()
        while not self._stopping.is_set():
            try:
                self.tick()
            except Exception:  # one bad round must not end the service
                log.exception("service tick failed")
            self._wake.wait(interval)
            self._wake.clear()

    def wake(self) -> None:
        """Tick now rather than at the next interval (a webhook delivery arrived)."""
        self._wake.set()

    def request_stop(self) -> None:
        """Ask run_forever to return (safe in a signal handler); stop() then waits for runs in flight."""
        self._stopping.set()
        self._wake.set()

    def stop(self, timeout: float | None = 60.0) -> None:
        """Stop starting work; runs in flight finish the step in flight and are kept as incomplete executions,
        resumed at the next start (queued runs stay queued and run after a restart)."""
        self._stopping.set()
        self._wake.set()
        with self._lock:
            futures = list(self._futures)
        for future in futures:
            try:
                future.result(timeout=timeout)
            except Exception:  # a run's own failure is in the store already
                log.debug("a run ended with an error while stopping", exc_info=True)
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)

    def wait_idle(self, timeout: float = 30.0) -> None:
        """Wait until no run is in flight (for tests and the demo)."""
        deadline = threading.Event()
        for _ in range(int(timeout * 20)):
            with self._lock:
                if not self._futures and not any(self._queues.pending.values()):
                    return
            deadline.wait(0.05)

    # -- loading

    def reload(self) -> None:
        """Pick up new, changed and removed files; a broken file is reported and skipped, the others run on."""
        changed = scan_folder(self.folder, self._seen)
        for path, entry in changed.items():
            if entry is None:
                self._forget(path)
                continue
            self._forget(path, keep_hooks=True)
            if entry.scenario is None:
                self.broken[path] = entry.problems
                log.warning("%s: skipped, %d problem(s): %s", path.name, len(entry.problems), "; ".join(entry.problems))
                continue
            clash = self.by_name(entry.scenario.name)
            if clash is not None:
                self.broken[path] = [f"another file ({clash.entry.path.name}) has the scenario name "
                                     f"{entry.scenario.name!r}; names must be unique"]
                continue
            self._add(path, entry)
        if self.remote is not None and changed:
            try:
                self.remote.sync((a.scenario, self.client_for(a.scenario)) for a in self.active.values())
            except Exception as exc:  # Temporal unreachable: the next change tries again, the service runs on
                log.warning("could not sync the schedules with Temporal: %s", exc)

    def _add(self, path: Path, entry: Entry) -> None:
        scenario = entry.scenario
        assert scenario is not None
        active = Active(entry)
        try:
            if scenario.trigger.type == "schedule":
                zone = getattr(scenario, "timezone", None)
                active.schedule = parse_schedule({"cron": scenario.trigger.cron, "every": scenario.trigger.every,
                                                  "at": scenario.trigger.at, "days": list(scenario.trigger.days)
                                                  or None}, zone if isinstance(zone, str) else None)
                self.store.start_tick(scenario.name, self.clock())
            if scenario.trigger.type == "webhook" and self.hooks is not None:
                self.hooks.subscribe(scenario, self.client_for(scenario))
        except Exception as exc:
            self.broken[path] = [str(exc)]
            log.warning("%s: skipped: %s", path.name, exc)
            return
        self.broken.pop(path, None)
        self.active[path] = active
        log.info("%s: %s (%s)", path.name, scenario.name, self.describe(active))

    def _forget(self, path: Path, *, keep_hooks: bool = False) -> None:
        self.broken.pop(path, None)
        active = self.active.pop(path, None)
        if active is not None and not keep_hooks and self.hooks is not None:
            try:
                self.hooks.unsubscribe(active.scenario, self.client_for(active.scenario))
            except Exception as exc:
                log.warning("%s: could not remove its webhook subscriptions: %s", path.name, exc)

    def by_name(self, name: str) -> Active | None:
        """The active scenario of that name."""
        return next((a for a in self.active.values() if a.name == name), None)

    def client_for(self, scenario: Scenario, company: int | None = None) -> Tripletex:
        """The shared client of the scenario's connection (acting for a client company when given)."""
        return self.clients.get(scenario.connection, company)

    # -- what is due

    def describe(self, active: Active) -> str:
        """The trigger in a few words (and the client companies it runs for)."""
        text = self._describe_trigger(active)
        companies = active.scenario.companies
        return f"{text}, for {companies.describe()}" if companies is not None else text

    def _describe_trigger(self, active: Active) -> str:
        trigger = active.scenario.trigger
        if active.schedule is not None:
            return f"schedule {active.schedule.describe()}, catch_up {trigger.catch_up}"
        if trigger.type == "watch":
            return f"watch {trigger.module} every {int(trigger.every or self.watch_every)}s"
        if trigger.type == "webhook":
            check = ", nightly check 03:15 Europe/Oslo" if nightly.checkable(trigger.event) else ""
            return f"webhook {trigger.event}{check}"
        return "manual (not run by the service)"

    def next_run(self, active: Active, now: dt.datetime | None = None) -> dt.datetime | None:
        """When the scenario runs next by itself: its next tick, poll or nightly check (None for manual ones)."""
        now = now or self.clock()
        if active.schedule is not None:
            last = self.store.last_tick(active.name) or now
            return active.schedule.next_after(max(last, now))
        if active.scenario.trigger.type == "watch":
            return active.next_poll or now
        if active.scenario.trigger.type == "webhook" and nightly.checkable(active.scenario.trigger.event):
            return active.next_poll or Schedule(cron=NIGHTLY).next_after(now)
        return None

    def _due_work(self, active: Active, now: dt.datetime) -> None:
        trigger = active.scenario.trigger
        if active.schedule is not None:
            if self.remote is None:  # else a Temporal Schedule fires it
                self._due_ticks(active, now)
        elif trigger.type == "watch" and (active.next_poll is None or now >= active.next_poll):
            active.next_poll = now + dt.timedelta(seconds=trigger.every or self.watch_every)
            poll = (_bind(self._poll_companies, active) if active.scenario.companies is not None
                    else _bind(self._poll, active))
            self._enqueue(active.name, "poll", poll, once=True)
        elif trigger.type == "webhook" and nightly.checkable(trigger.event):
            if active.next_poll is None:  # first, in its queue before any event: where the check starts from
                active.next_poll = Schedule(cron=NIGHTLY).next_after(now)
                self._enqueue(active.name, "start", _bind(self._start_check, active), once=True)
            elif now >= active.next_poll:
                active.next_poll = Schedule(cron=NIGHTLY).next_after(now)
                self._enqueue(active.name, "poll", _bind(self._nightly, active), once=True)

    def _due_ticks(self, active: Active, now: dt.datetime) -> None:
        assert active.schedule is not None
        last = self.store.last_tick(active.name)
        if last is None:
            return
        fire = to_fire(active.schedule, last, now, active.scenario.trigger.catch_up)
        skipped = [t for t in active.schedule.due(last, now) if t not in fire]
        previous = last
        for due in sorted(set(fire) | set(skipped)):
            if due in fire:
                run_id = self.store.claim_tick(active.name, due, previous, file=active.scenario.source,
                                               connection=active.scenario.connection)
                if run_id is None:
                    return
                self._enqueue(active.name, "tick", _bind(self._run_tick, active, run_id, due))
            elif self.store.claim_tick_skip(active.name, due, previous) is False:
                return
            previous = due

    def _due_events(self) -> None:
        for event in self.store.pending_events():
            active = self._scenario_of_subscription(event["subscription"], event["connection"])
            if active is None:
                self.store.event_done(event["id"])
                continue
            self._enqueue(active.name, f"event{event['id']}", _bind(self._event, active, event), once=True)

    def _due_retries(self, now: dt.datetime) -> None:
        for item in self.store.due_incomplete(now):
            active = self.by_name(item.scenario)
            if active is not None:
                self._enqueue(fanout_jobs.queue_key(active.name, item.company), f"retry{item.id}",
                              _bind(self._retry, active, item.id), once=True)

    # -- queues

    def submit(self, scenario: str, kind: str, action: Callable[[], None], *, once: bool = False) -> None:
        """Queue work for a scenario and start what may start (one at a time per scenario)."""
        self._enqueue(scenario, kind, action, once=once)
        self._dispatch()

    def _enqueue(self, scenario: str, kind: str, action: Callable[[], None], *, once: bool = False) -> None:
        with self._lock:
            if once and (scenario, kind) in self._queues.kinds:
                return
            self._queues.kinds.add((scenario, kind))
            self._queues.pending.setdefault(scenario, deque()).append(Job(scenario, kind, action))

    def _dispatch(self) -> None:
        while not self._stopping.is_set():
            with self._lock:
                ready = [name for name, jobs in self._queues.pending.items()
                         if jobs and name not in self._queues.busy]
                if not ready:
                    return
                jobs = []
                for name in ready:
                    self._queues.busy.add(name)
                    jobs.append(self._queues.pending[name].popleft())
            for job in jobs:
                if self._pool is None:
                    self._work(job)
                else:
                    future = self._pool.submit(self._work, job)
                    with self._lock:
                        self._futures.add(future)
                    future.add_done_callback(self._finished)
            if self._pool is not None:
                return

    def _finished(self, future: Future[None]) -> None:
        with self._lock:
            self._futures.discard(future)
        if not self._stopping.is_set():
            self._dispatch()

    def _work(self, job: Job) -> None:
        try:
            job.action()
        except Exception:
            log.exception("%s: %s failed", job.scenario, job.kind)
        finally:
            with self._lock:
                self._queues.busy.discard(job.scenario)
                self._queues.kinds.discard((job.scenario, job.kind))

    # -- the work itself

    def _run_tick(self, active: Active, run_id: int, due: dt.datetime, company: int | None = None) -> None:
        scenario = active.scenario
        if company is None and scenario.companies is not None:
            fanout_jobs.split_tick(self.store, self.client_for(scenario), scenario, run_id, self.clock(),
                                   lambda company, child: self.submit(
                                       fanout_jobs.queue_key(active.name, company), "tick",
                                       _bind(self._run_tick, active, child, due, company)))
            return
        client = self.client_for(scenario, company)
        self.store.start_run(run_id, self.clock())
        local = due.astimezone(active.schedule.zone if active.schedule else dt.UTC)
        outcome = execute.run_once(scenario, client, self.clock, {"due": local.isoformat(timespec="seconds")},
                                   self.store, self._stopping)
        self._finish(run_id, outcome)

    def _finish(self, run_id: int, outcome: execute.Outcome) -> None:
        outcome.record.setdefault("ended", iso(self.clock()))
        self.store.finish_run(run_id, outcome.record)
        if not outcome.ok and (outcome.checkpoint is not None or outcome.status == "incomplete"):
            incomplete.keep(self.store, run_id, outcome, self.clock())

    def _poll_companies(self, active: Active) -> None:
        """A watch with `companies:`: a poll per company, each in its company's queue."""
        fanout_jobs.poll_companies(self.client_for(active.scenario), active.scenario, lambda company: self.submit(
            fanout_jobs.queue_key(active.name, company), "poll", _bind(self._poll, active, None, company), once=True))

    def _poll(self, active: Active, module: str | None = None, company: int | None = None,
              trigger: str | None = None) -> None:
        """A watch: one cheap look (answered 304 while nothing changed); else one run per new object, oldest first."""
        scenario = active.scenario
        client = self.client_for(scenario, company)
        key = self.position_key(scenario, client)
        saved = self.stored_position(scenario, client)
        position = cursor.last_id(saved)
        looked = execute.look(scenario, client, self.clock, cursor.etag_of(saved), module)
        if position is None:
            start = scenario.trigger.start if module is None else "now"
            if start == "now":
                self._save_position(key, looked.newest or 0, looked.etag)
                return
            position = start if isinstance(start, int) else 0
        elif not looked.changed or (looked.newest or 0) <= position:
            if looked.changed:  # something else changed (an update): remember the new digest
                self._save_position(key, position, looked.etag)
            return
        new = execute.new_objects(scenario, client, self.clock, position, module)
        limit = scenario.trigger.limit
        chosen = new[:limit] if limit else new
        for item in chosen:
            if self._stopping.is_set():
                return  # the rest stay new: the next start takes them
            self._run_item(active, client, item, position=(key, int(item["id"])),
                           trigger=trigger or ("watch" if module is None else "webhook"))
        if len(chosen) == len(new):  # all the look announced was handled: its digest may answer 304
            self._save_position(key, int(chosen[-1]["id"]) if chosen else position, looked.etag)

    def _save_position(self, key: str, last_id: int, etag: str | None) -> None:
        self.store.save_position(key, cursor.position(last_id, etag, iso(self.clock())))

    def _start_check(self, active: Active) -> None:
        """A webhook scenario starts from what there is now: the newest object (creates) or every object's
        version (updates, deletes), so the nightly check finds only what changed after it was loaded."""
        client = self.client_for(active.scenario)
        key = self.position_key(active.scenario, client)
        event = active.scenario.trigger.event
        if nightly.verb_of(event) == "create":
            if cursor.last_id(self.stored_position(active.scenario, client)) is None:
                looked = execute.look(active.scenario, client, self.clock, None, self._event_module(active))
                self._save_position(key, looked.newest or 0, looked.etag)
        elif self.store.known_versions(key) is None:
            self.store.set_versions(key, nightly.versions(client, self._event_module(active)), self.clock())

    def _nightly(self, active: Active) -> None:
        """The nightly full check: run once per change no event announced."""
        if nightly.verb_of(active.scenario.trigger.event) == "create":
            self._poll(active, self._event_module(active), trigger="nightly")
        else:
            self._check_versions(active)

    def _check_versions(self, active: Active) -> None:
        """Missed updates (another version) and deletes (ids gone), each run once, oldest id first."""
        scenario = active.scenario
        event = scenario.trigger.event or ""
        client = self.client_for(scenario)
        key = self.position_key(scenario, client)
        current = nightly.versions(client, self._event_module(active))
        for object_id in nightly.missed(nightly.verb_of(event), self.store.known_versions(key) or {}, current):
            if self._stopping.is_set():
                return  # the map stays as it was: the next check finds the rest again
            self._run_item(active, client, self._current(client, event, object_id), position=None, trigger="nightly")
            self._handled(key, client, event, object_id, current)
        self.store.set_versions(key, current, self.clock())

    def _handled(self, key: str, client: Tripletex, event: str, object_id: int,
                 current: dict[int, int | None] | None = None) -> None:
        """Record a change as handled: the version after the run (which may have changed it), or the id gone."""
        if nightly.verb_of(event) == "delete":
            self.store.set_version(key, object_id, None, gone=True)
            if current is not None:
                current.pop(object_id, None)
            return
        version = nightly.version_now(client, event, object_id)
        self.store.set_version(key, object_id, version)
        if current is not None and object_id in current:
            current[object_id] = version

    def _run_item(self, active: Active, client: Tripletex, item: Any, *, position: tuple[str, int] | None,
                  trigger: str) -> None:
        """Claim the item (the position moves with the run's start, in one transaction), run it, record it."""
        scenario = active.scenario
        run_id = self.store.begin_run(scenario.name, file=scenario.source, connection=execute.connection_of(client),
                                      trigger=trigger, started=self.clock(), trigger_item=item, position=position,
                                      company=execute.company_of(client))
        outcome = execute.run_once(scenario, client, self.clock, item, self.store, self._stopping)
        outcome.record.setdefault("ended", iso(self.clock()))
        self.store.finish_run(run_id, outcome.record)
        if not outcome.ok:  # the position moved on: keep the item, to be resumed or discarded
            incomplete.keep(self.store, run_id, outcome, self.clock())

    def _event(self, active: Active, event: dict[str, Any]) -> None:
        """A webhook delivery: a create wakes the watch of new objects, others run with the object as it is now."""
        try:
            name = str(event["event"])
            if self.remote is not None:
                self._signal(active, event)
            elif nightly.verb_of(name) == "create" and nightly.checkable(name):
                self._poll(active, self._event_module(active))
            else:
                self._changed(active, name, event["object_id"])
        finally:
            self.store.event_done(event["id"])

    def _changed(self, active: Active, event: str, object_id: Any) -> None:
        """An update or delete (or an event of no listable object): one run, unless this version was handled."""
        client = self.client_for(active.scenario)
        item = self._current(client, event, object_id)
        checked = nightly.checkable(event) and isinstance(object_id, int)
        key = self.position_key(active.scenario, client)
        if checked and nightly.verb_of(event) == "update":
            known = self.store.known_versions(key) or {}
            version = item.get("version") if isinstance(item, dict) else None
            if isinstance(version, int) and known.get(object_id) == version:
                return  # handled already: by the nightly check, an earlier delivery, or the scenario's own write
        self._run_item(active, client, item, position=None, trigger="webhook")
        if checked:
            self._handled(key, client, event, object_id)

    def _signal(self, active: Active, event: dict[str, Any]) -> None:
        """Hand a delivery to Temporal: the object as it is now, to the watch workflow of its company."""
        client = self.client_for(active.scenario)
        company = next((s["company_id"] for s in self.store.subscriptions() if s["id"] == event["subscription"]
                        and event.get("connection") in (None, s["connection"])), client.settings.company_id)
        item = self._current(client, str(event["event"]), event["object_id"])
        self.remote.event(active.scenario, client, company, f"event-{event['id']}", item)

    def _event_module(self, active: Active) -> str:
        module = nightly.module_of(active.scenario.trigger.event, "search")
        assert module is not None
        return module

    def _current(self, client: Tripletex, event: str, object_id: Any) -> Any:
        """The object an event names, read now (deliveries may skip versions); {id} when it is gone."""
        from ..core.errors import TripletexError
        from ..scenario.runner import plain

        module = nightly.module_of(event, "get")
        if event.endswith(".delete") or not isinstance(object_id, int) or module is None:
            return {"id": object_id}
        try:
            return plain(client.invoke(module, {"id": object_id}))
        except (TripletexError, KeyError):
            return {"id": object_id}

    def _retry(self, active: Active, incomplete_id: int, automatic: bool = True) -> None:
        item = self.store.get_incomplete(incomplete_id)
        if item is None or item.state != "open":
            return
        incomplete.resume(self.store, item, active.scenario, self.client_for(active.scenario, item.company),
                          self.clock, automatic=automatic, stop=self._stopping)

    def request_resume(self, incomplete_id: int) -> None:
        """Resume an incomplete execution by hand, in its scenario's queue (so it never overlaps a run)."""
        item = self.store.get_incomplete(incomplete_id)
        if item is None or item.state != "open":
            raise LookupError(f"no open incomplete execution {incomplete_id}")
        active = self.by_name(item.scenario)
        if active is None:
            raise LookupError(f"the scenario {item.scenario!r} of incomplete execution {incomplete_id} is not loaded")
        self._enqueue(fanout_jobs.queue_key(active.name, item.company), f"retry{incomplete_id}",
                      _bind(self._retry, active, incomplete_id, False), once=True)
        self._dispatch()

    def _scenario_of_subscription(self, subscription: int, connection: str | None = None) -> Active | None:
        for sub in self.store.subscriptions():
            if sub["id"] == subscription and connection in (None, sub["connection"]):
                return self.by_name(sub["scenario"])
        return None

    def position_key(self, scenario: Scenario, client: Tripletex) -> str:
        """The store key of a watch position: scenario file, connection (base URL and a hash of the credential,
        never a token) and company; the key `ttx run` keeps the same watch under."""
        from ..scenario.runner import connection_key
        from ..scenario.triggers import watch_key

        return watch_key(scenario.source, connection_key(client))

    def stored_position(self, scenario: Scenario, client: Tripletex) -> dict[str, Any] | None:
        """The watch position, or the one kept under the connection's name before positions were per company."""
        found = self.store.load_position(self.position_key(scenario, client))
        return found if found is not None else execute.runner_for(scenario, client, self.clock,
                                                                  self.store).legacy_position()

    # -- listing

    def listing(self, now: dt.datetime | None = None) -> list[dict[str, Any]]:
        """Each scenario file: name, trigger, next and last run, or why it is skipped."""
        now = now or self.clock()
        last = self.store.last_runs()
        rows: list[dict[str, Any]] = []
        for path, active in sorted(self.active.items()):
            upcoming = self.next_run(active, now)
            previous = last.get(active.name)
            rows.append({"file": path.name, "scenario": active.name, "trigger": self.describe(active),
                         "next_run": upcoming.astimezone(self._zone(active)).isoformat(timespec="minutes")
                         if upcoming else None,
                         "last_run": previous["started"] if previous else None,
                         "last_status": previous["status"] if previous else None})
        for path, problems in sorted(self.broken.items()):
            rows.append({"file": path.name, "scenario": None, "trigger": "skipped: " + "; ".join(problems),
                         "next_run": None, "last_run": None, "last_status": None})
        return rows

    def _zone(self, active: Active) -> dt.tzinfo:
        if active.schedule is not None:
            return active.schedule.zone
        return Schedule(cron=NIGHTLY).zone if active.scenario.trigger.type == "webhook" else dt.UTC


def _bind(action: Callable[..., None], *args: Any) -> Callable[[], None]:
    return functools.partial(action, *args)
