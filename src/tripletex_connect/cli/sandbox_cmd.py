"""`ttx sandbox serve`: run the local Tripletex-compatible sandbox."""

from __future__ import annotations

import signal
from collections.abc import Iterable
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Annotated

import typer

from ..sandbox import defaults

if TYPE_CHECKING:
    from ..sandbox.faults import Fault
    from ..sandbox.ratelimit import RateLimit, Scope
    from ..sandbox.server import Sandbox

app = typer.Typer(
    help="Run the local Tripletex-compatible sandbox.", no_args_is_help=True, add_completion=False,
    rich_markup_mode=None,
)


@app.callback()
def sandbox() -> None:
    """The local Tripletex-compatible sandbox: develop and test without an account."""


_WILDCARDS = ("0.0.0.0", "::", "[::]", "")


def connect_url(sandbox: Sandbox) -> str:
    """The base URL to connect with from this machine: loopback when the sandbox listens on every interface."""
    if sandbox.host in _WILDCARDS:
        return f"http://127.0.0.1:{sandbox.port}/v2"
    return sandbox.base_url


def network_warning(sandbox: Sandbox) -> list[str]:
    """What to say when `--host` makes the sandbox reachable from other machines (nothing for loopback)."""
    from ..core.config import is_loopback

    if is_loopback(sandbox.host):
        return []
    where = "every network interface" if sandbox.host in _WILDCARDS else sandbox.host
    lines = [
        f"warning: the sandbox listens on {where}: anyone who can reach this machine on port {sandbox.port} can "
        "read and change its data with the tokens shown here, over plain HTTP.",
    ]
    if sandbox.host not in _WILDCARDS:
        lines.append(
            "note: ttx and the SDK send tokens over plain HTTP only to loopback hosts; to connect from another "
            "machine, put an HTTPS proxy in front and use its https:// URL."
        )
    return lines


def banner(sandbox: Sandbox) -> list[str]:
    """What `serve` prints on start: where it listens, the tokens to use, and how to connect."""
    from ..sandbox.rules.modules import SWITCHABLE

    company = sandbox.company
    url = connect_url(sandbox)
    connect = "ttx connect add local --env local"
    if url != f"http://127.0.0.1:{defaults.PORT}/v2":
        connect += f" --base-url {url}"
    off = [name for name, key in SWITCHABLE.items() if key in sandbox.backend.modules_off]
    listening = sandbox.base_url + (" (all interfaces)" if sandbox.host in _WILDCARDS else "")
    return [
        f"Tripletex sandbox at {listening}",
        f"  consumer token: {sandbox.consumer_token}",
        f"  employee token: {sandbox.employee_token}",
        f"  company id:     {company.company_id} (client company {company.client_company_id})",
        f"  data:           {sandbox.store.path}",
        *([f"  without module: {', '.join(off)}"] if off else []),
        *[f"  fault:          {_describe(fault)}" for fault in sandbox.faults.pending()],
        f"  books page:     {sandbox.base_url.removesuffix('/v2')}/books/",
        f"Connect with: {connect}   (Ctrl-C stops the sandbox)",
    ]


def parse_faults(specs: Iterable[str]) -> list[Fault]:
    """The `--fault` descriptions as faults; a bad one is a usage error that says what is wrong."""
    from ..sandbox.faults import FaultSpecError, parse_fault

    try:
        return [parse_fault(spec) for spec in specs]
    except FaultSpecError as error:
        raise typer.BadParameter(str(error), param_hint="--fault") from None


def _describe(fault: Fault) -> str:
    times = "every matching request" if fault.times == 0 else f"{fault.times} time(s)"
    return f"{fault.status} {fault.when} {fault.method} {fault.path}, {times}"


def _stop(signum: int, frame: FrameType | None) -> None:
    # uvicorn re-raises SIGTERM once it has shut down; turn it into an exit that runs our clean-up.
    raise SystemExit(0)


