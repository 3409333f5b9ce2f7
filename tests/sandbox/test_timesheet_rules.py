"""Hours as the real API takes them: one entry per employee, date, activity and project, within the project's
dates; new activities; the running time clock."""

from __future__ import annotations

from typing import Any

import pytest

from tests.sandbox.conftest import Api
from tests.sandbox.rules_helpers import by_field, messages
from tripletex_connect import NotFoundError, Tripletex, ValidationError

PROJECT_WORK, GENERAL = 2, 1  # seeded activities: "Prosjektarbeid" (project activity), "Administrasjon"


def post(api: Api, path: str, body: Any) -> Any:
    return api.http.post("/v2" + path, json=body, headers=api.auth)


def project(api: Api, **changes: Any) -> int:
    body = {"name": "Lager", "projectManager": {"id": api.company.employee_id}, "startDate": "2026-11-01",
            "projectActivities": [{"activity": {"id": PROJECT_WORK}}], **changes}
    answer = post(api, "/project", body)
    assert answer.status_code == 201, answer.text
    return int(answer.json()["value"]["id"])


def entry(api: Api, project_id: int | None, **changes: Any) -> dict[str, Any]:
    return {"employee": {"id": api.company.employee_id}, "activity": {"id": PROJECT_WORK},
            **({"project": {"id": project_id}} if project_id else {}), "date": "2026-11-20", "hours": 2.0, **changes}


def test_a_second_entry_for_the_same_employee_date_activity_and_project_is_refused(api: Api) -> None:
    first = project(api)
    assert post(api, "/timesheet/entry", entry(api, first)).status_code == 201
    again = post(api, "/timesheet/entry", entry(api, first, hours=1.0))
    assert again.status_code == 422
    assert "bare én føring" in messages(again.json())["date"]
    other = project(api, name="Annet")
    assert post(api, "/timesheet/entry", entry(api, other)).status_code == 201  # another project: fine
    assert post(api, "/timesheet/entry", entry(api, first, date="2026-11-21")).status_code == 201  # another day


def test_an_entry_cannot_be_moved_onto_another_entrys_combination(api: Api) -> None:
    first = project(api)
    post(api, "/timesheet/entry", entry(api, first))
    moved = post(api, "/timesheet/entry", entry(api, first, date="2026-11-21")).json()["value"]
    answer = api.http.put(f"/v2/timesheet/entry/{moved['id']}", json={"date": "2026-11-20"}, headers=api.auth)
    assert answer.status_code == 422


def test_no_hours_before_the_projects_start_date(api: Api) -> None:
    later = project(api, startDate="2026-11-15", number="P-15")
    answer = post(api, "/timesheet/entry", entry(api, later, date="2026-11-14"))
    assert answer.status_code == 422
    message = messages(answer.json())["date"]
    assert message.startswith("Startdato for prosjektet P-15") and "kan ikke registreres timer før" in message
    assert post(api, "/timesheet/entry", entry(api, later, date="2026-11-15")).status_code == 201


def test_no_hours_after_the_projects_end_date(api: Api) -> None:
    ended = project(api, endDate="2026-11-10")
    answer = post(api, "/timesheet/entry", entry(api, ended, date="2026-11-11"))
    assert answer.status_code == 422
    assert "etter denne datoen" in messages(answer.json())["date"]
    assert post(api, "/timesheet/entry", entry(api, ended, date="2026-11-10")).status_code == 201


def test_a_time_clock_is_not_started_on_a_project_before_its_start(api: Api) -> None:
    later = project(api, startDate="2026-12-01")
    answer = api.http.put("/v2/timesheet/timeClock/:start", headers=api.auth,
                          params={"activityId": PROJECT_WORK, "projectId": later, "date": "2026-11-25"})
    assert answer.status_code == 422


def test_post_activity_creates_an_activity_with_the_flags_of_its_type(api: Api) -> None:
    answer = post(api, "/activity", {"name": "Kurs", "activityType": "GENERAL_ACTIVITY", "isChargeable": True})
    assert answer.status_code == 201, answer.text
    made = answer.json()["value"]
    assert (made["isGeneral"], made["isProjectActivity"], made["isTask"], made["isChargeable"]) == (
        True, False, False, True)
    hours = post(api, "/timesheet/entry", {**entry(api, None), "activity": {"id": made["id"]}})
    assert hours.status_code == 201, hours.text
    found = api.get("/activity", name="Kurs").json()["values"]  # type: ignore[attr-defined]
    assert [a["id"] for a in found] == [made["id"]]


def test_post_activity_needs_a_name_and_a_type_and_refuses_project_specific_ones(api: Api) -> None:
    missing = post(api, "/activity", {"description": "uten navn"})
    assert missing.status_code == 422 and {"name", "activityType"} <= set(messages(missing.json()))
    specific = post(api, "/activity", {"name": "X", "activityType": "PROJECT_SPECIFIC_ACTIVITY"})
    assert specific.status_code == 422 and "projectActivity" in messages(specific.json())["activityType"]


def test_the_present_time_clock_is_the_running_one_and_404_when_none_runs(api: Api) -> None:
    assert api.get("/timesheet/timeClock/present").status_code == 404  # type: ignore[attr-defined]
    started = api.http.put("/v2/timesheet/timeClock/:start", params={"activityId": GENERAL}, headers=api.auth)
    assert started.status_code == 200, started.text
    present = api.get("/timesheet/timeClock/present", fields="id,activity(name)")
    assert present.status_code == 200, present.text  # type: ignore[attr-defined]
    value = present.json()["value"]  # type: ignore[attr-defined]
    assert value == {"id": started.json()["value"]["id"], "activity": {"name": "Administrasjon"}}
    other = api.get("/timesheet/timeClock/present", employeeId=api.company.employee_id + 1000)
    assert other.status_code == 404  # type: ignore[attr-defined]


def test_the_sdk_creates_activities_and_reads_the_present_clock(tx: Tripletex) -> None:
    task = tx.activities.create({"name": "Oppgave", "activityType": "TASK"})
    assert task.is_task and not task.is_general
    general = tx.activities.create({"name": "Intern", "activityType": "GENERAL_ACTIVITY"})
    with pytest.raises(NotFoundError):
        tx.time_clocks.present()
    clock = tx.time_clocks.start(activity_id=general.id)
    assert tx.time_clocks.present().id == clock.id
    tx.time_clocks.stop(clock.id)
    with pytest.raises(NotFoundError):
        tx.time_clocks.present()


def test_the_sdk_sees_the_duplicate_entry_refused(tx: Tripletex) -> None:
    me = tx.employees.search(first_name="Ola").first()
    assert me is not None
    body = {"employee": {"id": me.id}, "activity": {"id": GENERAL}, "date": "2026-11-20", "hours": 1.0}
    tx.timesheet_entries.create(body)
    with pytest.raises(ValidationError) as refused:
        tx.timesheet_entries.create(body)
    assert refused.value.status == 422 and "date" in by_field(refused.value)
