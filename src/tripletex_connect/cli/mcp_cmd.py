"""`ttx mcp`: serve every module as an MCP tool for AI assistants (stdio, or streamable HTTP with --http)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Annotated

import typer

from .errors import CliFailure, CliUsageError
from .state import state_of

ALLOW_WRITES = "--allow-writes"
# Typer cannot declare an option whose value is optional: `ttx mcp` is registered with extra args allowed and
# reads --allow-writes from them.
CONTEXT = {"ignore_unknown_options": True, "allow_extra_args": True}
INSTALL_HINT = "`ttx mcp` needs the MCP SDK: pip install 'tripletex-connect[mcp]'"


def mcp(
    ctx: typer.Context,
    http: Annotated[
        int | None, typer.Option("--http", metavar="PORT", min=0, max=65535,
                                 help="Serve streamable HTTP at http://HOST:PORT/mcp instead of stdio.")
    ] = None,
    host: Annotated[str, typer.Option("--host", help="With --http: the address to bind.")] = "127.0.0.1",
    compact: Annotated[
        bool, typer.Option("--compact", help="Offer three tools (find_module, describe_module, call_module).")
    ] = False,
    scenarios: Annotated[
        Path | None, typer.Option("--scenarios", metavar="DIR", help="Offer each scenario file in DIR as a tool.")
    ] = None,
) -> None:
    """Run an MCP server for AI assistants: read-only unless --allow-writes; destructive calls need confirmation.

    --allow-writes [GROUPS]: allow writes, to every group or to a comma list of groups: sales, products, ledger,
    reference, projects, hours, events, api (e.g. `--allow-writes sales,hours`).
    """
    allow_writes = parse_allow_writes(ctx.args)
    if not sdk_installed():
        raise CliFailure(INSTALL_HINT)
    if scenarios is not None and not scenarios.is_dir():
        raise CliUsageError(f"--scenarios {scenarios}: not a folder")
    from ..mcp import build_toolbox
    from ..mcp.audit import RunStoreAudit
    from ..mcp.safety import SafetyError
    from ..runtime.store import RunStore
    from ..scenario import ScenarioError

    state = state_of(ctx)
    settings = state.client(ctx).settings
    settings.require_tokens()  # a clear error now, not on the assistant's first call
    store = RunStore()  # calls are audited, and scenario tools keep history, where `ttx run` and `ttx serve` do
    ctx.call_on_close(store.close)
    connection = settings.profile or f"{settings.base_url}#company={settings.company_id}"
    try:
        toolbox = build_toolbox(settings, allow_writes=allow_writes, compact=compact, scenarios=scenarios,
                                audit=RunStoreAudit(store, connection), scenario_state=store)
    except SafetyError as exc:
        raise CliUsageError(f"--allow-writes: {exc}") from None
    except ScenarioError as exc:
        problems = "; ".join(p.render(exc.source) for p in exc.problems)
        raise CliUsageError(f"--scenarios: {problems}") from None
    ctx.call_on_close(toolbox.connection.close)
    _serve(toolbox, http, host)


def sdk_installed() -> bool:
    """True when the `mcp` SDK (the `mcp` extra) can be imported."""
    return importlib.util.find_spec("mcp") is not None


def parse_allow_writes(args: list[str]) -> str | None:
    """The `--allow-writes [GROUPS]` option (its value is optional, which Typer cannot declare): None, or groups."""
    groups: list[str] = []
    given = False
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        name, eq, value = arg.partition("=")
        if name != ALLOW_WRITES:
            raise CliUsageError(f"ttx mcp: unknown option or argument {arg!r} (see ttx mcp --help)")
        given = True
        if eq:
            groups.append(value)
        elif rest and not rest[0].startswith("-"):
            groups.append(rest.pop(0))
        else:
            groups.append("all")
    return ",".join(groups) if given else None


def _serve(toolbox: object, port: int | None, host: str) -> None:
    import anyio

    from ..mcp.server import build_server, serve_http, serve_stdio
    from ..mcp.toolbox import ToolBox

    assert isinstance(toolbox, ToolBox)
    server = build_server(toolbox)
    if port is None:
        anyio.run(serve_stdio, server)
        return
    from ..core.config import is_loopback

    if not is_loopback(host):
        typer.echo(f"Warning: {host} is not a loopback address and the MCP endpoint has no authentication of its "
                   "own: anyone who can reach it acts with your Tripletex access.", err=True)
    serve_http(server, host, port, on_ready=lambda url: typer.echo(f"MCP server at {url}", err=True))
