"""The `ttx` command: global options, the hand-written commands, and the catalog's modules mounted lazily.

Only Typer and the catalog load for `ttx --help`; httpx, pydantic and the client load inside commands.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import Annotated, Any, Literal

import typer
from typer.core import TyperGroup

from .. import catalog
from . import api_cmd, connect_cmd, examples, mcp_cmd, modules_cmd, scenario_cmd, serve_cmd, temporal_cmd
from .derived import ResourceGroup, group_name
from .errors import CliFailure, exit_for, is_click_signal
from .output import OutputFormat, compile_query
from .state import CliState, state_of

SANDBOX_MODULE = "tripletex_connect.cli.sandbox_cmd"


class RootGroup(TyperGroup):
    """The top-level group: hand-written commands, one group per catalog resource, and `sandbox` on demand."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        for resource, operations in catalog.resources().items():
            # Hand-written commands win a name clash; the resource stays reachable through `ttx api`.
            group = ResourceGroup(resource, operations)
            self.commands.setdefault(group_name(resource), group)
        if importlib.util.find_spec(SANDBOX_MODULE) is not None:
            # A stand-in for the help listing; the real group loads only when `ttx sandbox ...` runs.
            stand_in = TyperGroup(name="sandbox", help="Run the local Tripletex-compatible sandbox.")
            self.commands.setdefault("sandbox", stand_in)
        examples.add_examples(self)

    def resolve_command(self, ctx: Any, args: list[str]) -> tuple[str | None, Any, list[str]]:
        """Find the command; `sandbox` loads its real group only now."""
        if args and args[0] == "sandbox" and "sandbox" in self.commands:
            return "sandbox", _load_sandbox(), args[1:]
        return super().resolve_command(ctx, args)

    def invoke(self, ctx: Any) -> Any:
        """Run the command; any failure becomes one readable message and its exit code."""
        try:
            return super().invoke(ctx)
        except Exception as exc:
            if is_click_signal(exc):
                raise
            raise exit_for(exc, debug=state_of(ctx).debug) from None


def _load_sandbox() -> Any:
    try:
        module = importlib.import_module(SANDBOX_MODULE)
    except ImportError as exc:
        raise CliFailure(f"the local sandbox cannot start here: {exc}") from None
    command = typer.main.get_command(module.app)
    command.name = "sandbox"
    examples.add_examples(command, "sandbox")
    return command


app = typer.Typer(
    cls=RootGroup,
    name="ttx",
    help="Tripletex from the command line: every Make module as a command, raw API calls, and a local sandbox.",
    epilog=examples.epilog(examples.ROOT),
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    # Plain help: it wraps at any width and never cuts an option's name (rich's boxes did at 80 columns).
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ttx (tripletex-connect) {package_version()}")
        raise typer.Exit()


def package_version() -> str:
    """The installed version of tripletex-connect."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("tripletex-connect")
    except PackageNotFoundError:
        return "unknown"


def _query(value: str | None) -> str | None:
    if value is not None:
        try:
            compile_query(value)
        except ValueError as error:
            raise typer.BadParameter(str(error)) from None
    return value


@app.callback()
def main(
    ctx: typer.Context,
    profile: Annotated[
        str | None, typer.Option("--profile", "-p", help="Saved connection to use (see `ttx connect list`).")
    ] = None,
    env: Annotated[
        Literal["production", "sandbox", "local"] | None,
        typer.Option("--env", help="Tripletex environment: production, sandbox (api-test) or local."),
    ] = None,
    base_url: Annotated[
        str | None, typer.Option("--base-url", metavar="URL", help="API base URL, e.g. http://127.0.0.1:8000/v2.")
    ] = None,
    company_id: Annotated[
        int | None, typer.Option("--company-id", min=0, metavar="N", help="Act for this company (0: your own).")
    ] = None,
    output: Annotated[
        OutputFormat | None,
        typer.Option("--output", "-o", help="json, jsonl, csv or table (default: table at a terminal, else json)."),
    ] = None,
    query: Annotated[
        str | None,
        typer.Option("--query", metavar="JMESPATH", callback=_query,
                     help="Filter and reshape the result with a JMESPath expression before it is formatted, "
                          "e.g. \"[?amount > `1000`].{id: id, amount: amount}\"."),
    ] = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Log each request to stderr: method, path, status, time, "
                           "request id (tokens masked); and retries.")
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Log details (DEBUG) to stderr; secrets stay hidden.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Global options come before the command: `ttx --profile work -o csv customers search`."""
    state = CliState(
        profile=profile, env=env, base_url=base_url, company_id=company_id, output=output, query=query,
        verbose=verbose, debug=debug,
    )
    ctx.obj = state
    state.start_logging(ctx)


app.command("api", no_args_is_help=True)(api_cmd.api)
app.command("whoami")(connect_cmd.whoami)
app.command("modules")(modules_cmd.modules)
app.add_typer(connect_cmd.app, name="connect")
app.command("run", no_args_is_help=True)(scenario_cmd.run)
app.add_typer(scenario_cmd.app, name="scenario")
app.command("serve")(serve_cmd.serve)
app.command("worker")(temporal_cmd.worker)
app.command("mcp", context_settings=mcp_cmd.CONTEXT)(mcp_cmd.mcp)


def run() -> None:
    """Entry point of the `ttx` console script."""
    app(prog_name="ttx")


if __name__ == "__main__":
    run()
