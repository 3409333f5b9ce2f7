"""Rules of projects, the activities linked to them, and the employee searches that refer to projects."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..context import Ctx
from ..errors import invalid
from ..query import id_list
from ..store import Row, Tx, table_name
from . import Rules
from .integrity import refuse_delete_if_used

NOT_LINKED = "Aktiviteten kan ikke benyttes på dette prosjektet: den er ikke knyttet til prosjektet."


def _ref_id(value: Any) -> int | None:
    ref = value.get("id") if isinstance(value, dict) else None
    return ref if isinstance(ref, int) and not isinstance(ref, bool) else None


def _ids_param(params: Mapping[str, str], name: str) -> list[int]:
    raw = params.get(name, "").strip()
    if not raw:
        return []
    try:
        return id_list(raw)
    except ValueError:
        raise invalid([(name, f"Ugyldig id: {raw!r}.")], code=21000) from None


def _in(ids: list[int]) -> str:
    return ", ".join("?" * len(ids))


def is_linked(tx: Tx, ctx: Ctx, project_id: int, activity_id: int) -> bool:
    """Whether an activity is linked to a project (a project activity of it)."""
    return any(_ref_id(link.data.get("activity")) == activity_id
               for link in tx.find(ctx.company_id, "ProjectActivity", "project.id", project_id))


class ProjectRules(Rules):
    """Name, project manager and start date required; numbers assigned and unique; dates in order."""

    required = ("name", "projectManager", "startDate")

    def on_create(self, tx: Tx, ctx: Ctx, data: dict[str, Any]) -> None:
        """Assign the next free number when none is given; default the flags; check the values."""
        super().on_create(tx, ctx, data)
        for flag in ("isClosed", "isOffer", "isFixedPrice", "isReadyForInvoicing"):
            data.setdefault(flag, False)
        data.setdefault("currency", {"id": 1})
        number = str(data.get("number") or "")
        if not number:
            number = str(tx.next_value(ctx.company_id, "projectNumber"))
            while tx.find(ctx.company_id, "Project", "number", number):
                number = str(tx.next_value(ctx.company_id, "projectNumber"))
        elif number.isdigit():
            tx.bump(ctx.company_id, "projectNumber", int(number))
        data["number"] = number
        self._check(tx, ctx, data, None)

    def on_update(self, tx: Tx, ctx: Ctx, old: Row, data: dict[str, Any]) -> None:
        """Keep the number unique and the values consistent."""
        super().on_update(tx, ctx, old, data)
        self._check(tx, ctx, data, old.id)

    def after_create(self, tx: Tx, ctx: Ctx, row: Row) -> None:
        """Tie the project activities created inline with the project to it."""
        for ref in row.data.get("projectActivities") or []:
            link = tx.get(ctx.company_id, "ProjectActivity", _ref_id(ref) or 0)
            if link is not None:
                tx.replace(ctx.company_id, "ProjectActivity", link, {**link.data, "project": {"id": row.id}}, ctx.now)

    def on_delete(self, tx: Tx, ctx: Ctx, row: Row) -> None:
        """A project with registered hours, orders or postings cannot be deleted."""
        refuse_delete_if_used(tx, ctx, "Project", row)

    def filters(self, params: Mapping[str, str]) -> list[tuple[str, list[Any]]]:
        """The customer's account manager, and the employees in a project (manager or participant)."""
        out: list[tuple[str, list[Any]]] = []
        managers = _ids_param(params, "customerAccountManagerId")
        if managers:
            out.append((
                f"json_extract(data, '$.customer.id') IN (SELECT c.id FROM {table_name('Customer')} AS c "
                "WHERE c.company_id = objects.company_id AND json_extract(c.data, '$.accountManager.id') "
                f"IN ({_in(managers)}))", managers))
        people = _ids_param(params, "employeeInProjectId")
        if people:
            out.append((
                f"(json_extract(data, '$.projectManager.id') IN ({_in(people)}) OR EXISTS (SELECT 1 FROM "
                f"json_each(objects.data, '$.participants') AS p JOIN {table_name('ProjectParticipant')} AS pp "
                "ON pp.company_id = objects.company_id AND pp.id = json_extract(p.value, '$.id') "
                f"WHERE json_extract(pp.data, '$.employee.id') IN ({_in(people)})))", people + people))
        return out

    @staticmethod
    def _check(tx: Tx, ctx: Ctx, data: dict[str, Any], own: int | None) -> None:
        problems: list[tuple[str | None, str]] = []
        number = data.get("number")
        if number and any(r.id != own for r in tx.find(ctx.company_id, "Project", "number", number)):
            problems.append(("number", f"Prosjektnummeret {number} er i bruk."))
        end, start = data.get("endDate"), data.get("startDate")
        if end and start and end < start:
            problems.append(("endDate", "Sluttdato kan ikke være før startdato."))
        if data.get("fixedprice") and not data.get("isFixedPrice"):
            problems.append(("fixedprice", "Fastpris kan bare settes på et fastprisprosjekt (isFixedPrice)."))
        if problems:
            raise invalid(problems)


