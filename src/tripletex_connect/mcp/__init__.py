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

    from .audit import AuditLog
    from .toolbox import ToolBox

__all__ = ["build_toolbox", "create_server"]


def build_toolbox(
    settings: ConnectionSettings, *, allow_writes: str | None = None, compact: bool = False,
    scenarios: Path | None = None, audit: AuditLog | None = None,
) -> ToolBox:
    """The tools for one connection: `allow_writes` is None (read-only), `all` or `sales,hours`."""
    from .audit import RunStoreAudit, default_audit_log
    from .connection import Connection
    from .safety import WritePolicy, parse_groups
    from .scenario_tools import load_scenario_tools
    from .toolbox import ToolBox

    policy = WritePolicy(parse_groups(allow_writes))
    found = load_scenario_tools(scenarios) if scenarios is not None else {}
    connection = settings.profile or f"{settings.base_url}#company={settings.company_id}"
    log = audit or default_audit_log(connection)
    # Scenario tools keep their history where the audit log is, when that is the run store.
    state = log.store if isinstance(log, RunStoreAudit) else None
    return ToolBox(Connection(settings), policy, log, compact=compact, scenarios=found, scenario_state=state)


def create_server(settings: ConnectionSettings, **options: Any) -> Server[Any]:
    """The MCP server for one connection (options as for `build_toolbox`)."""
    from .server import build_server

    return build_server(build_toolbox(settings, **options))
