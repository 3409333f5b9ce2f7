"""Catalog entries of a company's reference data outside the ledger: currencies, countries, departments and
activities (read-only here except new activities; they are not Make modules)."""

from __future__ import annotations

from .build import batch, boolean, crud, ids, text
from .types import Kind, Operation, Param

K = Kind
READ = (K.GET, K.SEARCH)

CURRENCIES = crud(
    key="currency", resource="currencies", group="Currencies", path="/currency", model="Currency",
    noun="Currency", plural="Currencies", kinds=READ, make_module=False,
    search_params=(ids("id"), text("code", "Currency codes", match="in")),
)

COUNTRIES = crud(
    key="country", resource="countries", group="Countries", path="/country", model="Country",
    noun="Country", plural="Countries", kinds=READ, make_module=False,
    search_params=(
        ids("id"),
        text("code", "ISO 3166-1 alpha-2 codes", field="isoAlpha2Code", match="in"),
        Param("isDisabled", "boolean", help="Equals", field="isDisabled", match="rule"),
        Param("supportedInZtl", "boolean", help="Equals (not modelled by the local sandbox)",
              field="supportedInZtl", match="rule"),
    ),
)

DEPARTMENTS = crud(
    key="department", resource="departments", group="Departments", path="/department", model="Department",
    noun="Department", plural="Departments", kinds=READ, make_module=False,
    search_params=(
        ids("id"),
        text("name", "Containing", match="contains"),
        text("departmentNumber", "Containing", match="contains"),
        ids("departmentManagerId"),
        boolean("isInactive", "true: only inactive departments; false: only active ones"),
    ),
)

ACTIVITIES = crud(
    key="activity", resource="activities", group="Activities", path="/activity", model="Activity",
    noun="Activity", plural="Activities", kinds=(K.CREATE, *READ), make_module=False,
    search_params=(
        ids("id"),
        text("name", "Containing", match="contains"),
        text("number", "Equals", match="eq"),
        text("description", "Containing", match="contains"),
        boolean("isProjectActivity", "Equals"),
        boolean("isGeneral", "Equals"),
        boolean("isChargeable", "Equals"),
        boolean("isTask", "Equals"),
        boolean("isInactive", "Equals", field="isDisabled"),
    ),
    summaries={K.CREATE: "Create a general activity (GENERAL_ACTIVITY, PROJECT_GENERAL_ACTIVITY or TASK); "
                         "project-specific ones are made through project activities."},
)

ACTIVITY_BATCH = batch(
    key="activity", resource="activities", group="Activities", path="/activity", model="Activity",
    plural="Activities", kinds=(K.CREATE,),
)

OPERATIONS: list[Operation] = [*CURRENCIES, *COUNTRIES, *DEPARTMENTS, *ACTIVITIES, *ACTIVITY_BATCH]
