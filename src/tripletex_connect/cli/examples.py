"""The example at the end of every command's help: derived from the catalog for modules, written here otherwise.

A command without a written example gets one made from its usage (its required arguments and options), so
every `--help` ends with something to copy.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..catalog import Kind, Operation, Param

ROOT = (
    "ttx customers search --customer-name acme --limit 20 -o table",
    "ttx --query '[].{id: id, name: name}' -o csv customers search",
    "ttx -v whoami",
)

# Hand-written commands, by their path under `ttx`.
WRITTEN: dict[str, tuple[str, ...]] = {
    "api": ("ttx api GET /ledger/account -q number=1920", "ttx api GET /invoice/7/pdf --out faktura.pdf"),
    "whoami": ("ttx --profile work whoami",),
    "modules": ("ttx modules --group Customers", "ttx modules -o json"),
    "run": ("ttx run examples/invoice-open-orders.yaml --var customer=Bergen --dry-run",),
    "connect": ("ttx connect add work --env production",),
    "connect add": ("ttx connect add work --env production", "ttx connect add local --env local"),
    "connect test": ("ttx connect test work",),
    "connect list": ("ttx connect list",),
    "connect remove": ("ttx connect remove work",),
    "scenario": ("ttx scenario validate examples/invoice-open-orders.yaml",),
    "scenario validate": ("ttx scenario validate examples/invoice-open-orders.yaml",),
    "scenario history": ('ttx scenario history "Invoice open orders" -n 5 -o table',),
    "scenario incomplete": ("ttx scenario incomplete list",),
    "scenario incomplete list": ("ttx scenario incomplete list",),
    "scenario incomplete show": ("ttx scenario incomplete show 3",),
    "scenario incomplete resume": ("ttx scenario incomplete resume 3",),
    "scenario incomplete discard": ("ttx scenario incomplete discard 3",),
    "serve": ("ttx --profile work serve scenarios/",),
    "mcp": ("ttx --profile work mcp --allow-writes sales,hours", "ttx --env local mcp --compact"),
    "sandbox": ("ttx sandbox serve --seed demo",),
    "sandbox serve": ("ttx sandbox serve --seed demo", "ttx sandbox serve --memory --fault 503,method=GET,times=2"),
}

_SAMPLE_DATES = {"from": "2026-01-01", "to": "2026-02-01"}


WIDTH = 78


def epilog(lines: Sequence[str]) -> str:
    """The help's closing section: `Example:` and the lines, kept as written (`\\b` stops Click re-wrapping).

    A line longer than 80 columns is continued on the next with a shell's backslash, so it still runs when copied.
    """
    title = "Example:" if len(lines) == 1 else "Examples:"
    return "\b\n" + title + "\n" + "\n".join(_fold(line) for line in lines)


def _fold(line: str) -> str:
    """`line` indented by two, broken before options into backslash-continued lines of at most WIDTH columns."""
    out, current = [], "  "
    for word in _words(line):
        if current.strip() and len(current) + 1 + len(word) + 2 > WIDTH:
            out.append(current + " \\")
            current = "      " + word
        else:
            current = f"{current} {word}" if current.strip() else current + word
    return "\n".join([*out, current])


def _words(line: str) -> list[str]:
    """The line's parts, an option kept with its value (`--date-from 2026-01-01`), quotes kept whole."""
    import shlex

    try:
        tokens = shlex.split(line, posix=False)
    except ValueError:
        return [line]
    words: list[str] = []
    for token in tokens:
        if words and words[-1].startswith("-") and " " not in words[-1] and not token.startswith("-"):
            words[-1] += " " + token
        else:
            words.append(token)
    return words


def _sample(param: Param) -> str:
    """A value of the parameter's type to show in an example."""
    if param.enum:
        return param.enum[0]
    if param.type == "date":
        return _SAMPLE_DATES["to" if param.name.endswith("To") else "from"]
    if param.type == "datetime":
        return "2026-01-01T00:00:00"
    if param.type == "integer" and "year" in param.name.lower():
        return "2026"
    if param.type in ("integer", "ids"):
        return "1"
    if param.type == "number":
        return "100.0"
    if param.type == "boolean":
        return ""
    return "TEXT"


def _option(name: str, param: Param) -> str:
    value = _sample(param)
    return f"--{name}" if not value else f"--{name} {value}"


def operation_example(op: Operation, option_name: Any) -> str:
    """One command line for an operation: its path arguments, required options, and what its kind needs."""
    if op.examples:
        return op.examples[0]
    parts = ["ttx", op.resource.replace("_", "-"), op.name.replace("_", "-")]
    parts += [_sample(p) for p in op.path_params]
    required = [p for p in op.query_params if p.required]
    parts += [_option(option_name(p), p) for p in required]
    if op.kind is Kind.SEARCH and not required:
        filters = [p for p in op.query_params if p.match and p.name not in ("fields", "sorting")]
        texts = [p for p in filters if p.type == "string" and not p.enum]
        parts += [_option(option_name(p), p) for p in (texts or filters)[:1]]
    if op.paged:
        parts += ["--limit 10", "-o table"]
    if op.body is not None:
        what = (op.body[0].lower() + op.body[1:]) + ("s" if op.body_is_list else "")
        if op.kind is Kind.UPDATE:
            parts += ["--set version=1", f"--data @{what}.json"]
        else:
            parts.append(f"--data @{what}.json")
    if op.kind is Kind.UPLOAD:
        parts.append("--file scan.pdf")
    if op.envelope == "binary":
        parts.append("--out document.pdf")
    return " ".join(parts)


def usage_example(path: str, command: Any) -> str:
    """An example made from a command's usage: its required arguments and options, for commands without one."""
    parts = ["ttx", path]
    for param in getattr(command, "params", []):
        if not param.required:
            continue
        name = (param.metavar or param.name or "VALUE").upper()
        if getattr(param, "param_type_name", "") == "option":
            parts.append(f"{param.opts[0]} {name}")
        else:
            parts.append(name)
    return " ".join(parts)


def add_examples(command: Any, path: str = "") -> None:
    """Give `command` and every command under it (already built) an example, unless it has an epilog."""
    if path and not getattr(command, "epilog", None):
        lines = WRITTEN.get(path) or (usage_example(path, command),)
        command.epilog = epilog(lines)
    for name, sub in list(getattr(command, "commands", {}).items()):
        if getattr(sub, "builds_own_examples", False):
            continue
        add_examples(sub, f"{path} {name}".strip())