@app.command()
def serve(
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = defaults.PORT,
    host: Annotated[str, typer.Option("--host", help="Interface to bind; loopback unless you say otherwise.")] = (
        "127.0.0.1"
    ),
    db: Annotated[Path | None, typer.Option("--db", help="SQLite file (default: in your user data dir).")] = None,
    memory: Annotated[bool, typer.Option("--memory", help="Keep everything in memory; gone at exit.")] = False,
    seed: Annotated[str | None, typer.Option("--seed", help="Add demo data: `demo`.")] = None,
    consumer_token: Annotated[
        str | None, typer.Option("--consumer-token", envvar=defaults.ENV_CONSUMER, help="Consumer token.")
    ] = None,
    employee_token: Annotated[
        str | None, typer.Option("--employee-token", envvar=defaults.ENV_EMPLOYEE, help="Employee token.")
    ] = None,
    rate_limit: Annotated[
        str, typer.Option("--rate-limit", metavar="N/PERIOD", help="Requests per period per employee and "
                          "consumer token, e.g. 100/60s, 100/m, 5000/1h (a bare N is per minute).")
    ] = str(defaults.RATE_LIMIT),
    rate_limit_scope: Annotated[
        str, typer.Option("--rate-limit-scope", metavar="credential|company", help="One bucket per employee and "
                          "consumer token (`credential`), or one per company it acts for (`company`).")
    ] = "credential",
    without_module: Annotated[
        list[str] | None,
        typer.Option("--without-module", metavar="MODULE", help="Serve companies without a module: `logistics` "
                     "(its operations answer 403). Repeatable."),
    ] = None,
    fault: Annotated[
        list[str] | None,
        typer.Option("--fault", metavar="SPEC", help="Answer chosen requests with 429 or a 5xx, to test retries: "
                     "STATUS[,method=M][,path=GLOB][,times=N][,when=before|after], e.g. 503,method=POST,when=after. "
                     "Repeatable."),
    ] = None,
) -> None:
    """Serve the sandbox until Ctrl-C; prints the base URL and the tokens to connect with."""
    from ..sandbox.server import Sandbox, default_db_path

    if seed not in (None, "demo"):
        raise typer.BadParameter("the only seed is 'demo'", param_hint="--seed")
    if memory and db is not None:
        raise typer.BadParameter("give --db or --memory, not both", param_hint="--memory")
    sandbox = Sandbox(
        seed=seed, db=db if db is not None else (None if memory else default_db_path()), memory=memory, host=host,
        port=port, consumer_token=consumer_token, employee_token=employee_token, rate_limit=_rate(rate_limit),
        rate_limit_scope=_scope(rate_limit_scope),
        modules_off=_modules_off(without_module or ()), faults=parse_faults(fault or ()),
    )
    _serve_until_stopped(sandbox)


def _rate(text: str) -> RateLimit:
    from ..sandbox.ratelimit import parse_rate_limit

    try:
        return parse_rate_limit(text)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--rate-limit") from None


def _scope(text: str) -> Scope:
    from ..sandbox.ratelimit import parse_scope

    try:
        return parse_scope(text)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--rate-limit-scope") from None


def _modules_off(names: Iterable[str]) -> tuple[str, ...]:
    from ..sandbox.rules.modules import module_fields

    try:
        return module_fields(names)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--without-module") from None


def _serve_until_stopped(sandbox: Sandbox) -> None:
    """Print the banner, record the running sandbox for `ttx connect`, serve, and clean up on the way out."""
    import uvicorn

    from ..sandbox.server import UVICORN_OPTIONS

    lines = banner(sandbox)
    typer.echo("\n".join(lines[:-1]))
    for line in [*network_warning(sandbox), lines[-1]]:
        typer.echo(line, err=True)
    state = defaults.state_path()
    defaults.write_state(state, connect_url(sandbox), sandbox.consumer_token, sandbox.employee_token)
    signal.signal(signal.SIGTERM, _stop)
    try:
        uvicorn.run(sandbox.app, host=sandbox.host, port=sandbox.port, **UVICORN_OPTIONS)
    finally:
        state.unlink(missing_ok=True)
        sandbox.stop()  # the webhook worker too
