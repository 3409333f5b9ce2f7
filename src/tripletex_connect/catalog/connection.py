"""Catalog entries of the connection itself: sessions, who am I, client companies, the raw call."""

from __future__ import annotations

from .build import FIELDS, PAGED, text
from .types import Kind, Operation, Param

SESSION_CREATE = Operation(
    key="session.create",
    group="Connection",
    title="Create a Session Token",
    kind=Kind.ACTION,
    method="PUT",
    path="/token/session/:create",
    resource="session",
    name="create",
    summary="Create a session token from a consumer token and an employee token.",
    params=(
        text("consumerToken", "Token of the API consumer", required=True),
        text("employeeToken", "The employee's token", required=True),
        text("expirationDate", "Expiration date for the combined token", required=True),
    ),
    response="SessionToken",
    make_module=False,
    exposed=False,
)

OPERATIONS: list[Operation] = [
    SESSION_CREATE,
    Operation(
        key="session.whoami",
        group="Connection",
        title="Who Am I",
        kind=Kind.GET,
        method="GET",
        path="/token/session/>whoAmI",
        resource="session",
        name="whoami",
        summary="Find information about the current user and company.",
        params=(FIELDS,),
        response="LoggedInUserInfo",
        make_module=False,
    ),
    Operation(
        key="session.delete",
        group="Connection",
        title="Delete a Session Token",
        kind=Kind.DELETE,
        method="DELETE",
        path="/token/session/{token}",
        resource="session",
        name="delete",
        summary="Delete (log out) a session token.",
        params=(Param("token", "string", "path", required=True, help="The session token"),),
        envelope="none",
        make_module=False,
    ),
    Operation(
        key="company.with_login_access",
        group="Connection",
        title="Search Client Companies",
        kind=Kind.SEARCH,
        method="GET",
        path="/company/>withLoginAccess",
        resource="companies",
        name="with_login_access",
        summary="List the client companies the current user can act for (accountant access).",
        params=PAGED,
        response="Client",
        envelope="list",
        make_module=False,
    ),
    Operation(
        key="api.call",
        group="Other",
        title="Make an API Call",
        kind=Kind.API_CALL,
        method="*",
        path="*",
        resource="",
        name="request",
        summary="Send an authenticated request to any path under the connection's base URL.",
        envelope="none",
        exposed=False,
    ),
]
