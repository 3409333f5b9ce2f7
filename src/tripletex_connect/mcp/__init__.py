"""`ttx mcp`: every catalog module as a Model Context Protocol tool for AI assistants, read-only by default.

Needs the `mcp` extra (`pip install tripletex-connect[mcp]`). Tools, their schemas and annotations derive
from the catalog and the generated models; writes are enabled per group; destructive calls need a
confirmed preview; every call is audited.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.config import ConnectionSettings

if TYPE_CHECKING:
    from mcp.server import Server

    from ..scenario.state import ScenarioState
    from .audit import AuditLog
    from .toolbox import ToolBox

__all__ = ["build_toolbox", "create_server"]


def build_toolbox(
    settings: ConnectionSettings, *, allow_writes: str | None = None, compact: bool = False,
    scenarios: Path | None = None, audit: AuditLog | None = None, scenario_state: ScenarioState | None = None,
) -> ToolBox:
    """The tools for one connection: `allow_writes` is None (read-only), `all` or `sales,hours`.

    `audit` records every call (default: a JSONL file in the user data directory); `scenario_state` keeps the
    history of scenario tools (default: the scenario runner's own).
    """
    from .audit import default_audit_log
    from .connection import Connection
    from .safety import WritePolicy, parse_groups
    from .scenario_tools import load_scenario_tools
    from .toolbox import ToolBox

    policy = WritePolicy(parse_groups(allow_writes))
    found = load_scenario_tools(scenarios) if scenarios is not None else {}
    return ToolBox(Connection(settings), policy, audit or default_audit_log(), compact=compact, scenarios=found,
                   scenario_state=scenario_state)


def create_server(settings: ConnectionSettings, **options: Any) -> Server[Any]:
    """The MCP server for one connection (options as for `build_toolbox`)."""
    from .server import build_server

    return build_server(build_toolbox(settings, **options))
