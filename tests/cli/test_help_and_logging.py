"""Help that reads well at 80 columns with an example at the end, `--version`, shell completion, and `-v`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator

import click
import pytest
import typer
from typer.testing import CliRunner

from tripletex_connect.cli.main import _load_sandbox, app, package_version
from tripletex_connect.sandbox import SandboxCompany


def _help(*args: str, columns: int = 80) -> str:
    result = CliRunner().invoke(app, [*args, "--help"], env={"COLUMNS": str(columns), "TERMINAL_WIDTH": str(columns)})
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_orders_invoice_help_at_80_columns_lists_each_option_once_with_its_whole_name() -> None:
    text = _help("orders", "invoice")
    options = re.findall(r"^\s+(?:-\w, )?(--[a-z][\w-]*)", text, re.MULTILINE)
    assert len(options) == len(set(options)), options
    for name in ("--payment-type-id", "--payment-type-id-rest-amount", "--paid-amount",
                 "--paid-amount-account-currency", "--paid-amount-account-currency-rest", "--send-to-customer"):
        assert name in options
    assert "…" not in text
    assert max(len(line) for line in text.splitlines()) <= 80


def _commands(command: click.Command, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    yield path, command
    if hasattr(command, "list_commands"):  # a group (Typer's groups are not click.Group subclasses)
        ctx = click.Context(command)
        for name in command.list_commands(ctx):
            sub = _load_sandbox() if name == "sandbox" else command.get_command(ctx, name)  # type: ignore[attr-defined]
            if sub is not None:
                yield from _commands(sub, (*path, name))


def test_every_command_help_ends_with_an_example_that_starts_with_ttx() -> None:
    root = typer.main.get_command(app)
    missing = []
    count = 0
    for path, command in _commands(root, ()):
        count += 1
        with click.Context(command, info_name=" ".join(("ttx", *path)), terminal_width=80) as ctx:
            text = command.get_help(ctx)
        tail = text.rstrip().rsplit("Example", 1)
        if len(tail) != 2 or not tail[1].lstrip("s:").strip().startswith("ttx "):
            missing.append(" ".join(path) or "ttx")
    assert count > 100
    assert not missing, f"no example at the end of: {missing}"


def test_an_example_of_a_module_is_derived_from_the_catalog() -> None:
    text = _help("timesheet-entries", "search")
    example = text.rsplit("Example:", 1)[1]
    assert "ttx timesheet-entries search --date-from 2026-01-01 --date-to 2026-02-01" in example
    assert all(len(line) <= 80 for line in text.splitlines())


def test_version_prints_the_package_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"ttx (tripletex-connect) {package_version()}"
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", package_version())


def test_completion_is_offered_and_completes_resources_and_options() -> None:
    assert "--install-completion" in _help()
    env = {**os.environ, "_TTX_COMPLETE": "complete_bash", "COMP_WORDS": "ttx customers search --customer-n",
           "COMP_CWORD": "3"}
    code = "from tripletex_connect.cli.main import run; run()"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["--customer-name"], done.stderr
    env.update(COMP_WORDS="ttx custom", COMP_CWORD="1")
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert "customers" in done.stdout.split() and "customer-categories" in done.stdout.split()


def test_verbose_logs_each_request_with_method_path_status_time_and_request_id_tokens_masked(
    tripletex_sandbox: SandboxCompany,
) -> None:
    env = {"TRIPLETEX_CONSUMER_TOKEN": tripletex_sandbox.consumer_token,
           "TRIPLETEX_EMPLOYEE_TOKEN": tripletex_sandbox.employee_token}
    result = CliRunner().invoke(app, ["--base-url", tripletex_sandbox.base_url, "-v", "-o", "json", "customers",
                                      "search", "--limit", "1"], env=env)
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.splitlines()
    search = [line for line in lines if "GET /v2/customer" in line]
    assert search and re.search(r"GET /v2/customer\S* -> 200 in \d+ ms \(request id \w+", search[0])
    assert tripletex_sandbox.consumer_token not in result.stderr
    assert tripletex_sandbox.employee_token not in result.stderr
    assert result.stdout.startswith("[")


@pytest.mark.parametrize("flag", ["-v", "--debug"])
def test_logging_stops_with_the_command(flag: str, tripletex_sandbox: SandboxCompany) -> None:
    import logging

    before = logging.getLogger("tripletex_connect").level, logging.getLogger("tripletex_connect.http").level
    env = {"TRIPLETEX_CONSUMER_TOKEN": tripletex_sandbox.consumer_token,
           "TRIPLETEX_EMPLOYEE_TOKEN": tripletex_sandbox.employee_token}
    CliRunner().invoke(app, ["--base-url", tripletex_sandbox.base_url, flag, "whoami"], env=env)
    after = logging.getLogger("tripletex_connect").level, logging.getLogger("tripletex_connect.http").level
    assert before == after
