"""Catalog entries of projects: projects, the activities linked to them, and the employees (read-only) that
manage projects and register hours."""

from __future__ import annotations

from .build import ALL_KINDS, batch, boolean, crud, date_range, ids, text
from .types import Kind, Operation, Param, ParamType

K = Kind


def _rule(name: str, kind: ParamType, help: str, default: bool | None = None) -> Param:
    """A search parameter whose meaning the sandbox's project rules implement."""
    return Param(name, kind, help=help, default=default, field=name, match="rule")


PROJECTS = crud(
    key="project", resource="projects", group="Projects", path="/project", model="Project", noun="Project",
    plural="Projects", kinds=ALL_KINDS, beta=(K.UPDATE, K.DELETE),
    search_params=(
        ids("id"),
        text("name", "Containing", match="contains"),
        text("number", "Equals", match="eq"),
        boolean("isOffer", "Equals"),
        ids("projectManagerId"),
        _rule("customerAccountManagerId", "ids", "The customer's account manager: list of employee IDs"),
        _rule("employeeInProjectId", "ids", "Project manager or participant: list of employee IDs"),
        ids("departmentId"),
        *date_range("startDate"),
        *date_range("endDate"),
        boolean("isClosed", "Equals"),
        boolean("isFixedPrice", "Equals"),
        ids("customerId"),
        text("externalAccountsNumber", "Equals", match="eq"),
        _rule("includeRecentlyClosed", "boolean", "Include recently closed projects (ignored by the local sandbox)",
              default=False),
    ),
    summaries={K.CREATE: "Create a project: name, project manager and start date are required."},
)

PROJECT_ACTIVITIES = crud(
    key="project_activity", resource="project_activities", group="Project Activities",
    path="/project/projectActivity", model="ProjectActivity", noun="Project Activity",
    plural="Project Activities", kinds=(K.CREATE, K.GET, K.DELETE), make_module=False,
    summaries={K.CREATE: "Link an activity to a project, so hours can be registered on it there."},
)

EMPLOYEES = crud(
    key="employee", resource="employees", group="Employees", path="/employee", model="Employee",
    noun="Employee", plural="Employees", kinds=(K.GET, K.SEARCH), make_module=False,
    search_params=(
        ids("id"),
        text("firstName", "Containing", match="contains"),
        text("lastName", "Containing", match="contains"),
        text("employeeNumber", "Containing", match="contains"),
        text("email", "Containing", match="contains"),
        _rule("allowInformationRegistration", "boolean", "Equals (every sandbox employee allows it)"),
        _rule("includeContacts", "boolean", "Include contacts (external persons)", default=False),
        ids("departmentId"),
        _rule("onlyProjectManagers", "boolean", "Only employees who manage a project"),
        _rule("onlyContacts", "boolean", "Only contacts (external persons)"),
        _rule("assignableProjectManagers", "boolean", "Only employees who may manage projects"),
        _rule("periodStart", "date", "Employed at or after (ignored by the local sandbox)"),
        _rule("periodEnd", "date", "Employed before (ignored by the local sandbox)"),
        _rule("hasSystemAccess", "boolean", "Only employees with a login (every sandbox employee has one)"),
        _rule("onlyEmployeeTokens", "boolean", "Only API employee tokens (none in the local sandbox)"),
    ),
)

BATCHES = [
    *batch(key="project", resource="projects", group="Projects", path="/project", model="Project", plural="Projects",
           kinds=(K.CREATE, K.UPDATE, K.DELETE), beta=True),
    *batch(key="project_activity", resource="project_activities", group="Project Activities",
           path="/project/projectActivity", model="ProjectActivity", plural="Project Activities", kinds=(K.DELETE,)),
]

OPERATIONS: list[Operation] = [*PROJECTS, *PROJECT_ACTIVITIES, *EMPLOYEES, *BATCHES]
