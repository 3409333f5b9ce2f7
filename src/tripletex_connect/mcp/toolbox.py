"""Every tool the server offers and how a call runs: checked, refused, previewed, confirmed or sent; always audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import mcp_types as types

from ..catalog import Kind
from ..core.errors import ParameterError
from ..core.invoke import suggest
from ..scenario.state import ScenarioState
from . import execute
from .audit import AuditLog, mask
from .connection import Connection
from .execute import Outcome, error
from .safety import Confirmations, WritePolicy, without
from .scenario_tools import ScenarioTool
from .schemas import CONFIRM_ARG, confirm_schema
from .tools import ToolSpec, catalog_tools, is_read, needs_confirmation, tool_name

COMPACT = ("find_module", "describe_module", "call_module")


class ToolBox:
    """The tools of one server (one per module, or the compact three, plus scenarios) and their calls."""

    def __init__(
        self, connection: Connection, policy: WritePolicy, audit: AuditLog, *, compact: bool = False,
        scenarios: Mapping[str, ScenarioTool] | None = None, confirmations: Confirmations | None = None,
        scenario_state: ScenarioState | None = None,
    ) -> None:
        self.connection = connection
        self.policy = policy
        self.audit = audit
        self.compact = compact
        self.scenarios = dict(scenarios or {})
        self.confirmations = confirmations or Confirmations()
        self.scenario_state = scenario_state
        self.specs = catalog_tools()
        self._by_key = {spec.op.key: spec for spec in self.specs.values()}

    def tools(self) -> list[types.Tool]:
        """The tool declarations, in catalog order, scenarios last."""
        listed = _compact_tools() if self.compact else [spec.tool() for spec in self.specs.values()]
        return listed + [tool.tool() for tool in self.scenarios.values()]

    def call(self, name: str, arguments: Mapping[str, Any] | None) -> Outcome:
        """Run one tool call (blocking) and record it in the audit log."""
        args = dict(arguments or {})
        started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        try:
            outcome = self._dispatch(name, args)
        except Exception as exc:  # every failure becomes a tool error the assistant can act on
            outcome = execute.failure(exc, self.connection.secrets())
        outcome.request_ids = self.connection.request_ids.take()
        if not outcome.is_error:
            outcome.structured.setdefault("requestId", outcome.request_ids[-1] if outcome.request_ids else None)
        outcome.structured = mask(outcome.structured, self.connection.secrets(), keys=False)
        spec = self.specs.get(name)
        self.audit.record({
            "tool": name, "key": spec.op.key if spec else None, "started": started,
            "arguments": mask(args, self.connection.secrets()), "outcome": outcome.status,
            "requestIds": outcome.request_ids,
            "error": outcome.structured["error"]["message"] if outcome.is_error else None,
        })
        return outcome

    def _dispatch(self, name: str, args: dict[str, Any]) -> Outcome:
        if name in self.scenarios:
            return self.scenarios[name].run(self.connection.client, self.policy, args, state=self.scenario_state)
        if self.compact and name in COMPACT:
            return self._compact(name, args)
        spec = None if self.compact else self.specs.get(name)
        if spec is None:
            known = [*self.scenarios, *(COMPACT if self.compact else self.specs)]
            return error(f"unknown tool {name!r}{suggest(name, known)}", status="invalid_arguments")
        return self._catalog(spec, args)

    def _catalog(self, spec: ToolSpec, arguments: dict[str, Any]) -> Outcome:
        token = arguments.get(CONFIRM_ARG)
        args = without(arguments, [CONFIRM_ARG])
        planned = execute.plan(spec.op, args)
        if spec.op.kind is Kind.API_CALL and planned.path.lstrip("/").startswith("token"):
            raise ParameterError("api.call: the session is the server's own; /token paths are not callable")
        writes = not (is_read(spec.op) or (spec.op.kind is Kind.API_CALL and planned.method == "GET"))
        if writes and not self.policy.allows(spec.group):
            return error(self.policy.refusal(spec.name, spec.group), status="refused")
        if writes and needs_confirmation(spec.op, args):
            if token is None:
                return self._preview(spec, args, planned)
            problem = self.confirmations.redeem(str(token), spec.name, args)
            if problem:
                return error(f"{spec.name}: {problem}; nothing was sent", status="refused")
        return Outcome(execute.run(self.connection.client, planned))

    def _preview(self, spec: ToolSpec, args: dict[str, Any], planned: execute.Plan) -> Outcome:
        token = self.confirmations.issue(spec.name, args)
        preview = {**planned.preview(), "company": self.connection.company()}
        return Outcome({
            "preview": preview, CONFIRM_ARG: token, "expiresInSeconds": int(self.confirmations.ttl),
            "message": (f"Nothing was sent. {spec.op.title} is destructive: show this preview to the user, and "
                        f"only if they agree call {spec.name} again with the same arguments and "
                        f"{CONFIRM_ARG}={token!r} (single use, expires in {int(self.confirmations.ttl)} s)."),
        }, status="preview")

    def _compact(self, name: str, args: dict[str, Any]) -> Outcome:
        if name == "find_module":
            return Outcome({"modules": self._find(str(args.get("query") or ""), args.get("group"))})
        spec = self._module(args.get("key"))
        if name == "describe_module":
            tool = spec.tool()
            return Outcome({"key": spec.op.key, "tool": spec.name, "description": tool.description,
                            "inputSchema": tool.input_schema, "outputSchema": tool.output_schema,
                            "annotations": tool.annotations.model_dump(by_alias=True, exclude_none=True)
                            if tool.annotations else {}})
        arguments = args.get("arguments") or {}
        if not isinstance(arguments, Mapping):
            raise ParameterError("call_module: arguments must be an object")
        token = args.get(CONFIRM_ARG)
        return self._catalog(spec, {**arguments, **({CONFIRM_ARG: token} if token else {})})

    def _module(self, key: Any) -> ToolSpec:
        text = str(key or "")
        spec = self._by_key.get(text) or self.specs.get(text) or self.specs.get(tool_name(text))
        if spec is None:
            raise ParameterError(f"unknown module {text!r}{suggest(text, self._by_key)}; find one with find_module")
        return spec

    def _find(self, query: str, group: Any) -> list[dict[str, Any]]:
        words = query.lower().split()
        found = []
        for spec in self.specs.values():
            op = spec.op
            if group and str(group).lower() not in (op.group.lower(), spec.group):
                continue
            text = f"{op.key} {op.title} {op.group} {op.summary}".lower()
            if all(word in text for word in words):
                found.append({"key": op.key, "tool": spec.name, "title": op.title, "group": op.group,
                              "writeGroup": None if is_read(op) else spec.group, "readOnly": is_read(op),
                              "destructive": spec.destructive, "summary": op.summary})
        return found[:50]


def _compact_tools() -> list[types.Tool]:
    def tool(name: str, description: str, props: dict[str, Any], required: list[str], *, read: bool) -> types.Tool:
        return types.Tool(
            name=name, description=description,
            input_schema={"type": "object", "properties": props, "required": required},
            output_schema={"type": "object"},
            annotations=types.ToolAnnotations(read_only_hint=read, destructive_hint=not read,
                                              idempotent_hint=read, open_world_hint=True),
        )

    key = {"type": "string", "description": "A catalog key (customer.search) or tool name (customer_search)"}
    return [
        tool("find_module", "Find Tripletex modules by words in their key, title, group or summary.",
             {"query": {"type": "string"}, "group": {"type": "string", "description": "A Make or write group"}},
             [], read=True),
        tool("describe_module", "The input and output schema, annotations and description of one module.",
             {"key": key}, ["key"], read=True),
        tool("call_module", "Run one module with its arguments (see describe_module); writes follow the "
             "server's write groups, destructive modules return a preview and a confirmation token first.",
             {"key": key, "arguments": {"type": "object"}, CONFIRM_ARG: confirm_schema()}, ["key"], read=False),
    ]
