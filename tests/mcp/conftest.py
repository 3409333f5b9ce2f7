"""MCP clients for the tests: the SDK's own client over stdio (a `python -m tripletex_connect mcp` process), over
HTTP, or in-process, each against a fresh sandbox company; every result is checked to carry no token."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from mcp import Client, StdioServerParameters, stdio_client

from tripletex_connect.core.config import resolve_settings
from tripletex_connect.mcp import build_toolbox
from tripletex_connect.mcp.audit import AUDIT_SCENARIO, RunStoreAudit
from tripletex_connect.mcp.server import build_server
from tripletex_connect.runtime.store import DB_NAME, RunStore
from tripletex_connect.sandbox import SandboxCompany


class Session:
    """An MCP client session that checks every answer for secrets and for the expected error state."""

    def __init__(self, client: Client, secrets: list[str]) -> None:
        self.client = client
        self.secrets = secrets

    def clean(self, answer: Any) -> None:
        """Fail if a token appears anywhere in an answer."""
        text = answer.model_dump_json(by_alias=True)
        for secret in self.secrets:
            assert secret not in text, "a token reached a tool result"

    async def call(self, name: str, arguments: dict[str, Any] | None = None) -> dict[str, Any]:
        """Call a tool that must succeed; its structured content."""
        result = await self.client.call_tool(name, arguments or {})
        self.clean(result)
        assert not result.is_error, result.content[0].text  # type: ignore[union-attr]
        assert json.loads(result.content[0].text) == result.structured_content  # type: ignore[union-attr]
        return dict(result.structured_content)

    async def fail(self, name: str, arguments: dict[str, Any] | None = None) -> tuple[str, dict[str, Any]]:
        """Call a tool that must come back as a tool error; its message and details."""
        result = await self.client.call_tool(name, arguments or {})
        self.clean(result)
        assert result.is_error, result.structured_content
        return result.content[0].text, dict(result.structured_content["error"])  # type: ignore[union-attr]

    async def value(self, name: str, arguments: dict[str, Any] | None = None) -> Any:
        """The `value` of a successful call."""
        return (await self.call(name, arguments))["value"]

    async def confirmed(self, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
        """Call a destructive tool: get its preview, then run it with the preview's token."""
        preview = await self.call(name, arguments)
        return await self.call(name, {**arguments, "confirmation_token": preview["confirmation_token"]})


def secrets_of(company: SandboxCompany) -> list[str]:
    """The tokens of a sandbox company."""
    return [company.consumer_token, company.employee_token]


def server_env(company: SandboxCompany, data_dir: Path) -> dict[str, str]:
    """The environment of a `ttx mcp` process for this company, its data (audit log) in `data_dir`."""
    return {
        "TRIPLETEX_CONSUMER_TOKEN": company.consumer_token, "TRIPLETEX_EMPLOYEE_TOKEN": company.employee_token,
        "TRIPLETEX_DATA_DIR": str(data_dir), "TRIPLETEX_CONFIG": str(data_dir / "config.toml"),
        "PYTHONPATH": os.pathsep.join(sys.path),
    }


def mcp_command(company: SandboxCompany, *args: str) -> list[str]:
    """`python -m tripletex_connect --base-url URL mcp ARGS`."""
    return ["-m", "tripletex_connect", "--base-url", company.base_url, "mcp", *args]


@asynccontextmanager
async def stdio_session(company: SandboxCompany, data_dir: Path, *args: str) -> AsyncIterator[Session]:
    """A session with `ttx mcp ARGS` run as a subprocess over stdio."""
    params = StdioServerParameters(command=sys.executable, args=mcp_command(company, *args),
                                   env=server_env(company, data_dir))
    with open(data_dir / "server-stderr.log", "w") as errlog:
        async with Client(stdio_client(params, errlog=errlog), read_timeout_seconds=60) as client:
            yield Session(client, secrets_of(company))


@asynccontextmanager
async def inproc_session(company: SandboxCompany, data_dir: Path, **options: Any) -> AsyncIterator[Session]:
    """A session with the server built in this process (fast, for the details)."""
    settings = resolve_settings(consumer_token=company.consumer_token, employee_token=company.employee_token,
                                base_url=company.base_url, environ={})
    store = RunStore(data_dir / DB_NAME)
    toolbox = build_toolbox(settings, audit=RunStoreAudit(store, "test"), scenario_state=store, **options)
    try:
        async with Client(build_server(toolbox)) as client:
            yield Session(client, secrets_of(company))
    finally:
        toolbox.connection.close()
        store.close()


def audit_entries(data_dir: Path) -> list[dict[str, Any]]:
    """The tool calls a server recorded in the run store in `data_dir`, oldest first."""
    store = RunStore(data_dir / DB_NAME)
    try:
        return store.history(AUDIT_SCENARIO)
    finally:
        store.close()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A private data directory for one server (its audit log)."""
    path = tmp_path / "data"
    path.mkdir()
    return path