class ProjectActivityRules(Rules):
    """An activity is linked to a project once; the link makes it usable for hours on that project."""

    required = ("project", "activity")

    def on_create(self, tx: Tx, ctx: Ctx, data: dict[str, Any]) -> None:
        """Refuse a second link of the same activity, and a general activity (usable without a project)."""
        super().on_create(tx, ctx, data)
        project, activity = _ref_id(data.get("project")) or 0, _ref_id(data.get("activity")) or 0
        row = tx.get(ctx.company_id, "Activity", activity)
        if row is not None and row.data.get("isGeneral"):
            raise invalid([("activity.id", "En generell aktivitet kan ikke knyttes til et prosjekt.")])
        if is_linked(tx, ctx, project, activity):
            raise invalid([("activity.id", "Aktiviteten er allerede knyttet til prosjektet.")])
        data.setdefault("isClosed", False)

    def after_create(self, tx: Tx, ctx: Ctx, row: Row) -> None:
        """Add the link to its project's list of project activities."""
        project = tx.get(ctx.company_id, "Project", _ref_id(row.data.get("project")) or 0)
        if project is not None:
            links = [*(project.data.get("projectActivities") or []), {"id": row.id}]
            tx.replace(ctx.company_id, "Project", project, {**project.data, "projectActivities": links}, ctx.now)

    def on_delete(self, tx: Tx, ctx: Ctx, row: Row) -> None:
        """A link with hours registered on it stays; otherwise it leaves its project's list."""
        project_id, activity_id = _ref_id(row.data.get("project")), _ref_id(row.data.get("activity"))
        if any(_ref_id(e.data.get("activity")) == activity_id
               for e in tx.find(ctx.company_id, "TimesheetEntry", "project.id", project_id)):
            raise invalid([(None, "Det er registrert timer på aktiviteten i prosjektet; koblingen kan ikke slettes.")])
        project = tx.get(ctx.company_id, "Project", project_id or 0)
        if project is not None:
            links = [ref for ref in project.data.get("projectActivities") or [] if _ref_id(ref) != row.id]
            tx.replace(ctx.company_id, "Project", project, {**project.data, "projectActivities": links}, ctx.now)


ACTIVITY_TYPES = ("GENERAL_ACTIVITY", "PROJECT_GENERAL_ACTIVITY", "TASK")


class ActivityRules(Rules):
    """Name and type required; the flags follow the type; project-specific activities come through projects."""

    required = ("name", "activityType")

    def on_create(self, tx: Tx, ctx: Ctx, data: dict[str, Any]) -> None:
        """Check the type and number, and derive what Tripletex derives from the type."""
        super().on_create(tx, ctx, data)
        kind = data["activityType"]
        if kind == "PROJECT_SPECIFIC_ACTIVITY":
            raise invalid([("activityType", "En prosjektspesifikk aktivitet opprettes gjennom prosjektet "
                                            "(/project/projectActivity).")])
        if kind not in ACTIVITY_TYPES:
            raise invalid([("activityType", f"Ugyldig aktivitetstype: {kind!r}.")])
        number = data.get("number")
        if number and tx.find(ctx.company_id, "Activity", "number", number):
            raise invalid([("number", f"Aktivitetsnummeret {number} er i bruk.")])
        data.update(isGeneral=kind == "GENERAL_ACTIVITY", isProjectActivity=kind.startswith("PROJECT_"),
                    isTask=kind == "TASK", isDisabled=False)
        for name, default in (("isChargeable", False), ("rate", 0.0), ("costPercentage", 0.0), ("description", "")):
            data.setdefault(name, default)
        data.setdefault("displayName", data["name"])


def _flag(params: Mapping[str, str], name: str) -> bool | None:
    value = params.get(name, "").strip().lower()
    if value not in ("", "true", "false"):
        raise invalid([(name, f"Ugyldig verdi: {params[name]!r}.")], code=21000)
    return None if not value else value == "true"


class EmployeeRules(Rules):
    """Contacts are left out unless asked for; `onlyProjectManagers` keeps the managers of a project."""

    def filters(self, params: Mapping[str, str]) -> list[tuple[str, list[Any]]]:
        """Contacts and project managers as conditions on the stored employees."""
        out: list[tuple[str, list[Any]]] = []
        contact = "IFNULL(json_extract(data, '$.isContact'), 0)"
        if _flag(params, "onlyContacts"):
            out.append((f"{contact} = 1", []))
        elif not _flag(params, "includeContacts"):
            out.append((f"{contact} = 0", []))
        if _flag(params, "onlyProjectManagers"):
            out.append((f"id IN (SELECT json_extract(p.data, '$.projectManager.id') FROM {table_name('Project')} "
                        "AS p WHERE p.company_id = objects.company_id)", []))
        if _flag(params, "onlyEmployeeTokens"):
            out.append(("0 = 1", []))
        return out


RULES: dict[str, Rules] = {
    "Project": ProjectRules(), "ProjectActivity": ProjectActivityRules(), "Employee": EmployeeRules(),
    "Activity": ActivityRules(),
}
