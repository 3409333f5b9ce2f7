"""`ttx sandbox serve`: run the local Tripletex-compatible sandbox."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="Run the local Tripletex-compatible sandbox.", no_args_is_help=True, add_completion=False)


@app.callback()
def sandbox() -> None:
    """The local Tripletex-compatible sandbox: develop and test without an account."""


@app.command()
def serve(
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    host: Annotated[str, typer.Option("--host", help="Interface to bind; loopback unless you say otherwise.")] = (
        "127.0.0.1"
    ),
    db: Annotated[Path | None, typer.Option("--db", help="SQLite file (default: in your user data dir).")] = None,
    memory: Annotated[bool, typer.Option("--memory", help="Keep everything in memory; gone at exit.")] = False,
    seed: Annotated[str | None, typer.Option("--seed", help="Add demo data: `demo`.")] = None,
    consumer_token: Annotated[
        str | None, typer.Option("--consumer-token", envvar="TTX_SANDBOX_CONSUMER_TOKEN", help="Consumer token.")
    ] = None,
    employee_token: Annotated[
        str | None, typer.Option("--employee-token", envvar="TTX_SANDBOX_EMPLOYEE_TOKEN", help="Employee token.")
    ] = None,
    rate_limit: Annotated[int, typer.Option("--rate-limit", min=1, help="Requests per minute per session.")] = 10_000,
) -> None:
    """Serve the sandbox until Ctrl-C; prints the base URL and the tokens to connect with."""
    import uvicorn

    from ..sandbox.server import Sandbox, default_db_path

    if seed not in (None, "demo"):
        raise typer.BadParameter("the only seed is 'demo'", param_hint="--seed")
    if memory and db is not None:
        raise typer.BadParameter("give --db or --memory, not both", param_hint="--memory")
    sandbox = Sandbox(
        seed=seed, db=db if db is not None else (None if memory else default_db_path()), memory=memory, host=host,
        port=port, consumer_token=consumer_token, employee_token=employee_token, rate_limit=rate_limit,
    )
    company = sandbox.company
    typer.echo(f"Tripletex sandbox at {sandbox.base_url}")
    typer.echo(f"  consumer token: {sandbox.consumer_token}")
    typer.echo(f"  employee token: {sandbox.employee_token}")
    typer.echo(f"  company id:     {company.company_id} (client company {company.client_company_id})")
    typer.echo(f"  data:           {sandbox.store.path}")
    typer.echo("Connect with: ttx connect add local --env local   (Ctrl-C stops the sandbox)", err=True)
    try:
        uvicorn.run(sandbox.app, host=host, port=port, log_level="warning", lifespan="off")
    finally:
        sandbox.store.close()
