"""When a schedule trigger fires (a pure calculation; `ttx serve` keeps the ticks): cron expressions
(croniter), fixed intervals and times of day, in the scenario's time zone (Europe/Oslo unless it says
otherwise), across daylight-saving changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter

if TYPE_CHECKING:
    from .model import Scenario

DEFAULT_TIMEZONE = "Europe/Oslo"
CatchUp = Literal["none", "one", "all"]
CATCH_UP: tuple[CatchUp, ...] = ("none", "one", "all")
GRACE = dt.timedelta(seconds=90)
"""A tick this late is still on time (the service's own loop, a slow run); older ones were missed while down."""
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Schedule:
    """A schedule: `cron` (5 fields), `every` (seconds, on a fixed grid) or `at` times on some `days`."""

    cron: str | None = None
    every: float | None = None
    timezone: str = DEFAULT_TIMEZONE

    @property
    def zone(self) -> ZoneInfo:
        """The time zone the schedule's times of day are in."""
        return ZoneInfo(self.timezone)

    def describe(self) -> str:
        """The schedule in a few words, for listings."""
        if self.cron is not None:
            return f"cron {self.cron} ({self.timezone})"
        return f"every {format_seconds(self.every or 0)}"

    def next_after(self, moment: dt.datetime) -> dt.datetime:
        """The first time strictly after `moment` at which the schedule fires (aware, UTC)."""
        if self.cron is not None:
            return self._next_cron(self.cron, moment)
        assert self.every is not None
        elapsed = (moment - _EPOCH).total_seconds()
        steps = int(elapsed // self.every) + 1
        return _EPOCH + dt.timedelta(seconds=steps * self.every)

    def _next_cron(self, cron: str, moment: dt.datetime) -> dt.datetime:
        if cron.split()[1].startswith("*"):  # every hour (or every n hours): by real time, as cron daemons do
            following: dt.datetime = croniter(cron, moment.astimezone(self.zone)).get_next(dt.datetime)
            return following.astimezone(dt.UTC)
        # A time of day walks wall-clock times: one that occurs twice (autumn) fires once, at its first
        # occurrence; one that does not exist (spring) fires at the same instant one hour on.
        walk = croniter(cron, moment.astimezone(self.zone).replace(tzinfo=None))
        for _ in range(1000):
            wall: dt.datetime = walk.get_next(dt.datetime)
            candidate = wall.replace(tzinfo=self.zone).astimezone(dt.UTC)
            if candidate > moment:
                return candidate
        raise ValueError(f"cron {cron!r} never fires after {moment.isoformat()}")

    def due(self, after: dt.datetime, until: dt.datetime, *, cap: int = 10_000) -> Iterator[dt.datetime]:
        """Every firing time in (after, until], oldest first (at most `cap` of them)."""
        moment = after
        for _ in range(cap):
            moment = self.next_after(moment)
            if moment > until:
                return
            yield moment


def to_fire(schedule: Schedule, last: dt.datetime, now: dt.datetime, catch_up: CatchUp) -> list[dt.datetime]:
    """The ticks to run now, given the last one claimed: on-time ticks always, missed ones by the policy.

    `none` drops ticks missed while the service was down, `one` runs the latest of them once, `all` runs each.
    """
    due = list(schedule.due(last, now))
    missed = [t for t in due if now - t > GRACE]
    on_time = [t for t in due if now - t <= GRACE]
    if catch_up == "all":
        return missed + on_time
    if catch_up == "one" and missed and not on_time:
        return missed[-1:]
    return on_time


def schedule_of(scenario: Scenario) -> Schedule | None:
    """The schedule of a scenario's trigger (in the scenario's `timezone`), or None for other triggers."""
    trigger = scenario.trigger
    if trigger.type != "schedule":
        return None
    zone = getattr(scenario, "timezone", None)
    return parse_schedule({"cron": trigger.cron, "every": trigger.every, "at": trigger.at,
                           "days": list(trigger.days) or None}, zone if isinstance(zone, str) else None)


def parse_schedule(data: dict[str, Any], timezone: str | None = None) -> Schedule:
    """A Schedule from a trigger's `cron`, `every` or `at` (+ `days`); ValueError says what is wrong."""
    zone = timezone or DEFAULT_TIMEZONE
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {zone!r}; use a name such as Europe/Oslo") from None
    given = [key for key in ("cron", "every", "at") if data.get(key) is not None]
    if len(given) != 1:
        raise ValueError("a schedule needs exactly one of `cron`, `every` or `at`"
                         + (f" (it has {', '.join(given)})" if given else ""))
    if data.get("days") is not None and given != ["at"]:
        raise ValueError("`days` goes with `at`")
    if given == ["every"]:
        every = data["every"]
        if not isinstance(every, int | float):
            from .triggers import parse_duration

            every = parse_duration(every)
        return Schedule(every=float(every), timezone=zone)
    expression = str(data["cron"]) if given == ["cron"] else at_to_cron(data["at"], data.get("days"))
    if len(expression.split()) != 5 or not croniter.is_valid(expression):
        raise ValueError(f"not a cron expression of 5 fields (minute hour day month weekday): {expression!r}")
    return Schedule(cron=expression, timezone=zone)


def at_to_cron(at: Any, days: Any) -> str:
    """`at: "07:30"` (or a list of times) on `days: [mon, fri]` (default every day) as a cron expression."""
    times = at if isinstance(at, list) else [at]
    parsed = [_time_of_day(t) for t in times]
    minutes = {m for _, m in parsed}
    if len(minutes) > 1:  # cron crosses hours and minutes: keep one minute value for several hours
        raise ValueError("several `at` times must share their minutes (07:30 and 12:30), or use `cron`")
    hours = ",".join(str(h) for h in sorted({h for h, _ in parsed}))
    return f"{minutes.pop()} {hours} * * {_days(days)}"


def _time_of_day(value: Any) -> tuple[int, int]:
    text = str(value).strip()
    try:
        moment = dt.time.fromisoformat(text if len(text) > 2 else f"{text}:00")
    except ValueError:
        raise ValueError(f"`at` must be a time of day such as 07:30, got {value!r}") from None
    return moment.hour, moment.minute


def _days(days: Any) -> str:
    if days is None:
        return "*"
    names = days if isinstance(days, list) else [days]
    out = []
    for name in names:
        key = str(name).strip().lower()[:3]
        if key not in DAYS:
            raise ValueError(f"unknown day {name!r}; use mon, tue, wed, thu, fri, sat or sun")
        out.append(key)
    return ",".join(out) or "*"


def format_seconds(seconds: float) -> str:
    """15m, 1h, 30s, 2d."""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"
