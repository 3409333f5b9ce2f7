"""Schedules: cron, every and at, in Oslo time across daylight-saving changes, and the catch-up policies."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from tripletex_connect.scenario import ScenarioError, load_scenario
from tripletex_connect.scenario.schedule import Schedule, parse_schedule, to_fire

UTC = dt.UTC


def fires(spec: dict[str, object], start: dt.datetime, days: int) -> list[str]:
    schedule = parse_schedule(spec)
    return [t.strftime("%a %m-%d %H:%M") for t in schedule.due(start, start + dt.timedelta(days=days))]


def test_cron_fires_at_seven_oslo_time_on_weekdays_across_the_spring_change() -> None:
    # Oslo moves from UTC+1 to UTC+2 on Sunday 2026-03-29: 07:00 is 06:00 UTC before, 05:00 UTC after.
    assert fires({"cron": "0 7 * * mon-fri"}, dt.datetime(2026, 3, 26, 12, tzinfo=UTC), 6) == [
        "Fri 03-27 06:00", "Mon 03-30 05:00", "Tue 03-31 05:00", "Wed 04-01 05:00"]


def test_a_time_of_day_that_occurs_twice_in_autumn_fires_once() -> None:
    assert fires({"at": "02:30"}, dt.datetime(2026, 10, 24, 12, tzinfo=UTC), 2) == [
        "Sun 10-25 00:30", "Mon 10-26 01:30"]


def test_a_time_of_day_missing_in_spring_fires_an_hour_on() -> None:
    assert fires({"at": "02:30"}, dt.datetime(2026, 3, 28, 12, tzinfo=UTC), 2) == [
        "Sun 03-29 01:30", "Mon 03-30 00:30"]


def test_an_hourly_cron_keeps_firing_through_the_repeated_hour() -> None:
    assert len(fires({"cron": "0 * * * *"}, dt.datetime(2026, 10, 24, 22, tzinfo=UTC), 1)) == 24


def test_at_with_days_is_a_cron_on_those_days() -> None:
    assert parse_schedule({"at": "07:30", "days": ["mon", "friday"]}).cron == "30 7 * * mon,fri"


def test_every_runs_on_a_fixed_grid() -> None:
    schedule = parse_schedule({"every": "15m"})
    assert schedule.next_after(dt.datetime(2026, 11, 25, 9, 7, 30, tzinfo=UTC)) == dt.datetime(
        2026, 11, 25, 9, 15, tzinfo=UTC)


@pytest.mark.parametrize(("policy", "expected"), [("none", []), ("one", ["09:00"]),
                                                   ("all", ["07:00", "08:00", "09:00"])])
def test_ticks_missed_while_down_follow_the_catch_up_policy(policy: str, expected: list[str]) -> None:
    schedule = Schedule(cron="0 * * * *", timezone="UTC")
    last = dt.datetime(2026, 11, 25, 6, 0, tzinfo=UTC)
    now = dt.datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
    assert [t.strftime("%H:%M") for t in to_fire(schedule, last, now, policy)] == expected  # type: ignore[arg-type]


def test_an_on_time_tick_fires_whatever_the_policy() -> None:
    schedule = Schedule(cron="0 * * * *", timezone="UTC")
    last = dt.datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
    now = dt.datetime(2026, 11, 25, 9, 0, 5, tzinfo=UTC)
    assert [t.hour for t in to_fire(schedule, last, now, "none")] == [9]


@pytest.mark.parametrize(("trigger", "message"), [
    ("{type: schedule, cron: '61 7 * * *'}", "not a cron expression"),
    ("{type: schedule, at: '25:00'}", "time of day"),
    ("{type: schedule, at: '07:00', days: [someday]}", "unknown day"),
    ("{type: schedule, cron: '0 7 * * *', every: 15m}", "exactly one"),
    ("{type: schedule}", "exactly one of `cron`, `every` or `at`"),
    ("{type: schedule, every: 1h, catch_up: sometimes}", "none, one or all"),
    ("{type: webhook}", "needs `event`"),
    ("{type: watch, module: customer.search, cron: '0 7 * * *'}", "belongs to a schedule"),
])
def test_a_bad_schedule_or_webhook_trigger_is_reported_with_its_line(
    tmp_path: Path, trigger: str, message: str
) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(f"name: s\ntrigger: {trigger}\nsteps:\n  - id: a\n    module: customer.search\n", "utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    rendered = [p.render(str(path)) for p in caught.value.problems]
    assert any(message in text and ":2:" in text for text in rendered), rendered


def test_schedule_and_webhook_triggers_load(write: Callable[[str, str], Path]) -> None:
    cron = load_scenario(write("a.yaml", """
        name: a
        trigger: {type: schedule, cron: "0 7 * * mon-fri", catch_up: all}
        steps: [{id: a, module: customer.search, params: {customerName: "{{ trigger.due }}"}}]
        """))
    assert cron.trigger.cron == "0 7 * * mon-fri" and cron.trigger.catch_up == "all"
    hook = load_scenario(write("b.yaml", """
        name: b
        trigger: {type: webhook, event: customer.create}
        steps: [{id: a, module: customer.get, params: {id: "{{ trigger.id }}"}}]
        """))
    assert hook.trigger.event == "customer.create"
