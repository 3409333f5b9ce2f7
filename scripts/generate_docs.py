"""Generate docs/modules.md: the module reference, one section per Make group, from the operation catalog.

Run `make generate`, or `python scripts/generate_docs.py --check` to verify the file is up to date.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generated_file import write_or_check  # noqa: E402

from tripletex_connect import catalog  # noqa: E402
from tripletex_connect.catalog import Kind, Operation, Param  # noqa: E402

TARGET = ROOT / "docs" / "modules.md"
INTRO = """# Module reference

Generated from the operation catalog by `scripts/generate_docs.py` (`make generate`); do not edit.

Every module of Make's Tripletex app, and the extra operations tripletex-connect adds, with its HTTP
operation, its SDK call and its `ttx` command. Parameters are given by API name; the SDK takes them in
snake_case (`customerName` -> `customer_name`) and the CLI as options (`--customer-name`). Every search
also takes `limit` and `page_size` (SDK) or `--limit` and `--page-size` (CLI), and returns every
matching value across pages. `ttx modules` prints the same list, and `ttx <resource> <action> --help`
the details of one command.
"""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _param_line(param: Param) -> str:
    flags = ", ".join(f for f in (param.location, "required" if param.required else "") if f)
    choices = f" One of: {', '.join(f'`{v}`' for v in param.enum)}." if param.enum else ""
    help_text = f" {_cell(param.help)}" if param.help else ""
    return f"  - `{param.name}` ({param.type}, {flags}).{help_text}{choices}"


def _operation(op: Operation) -> list[str]:
    marks = [m for m, on in (("beta", op.beta), ("not a Make module", not op.make_module)) if on]
    head = f"### {op.title}" + (f" ({', '.join(marks)})" if marks else "")
    http = "any method, any path under the base URL" if op.kind is Kind.API_CALL else f"`{op.method} {op.path}`"
    lines = [head, "", op.summary, "", f"- HTTP: {http}"]
    if op.exposed or op.kind is Kind.API_CALL:
        lines += [f"- SDK: `{op.sdk_call}`", f"- CLI: `{op.cli_call}`"]
    else:
        lines.append("- Called by the client itself, not as a method or command.")
    lines.append(f"- Catalog key: `{op.key}`")
    if op.body:
        lines.append(f"- Body: `{op.body}`" + (" (a list)" if op.body_is_list else ""))
    params = [*op.path_params, *op.query_params]
    if params:
        lines += ["- Parameters:", *(_param_line(p) for p in params)]
    if op.note:
        lines.append(f"- Note: {_cell(op.note)}")
    return [*lines, ""]


def render() -> str:
    """The whole reference as Markdown."""
    groups = catalog.groups()
    lines = [INTRO, "## Groups", ""]
    lines += [f"- [{name}](#{name.lower().replace(' ', '-')}) ({len(ops)})" for name, ops in groups.items()]
    lines.append("")
    for name, ops in groups.items():
        lines += [f"## {name}", ""]
        for op in ops:
            lines += _operation(op)
    return "\n".join(lines).rstrip("\n") + "\n"


def main() -> int:
    """Write docs/modules.md, or with --check report whether it is stale."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the file on disk is out of date")
    args = parser.parse_args()
    return write_or_check(TARGET, render(), check=args.check, summary=f"{len(catalog.all_operations())} modules")


if __name__ == "__main__":
    raise SystemExit(main())
