"""Run `ttx` against a company of the local sandbox, the way the CLI tests of every group do."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from typer.testing import CliRunner, Result

from tripletex_connect.cli.main import app
from tripletex_connect.sandbox import SandboxCompany


def ttx_json(company: SandboxCompany, args: Sequence[str]) -> Result:
    """`ttx --base-url ... -o json ARGS` with the company's tokens in the environment."""
    env = {"TRIPLETEX_CONSUMER_TOKEN": company.consumer_token, "TRIPLETEX_EMPLOYEE_TOKEN": company.employee_token}
    return CliRunner().invoke(app, ["--base-url", company.base_url, "-o", "json", *args], env=env)


def first_id(output: str) -> int | None:
    """The id of the object a command printed (the first one of a list)."""
    if not output.strip():
        return None
    value: Any = json.loads(output)
    value = value[0] if isinstance(value, list) and value else value
    return value.get("id") if isinstance(value, dict) else None
