"""The package's import graph: no circles between modules, and dependencies point the way DESIGN.md says.

Edges come from the source (ast), not from importing: a circle hidden behind `if TYPE_CHECKING` still counts.
Imports inside functions (deliberately lazy) are edges for the direction rules but not for circles.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

import tripletex_connect

PACKAGE = "tripletex_connect"
ROOT = Path(tripletex_connect.__file__).parent

# Areas (first segment under the package) that an area must never import, lazily or not.
FORBIDDEN: dict[str, set[str]] = {
    "sandbox": {"client", "resources", "cli", "scenario", "runtime", "mcp", "testing"},
    "core": {"client", "resources", "cli", "scenario", "sandbox", "runtime", "mcp", "testing"},
    "catalog": {"client", "resources", "cli", "scenario", "sandbox", "runtime", "mcp", "testing"},
    "models": {"client", "resources", "cli", "scenario", "sandbox", "runtime", "mcp", "testing"},
    "client": {"cli", "scenario", "sandbox", "runtime", "mcp", "testing"},
    "resources": {"client", "cli", "scenario", "sandbox", "runtime", "mcp", "testing"},
    "scenario": {"cli", "runtime", "sandbox", "mcp", "testing"},
    "runtime": {"cli", "mcp", "testing"},
    "mcp": {"cli", "runtime", "testing"},
    "spec": {"client", "resources", "cli", "scenario", "sandbox", "runtime", "mcp", "testing", "core", "catalog"},
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join([PACKAGE, *parts])


@cache
def modules() -> dict[str, Path]:
    return {module_name(path): path for path in ROOT.rglob("*.py")}


def _target(name: str, importer: str, level: int, is_package: bool) -> str:
    if level == 0:
        return name
    base = importer.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, name] if name else base)


def _known(name: str) -> str | None:
    while name and name not in modules():
        name = name.rpartition(".")[0]
    return name or None


def imports(module: str) -> Iterator[tuple[str, bool]]:
    """(imported module, at module level) for every import of the package's own modules."""
    path = modules()[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_package = path.name == "__init__.py"
    lazy: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            lazy |= {id(inner) for inner in ast.walk(node) if inner is not node}
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _target(node.module or "", module, node.level, is_package)
            submodules = [f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in modules()]
            # `from pkg import submodule` runs pkg's __init__ only as every import runs its parents': no edge.
            names = submodules if len(submodules) == len(node.names) else [base, *submodules]
        for name in names:
            found = _known(name) if name.startswith(PACKAGE) else None
            if found and found != module:
                yield found, id(node) not in lazy


def graph(module_level_only: bool) -> dict[str, set[str]]:
    return {m: {t for t, top in imports(m) if top or not module_level_only} for m in modules()}


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def area(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


# Circles inside the sandbox through `if TYPE_CHECKING` imports, left to the sandbox's own work; a circle may
# leave this list, none may join it.
TOLERATED = [
    ["sandbox.engine", "sandbox.rules"],
    ["sandbox.backend", "sandbox.delivery", "sandbox.webhooks"],
]


def test_no_module_level_import_circles() -> None:
    tolerated = [[f"{PACKAGE}.{m}" for m in circle] for circle in TOLERATED]
    assert [c for c in circles(graph(module_level_only=True)) if c not in tolerated] == []


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("cli.api_cmd", "cli.derived"), ("cli.derived", "cli.execute"), ("cli.execute", "cli.api_cmd"),
        ("client", "resources.base"), ("client", "resources._generated"), ("core.invoke", "models.check"),
    ],
)
def test_the_circles_once_found_stay_broken_even_through_lazy_imports(one: str, other: str) -> None:
    a, b = f"{PACKAGE}.{one}", f"{PACKAGE}.{other}"
    assert not any(a in c and b in c for c in circles(graph(module_level_only=False)))


def test_dependencies_point_the_way_the_design_says() -> None:
    wrong = sorted(
        f"{source} imports {target}"
        for source, targets in graph(module_level_only=False).items()
        for target in targets
        if area(target) in FORBIDDEN.get(area(source), set())
    )
    assert wrong == []


def test_the_sandbox_never_imports_the_sdk_client() -> None:
    sandbox = [m for m in modules() if area(m) == "sandbox"]
    edges = graph(False)  # once: rebuilding it per module parsed the whole package dozens of times
    assert sandbox and all(f"{PACKAGE}.client" not in edges[m] for m in sandbox)


def test_the_checker_sees_circles_type_checking_imports_and_lazy_imports() -> None:
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    seen = set(imports(f"{PACKAGE}.testing"))
    assert (f"{PACKAGE}.client", True) in seen  # under `if TYPE_CHECKING`: module level
    assert (f"{PACKAGE}.sandbox.server", False) in seen  # inside the fixture: lazy
