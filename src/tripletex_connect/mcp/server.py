"""The MCP server: the toolbox, resources and prompts behind the official SDK's low-level Server, over stdio or HTTP."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import anyio
import anyio.to_thread
import mcp_types as types
from mcp.server import Server
from mcp.shared.exceptions import MCPError

from .. import __version__
from .execute import Outcome
from .resources import PROMPTS, RESOURCES
from .toolbox import ToolBox

T = TypeVar("T")
INSTRUCTIONS = (
    "Tripletex accounting (Norway): every module of the API as a tool named by its catalog key. {policy} "
    "Destructive tools (deletes, reversals, credit notes, sending invoices) first return a preview and a "
    "confirmation token: show the preview to the user and call again with the token only if they agree. "
    "Dates are YYYY-MM-DD; date_to bounds are excluded. Read tripletex://modules for the module reference."
)


def _result(outcome: Outcome) -> types.CallToolResult:
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=outcome.text())],
        structured_content=outcome.structured,
        is_error=outcome.is_error,
    )


def build_server(toolbox: ToolBox) -> Server[Any]:
    """An MCP Server whose tools, resources and prompts come from the toolbox, the catalog and the connection."""
    lock = anyio.Lock()
    tools = toolbox.tools()
    resources = {spec.uri: spec for spec in RESOURCES}
    prompts = {spec.name: spec for spec in PROMPTS}
    client = toolbox.connection.client

    async def blocking(work: Callable[[], T]) -> T:
        # One call at a time: the client is synchronous and request ids are attributed to the running call.
        async with lock:
            return await anyio.to_thread.run_sync(work)

    async def list_tools(ctx: Any, params: types.PaginatedRequestParams | None) -> types.ListToolsResult:
        return types.ListToolsResult(tools=tools)

    async def call_tool(ctx: Any, params: types.CallToolRequestParams) -> types.CallToolResult:
        outcome = await blocking(functools.partial(toolbox.call, params.name, params.arguments))
        return _result(outcome)

    async def list_resources(ctx: Any, params: types.PaginatedRequestParams | None) -> types.ListResourcesResult:
        return types.ListResourcesResult(resources=[spec.resource() for spec in RESOURCES])

    async def read_resource(ctx: Any, params: types.ReadResourceRequestParams) -> types.ReadResourceResult:
        spec = resources.get(str(params.uri))
        if spec is None:
            raise MCPError(code=types.INVALID_PARAMS, message=f"unknown resource {params.uri}")
        text = await blocking(functools.partial(spec.read, client))
        return types.ReadResourceResult(
            contents=[types.TextResourceContents(uri=spec.uri, mime_type=spec.mime_type, text=text)])

    async def list_prompts(ctx: Any, params: types.PaginatedRequestParams | None) -> types.ListPromptsResult:
        return types.ListPromptsResult(prompts=[spec.prompt() for spec in PROMPTS])

    async def get_prompt(ctx: Any, params: types.GetPromptRequestParams) -> types.GetPromptResult:
        spec = prompts.get(params.name)
        if spec is None:
            raise MCPError(code=types.INVALID_PARAMS, message=f"unknown prompt {params.name!r}")
        try:
            return spec.render(params.arguments or {})
        except ValueError as exc:
            raise MCPError(code=types.INVALID_PARAMS, message=str(exc)) from None

    return Server(
        "tripletex-connect", version=__version__, title="Tripletex",
        instructions=INSTRUCTIONS.format(policy=toolbox.policy.describe()),
        on_list_tools=list_tools, on_call_tool=call_tool, on_list_resources=list_resources,
        on_read_resource=read_resource, on_list_prompts=list_prompts, on_get_prompt=get_prompt,
    )


async def serve_stdio(server: Server[Any]) -> None:
    """Serve over this process's stdin and stdout until the client closes them."""
    from mcp.server.stdio import stdio_server

    async with stdio_server() as (read_stream, write_stream):
        await server.run(read_stream, write_stream, server.create_initialization_options())


def serve_http(server: Server[Any], host: str, port: int, *, on_ready: Callable[[str], None] | None = None) -> None:
    """Serve streamable HTTP at http://HOST:PORT/mcp until interrupted."""
    import uvicorn

    app = server.streamable_http_app(host=host)
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="on")
    if on_ready is not None:
        on_ready(f"http://{host}:{port}/mcp")
    uvicorn.Server(config).run()
