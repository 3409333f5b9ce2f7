"""`ttx mcp --http PORT`: the same server over streamable HTTP, bound to 127.0.0.1."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from mcp import Client

from tripletex_connect.sandbox import SandboxCompany
from tripletex_connect.sandbox.server import free_port

from .conftest import Session, mcp_command, secrets_of, server_env


@pytest.fixture
def http_server(tripletex_sandbox: SandboxCompany, data_dir: Path) -> Iterator[str]:
    """A `ttx mcp --http PORT` process; its MCP endpoint URL once it listens."""
    port = free_port()
    with open(data_dir / "server-stderr.log", "w") as errlog:
        process = subprocess.Popen([sys.executable, *mcp_command(tripletex_sandbox, "--http", str(port))],
                                   env=server_env(tripletex_sandbox, data_dir), stdout=subprocess.DEVNULL,
                                   stderr=errlog)
    try:
        deadline = time.monotonic() + 60
        while True:  # a real process: poll until it listens
            try:
                httpx.get(f"http://127.0.0.1:{port}/")
                break
            except httpx.ConnectError:
                assert process.poll() is None, (data_dir / "server-stderr.log").read_text()
                assert time.monotonic() < deadline, "the MCP server did not start listening"
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        process.terminate()
        process.wait(10)


async def test_streamable_http_serves_the_tools_on_loopback(
    http_server: str, tripletex_sandbox: SandboxCompany
) -> None:
    async with Client(http_server, read_timeout_seconds=60) as client:
        mcp = Session(client, secrets_of(tripletex_sandbox))
        names = {tool.name for tool in (await client.list_tools()).tools}
        assert {"customer_search", "invoice_send", "api_call"} <= names
        me = await mcp.value("session_whoami")
        assert me["companyId"] == tripletex_sandbox.company_id
        message, _ = await mcp.fail("product_create", {"body": {"name": "X"}})
        assert "--allow-writes products" in message
