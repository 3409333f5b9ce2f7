"""`--scenarios DIR`: each scenario file as a tool whose inputs are its vars, run by the scenario runner."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import mcp_types as types

from .. import catalog
from ..client import Tripletex
from ..scenario import Scenario, ScenarioError, load_scenario, run_scenario
from ..scenario.model import API_MODULE
from ..scenario.state import ScenarioState
from .execute import Outcome, error, plain
from .safety import WritePolicy
from .tools import group_of, is_read

_JSON_TYPES = {bool: "boolean", int: "integer", float: "number", str: "string", list: "array", dict: "object"}
_SLUG = re.compile(r"[^A-Za-z0-9]+")


def _var_schema(name: str, default: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {"description": f"Scenario variable {name}"}
    kind = _JSON_TYPES.get(type(default))
    if default is not None:
        schema["default"] = default
        if not (isinstance(default, str) and "{{" in default):
            schema["type"] = kind or "string"
    return schema


def write_groups(scenario: Scenario) -> frozenset[str]:
    """The write groups a scenario's steps write to (an API step that is not a literal GET counts as `api`)."""
    groups: set[str] = set()
    for step in scenario.all_steps():
        if step.module == API_MODULE:
            if str(step.method or "").upper() != "GET":
                groups.add("api")
        elif step.module:
            op = catalog.get(step.module)
            if not is_read(op):
                groups.add(group_of(op.key))
    return frozenset(groups)


@dataclass(frozen=True)
class ScenarioTool:
    """One scenario file as a tool."""

    name: str
    path: Path
    scenario: Scenario

    @property
    def writes(self) -> frozenset[str]:
        """The write groups it needs."""
        return write_groups(self.scenario)

    def tool(self) -> types.Tool:
        """The MCP Tool declaration: inputs are the scenario's vars (null ones required)."""
        props = {name: _var_schema(name, value) for name, value in self.scenario.vars.items()}
        required = [name for name, value in self.scenario.vars.items() if value is None]
        writes = self.writes
        note = (f"Writes (groups {', '.join(sorted(writes))}); when they are not enabled it returns a dry run."
                if writes else "Reads only.")
        input_schema: dict[str, Any] = {"type": "object", "properties": props}
        if required:
            input_schema["required"] = required
        return types.Tool(
            name=self.name,
            title=self.scenario.name,
            description=f"Scenario {self.scenario.name!r} ({self.path.name}), a vetted automation. {note}",
            input_schema=input_schema,
            output_schema={"type": "object", "properties": {
                "ok": {"type": "boolean"}, "dryRun": {"type": "boolean"}, "output": {},
                "calls": {"type": "array"}, "message": {"type": "string"}}},
            annotations=types.ToolAnnotations(
                title=self.scenario.name, read_only_hint=not writes, destructive_hint=False,
                idempotent_hint=not writes, open_world_hint=True,
            ),
        )

    def run(
        self, client: Tripletex, policy: WritePolicy, arguments: Mapping[str, Any], *,
        state: ScenarioState | None = None,
    ) -> Outcome:
        """Run it for real when its writes are enabled, else as a dry run showing the calls it would send."""
        missing = sorted(self.writes - policy.groups)
        dry = bool(missing)
        try:
            result = run_scenario(self.scenario, client, vars=dict(arguments), dry_run=dry, record=not dry, state=state)
        except ScenarioError as exc:
            return error("; ".join(p.render(exc.source) for p in exc.problems), status="invalid_arguments")
        run = result.runs[-1] if result.runs else None
        out: dict[str, Any] = {"ok": result.ok, "dryRun": dry, "output": plain(result.output) if result.ok else None}
        if dry:
            out["calls"] = plain([call for r in result.runs for call in r.calls])
            out["message"] = (f"Dry run: nothing was written. Writing needs the group(s) {', '.join(missing)}: "
                              f"restart with `ttx mcp --allow-writes {','.join(missing)}`.")
        if run is not None and not run.ok:
            return error(f"scenario {self.scenario.name!r} failed: {run.error}")
        return Outcome(out, status="dry_run" if dry else "ok")


def load_scenario_tools(directory: Path) -> dict[str, ScenarioTool]:
    """Every `*.yaml`/`*.yml` scenario in a folder as a tool named `scenario_<file stem>`."""
    tools: dict[str, ScenarioTool] = {}
    files = sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")])
    for path in files:
        scenario = load_scenario(path, vars={name: None for name in _declared(path)})
        name = "scenario_" + _SLUG.sub("_", path.stem).strip("_").lower()
        tools[name] = ScenarioTool(name, path, scenario)
    return tools


def _declared(path: Path) -> list[str]:
    scenario = load_scenario(path, check=False)
    return list(scenario.vars)
