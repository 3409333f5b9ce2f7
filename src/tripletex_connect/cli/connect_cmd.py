"""`ttx connect add|test|list|remove` (saved connections, like Make's connection form) and `ttx whoami`."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Mapping
from typing import Annotated, Any

import typer

from ..core.config import ENV_VARS, ENVIRONMENTS, check_base_url, normalize_env
from ..core.profiles import Profile, ProfileStore
from .derived import OutputOption
from .errors import CliUsageError
from .output import isatty, to_data
from .state import state_of

app = typer.Typer(
    help="Saved connections (profiles): add, test, list, remove. Tokens are kept in a file only you can read.",
    no_args_is_help=True,
)

_PROFILE_COLUMNS = ("name", "default", "env", "base_url", "company_id")
# Expand the employee and company references so the test can greet by name.
WHOAMI_FIELDS = "*,employee(id,firstName,lastName),company(id,name)"


def _local_tokens() -> tuple[str, str] | None:
    """The local sandbox's own tokens, when the sandbox is installed."""
    try:
        defaults = importlib.import_module("tripletex_connect.sandbox.defaults")
    except ImportError:
        return None
    consumer, employee = defaults.local_tokens()
    return str(consumer), str(employee)


def _ask(label: str, option: str, env_var: str) -> str:
    missing = f"no {label.lower()} given: pass {option}, set {env_var}, or answer the prompt"
    if not isatty(sys.stdin):
        # No terminal to hide the echo on (a pipe, a script): read the line as is. getpass would warn here.
        line = sys.stdin.readline()
        if not line:
            raise CliUsageError(missing)
        value = line
    else:
        try:
            value = str(typer.prompt(label, hide_input=True))
        except typer.Abort:
            raise CliUsageError(missing) from None
    if not value.strip():
        raise CliUsageError(f"the {label.lower()} is empty")
    return value.strip()


@app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Profile name (letters, digits, - and _).")] = "default",
    env: Annotated[
        str | None,
        typer.Option("--env", help="production, sandbox or local (default: the global --env, else production)."),
    ] = None,
    base_url: Annotated[str | None, typer.Option("--base-url", metavar="URL", help="A custom API base URL.")] = None,
    company_id: Annotated[
        int | None, typer.Option("--company-id", min=0, metavar="N", help="Company to act for (0: your own).")
    ] = None,
    make_default: Annotated[bool, typer.Option("--default", help="Make this the default profile.")] = False,
    consumer_token: Annotated[
        str | None,
        typer.Option(
            "--consumer-token",
            envvar=ENV_VARS["consumer_token"],
            show_envvar=True,
            help="Consumer token (prefer the environment variable or the prompt: options land in shell history).",
        ),
    ] = None,
    employee_token: Annotated[
        str | None,
        typer.Option(
            "--employee-token",
            envvar=ENV_VARS["employee_token"],
            show_envvar=True,
            help="Employee token (prefer the environment variable or the prompt).",
        ),
    ] = None,
) -> None:
    """Save a connection; asks for the tokens without echoing them (`--env local` uses the sandbox's own)."""
    state = state_of(ctx)
    env_name = env or state.env
    url = base_url or state.base_url
    canonical = normalize_env(env_name) if env_name else (None if url else "production")
    if url:
        url = check_base_url(url)
    cid = company_id if company_id is not None else (state.company_id or 0)
    if not (consumer_token or employee_token) and canonical == "local":
        tokens = _local_tokens()
        if tokens is not None:
            consumer_token, employee_token = tokens
    consumer = consumer_token or _ask("Consumer token", "--consumer-token", ENV_VARS["consumer_token"])
    employee = employee_token or _ask("Employee token", "--employee-token", ENV_VARS["employee_token"])
    store = ProfileStore.default()
    existed = any(p.name == name for p in store.list())
    profile = Profile(
        name=name, env=canonical, base_url=url, consumer_token=consumer, employee_token=employee, company_id=cid
    )
    store.save(profile, make_default=make_default)
    where = url or ENVIRONMENTS[canonical or "production"]
    is_default = store.default_name() == name
    typer.echo(
        f"{'Updated' if existed else 'Saved'} profile {name!r} ({where}, company {cid})"
        f"{' as the default' if is_default else ''} in {store.path}.\n"
        f"Check it with: ttx connect test{'' if name == 'default' else ' ' + name}",
        err=True,
    )


@app.command("test")
def test(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Argument(help="Profile to test (default: the global options).")] = None,
) -> None:
    """Log in (create a session) and ask who you are: proves the tokens and the company id work."""
    state = state_of(ctx)
    tx = state.client(ctx, profile=name) if name else state.client(ctx)
    info = to_data(tx.invoke("session.whoami", {"fields": WHOAMI_FIELDS}))
    settings = tx.settings
    typer.echo(f"OK: {settings.base_url} ({settings.environment}) as {describe_login(info)}")


def describe_login(info: Any) -> str:
    """`Ola Nordmann (employee 7) in Acme AS (company 42)` from a whoAmI answer."""
    if not isinstance(info, Mapping):
        return str(info)
    employee = _mapping(info.get("employee"))
    company = _mapping(info.get("company"))
    full_name = " ".join(str(employee[k]) for k in ("firstName", "lastName") if employee.get(k))
    who = employee.get("displayName") or full_name or "an employee"
    employee_id = info.get("employeeId") or employee.get("id")
    company_id = info.get("companyId") or company.get("id")
    what = company.get("name") or "a company"
    return (
        f"{who}{f' (employee {employee_id})' if employee_id else ''} "
        f"in {what}{f' (company {company_id})' if company_id is not None else ''}"
    )


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


@app.command("list")
def list_profiles(ctx: typer.Context, output: OutputOption = None) -> None:
    """List saved profiles: name, environment or base URL, company id, default. Never the tokens."""
    store = ProfileStore.default()
    default = store.default_name()
    rows = [
        {
            "name": p.name,
            "default": p.name == default,
            "env": p.env or ("custom" if p.base_url else "production"),
            "base_url": p.base_url or ENVIRONMENTS.get(p.env or "production", ""),
            "company_id": p.company_id,
        }
        for p in store.list()
    ]
    if not rows:
        typer.echo(f"no profiles in {store.path}; add one with `ttx connect add`", err=True)
    writer = state_of(ctx).writer(output)
    if writer.fmt == "table":
        if rows:
            writer.table([{**r, "default": "*" if r["default"] else ""} for r in rows], columns=_PROFILE_COLUMNS)
    else:
        writer.many([rows])


@app.command("remove")
def remove(name: Annotated[str, typer.Argument(help="Profile to delete.")]) -> None:
    """Delete a saved profile."""
    store = ProfileStore.default()
    store.remove(name)
    typer.echo(f"Removed profile {name!r} from {store.path}.", err=True)


def whoami(ctx: typer.Context, output: OutputOption = None) -> None:
    """Who the connection is: employee, company and language (GET /token/session/>whoAmI)."""
    state = state_of(ctx)
    state.writer(output).one(state.client(ctx).whoami())
