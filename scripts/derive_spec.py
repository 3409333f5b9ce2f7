"""Derive src/tripletex_connect/spec/: what the project uses of ../shared, without its prose.

Usage: python scripts/derive_spec.py [--shared DIR] [--check]

- tripletex-openapi.json: the official spec trimmed to the paths the catalog uses and the schemas they reach
  (plus ApiError): paths, parameters, request bodies, responses, schemas and enums; and `x-spec-paths`, every
  path of the spec with its methods (the sandbox answers 501/404/405 from it). Descriptions, summaries,
  titles, examples, tags and external docs are left out (a response's required `description` is kept empty).
- modules.json: the Make module map without its notes.

The sandbox reads the copy at run time; tests read ../shared when it is there and the copy otherwise; a test
checks the copy is fresh.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generated_file import write_or_check  # noqa: E402

from tripletex_connect import catalog  # noqa: E402

DEFAULT_SHARED = ROOT.parent / "shared"
TARGET_DIR = ROOT / "src" / "tripletex_connect" / "spec"
SPEC_TARGET = TARGET_DIR / "tripletex-openapi.json"
MODULES_TARGET = TARGET_DIR / "modules.json"

# Keys that carry prose or samples, never structure.
PROSE = frozenset({"description", "summary", "title", "example", "examples", "externalDocs", "tags"})
# Maps whose keys are names (a property called `description` is a field, not prose).
NAMED = frozenset({"properties", "schemas", "paths", "responses", "content", "securitySchemes", "headers"})
MODULE_KEYS = ("group", "module", "action", "method", "path", "operationId", "params", "body", "response")
ROOT_SCHEMAS = ("ApiError",)
METHODS = ("get", "post", "put", "delete", "patch")
PATHS_KEY = "x-spec-paths"  # an OpenAPI extension: tools that validate the copy ignore it
_REF = re.compile(r"#/components/schemas/([A-Za-z0-9_]+)")


def strip_prose(node: Any, kind: str = "node") -> Any:
    """`node` without prose keys; `kind` says whether its keys are names (`names`) or response codes (`responses`)."""
    if isinstance(node, list):
        return [strip_prose(item) for item in node]
    if not isinstance(node, dict):
        return node
    if kind == "names":
        return {key: strip_prose(value) for key, value in node.items()}
    if kind == "responses":
        # OpenAPI 3.0 requires a description on every Response object: it is kept, empty.
        return {key: {**strip_prose(value), "description": ""} for key, value in node.items()}
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key not in PROSE:
            out[key] = strip_prose(value, "responses" if key == "responses" else "names" if key in NAMED else "node")
    return out


def _reachable(schemas: dict[str, Any], start: Any) -> list[str]:
    seen: set[str] = set()
    stack = [*_REF.findall(json.dumps(start)), *ROOT_SCHEMAS]
    while stack:
        name = stack.pop()
        if name in seen or name not in schemas:
            continue
        seen.add(name)
        stack.extend(_REF.findall(json.dumps(schemas[name])))
    return sorted(seen)


def derive_spec(raw: dict[str, Any]) -> dict[str, Any]:
    """The description-free copy of the spec: the catalog's paths, the schemas they reach, and every path's methods."""
    wanted = {op.path for op in catalog.all_operations() if op.path.startswith("/")}
    paths = {path: raw["paths"][path] for path in sorted(wanted) if path in raw["paths"]}
    schemas = raw["components"]["schemas"]
    kept = {name: schemas[name] for name in _reachable(schemas, paths)}
    info = {"title": "Tripletex API (derived by scripts/derive_spec.py)", "version": raw["info"]["version"]}
    doc = {"openapi": raw["openapi"], "info": info, "paths": paths, "components": {"schemas": kept}}
    derived: dict[str, Any] = strip_prose(doc)
    derived["info"] = info
    derived[PATHS_KEY] = all_paths(raw)
    return derived


def all_paths(raw: dict[str, Any]) -> dict[str, list[str]]:
    """Every path of the spec that takes a method, with its methods in a fixed order."""
    table = {path: [m.upper() for m in METHODS if m in item] for path, item in sorted(raw["paths"].items())}
    return {path: methods for path, methods in table.items() if methods}


def derive_modules(raw: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The Make module map without its notes."""
    return [{key: entry.get(key) for key in MODULE_KEYS} for entry in raw]


def _text(data: Any) -> str:
    return json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write (or with --check, compare) the derived copies."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="folder holding the official files")
    parser.add_argument("--check", action="store_true", help="exit 1 if a copy on disk is out of date")
    args = parser.parse_args(argv)
    spec_path, modules_path = args.shared / "tripletex-openapi.json", args.shared / "modules.json"
    for path in (spec_path, modules_path):
        if not path.exists():
            print(f"not found: {path}", file=sys.stderr)
            return 2
    spec = _text(derive_spec(json.loads(spec_path.read_text(encoding="utf-8"))))
    modules = _text(derive_modules(json.loads(modules_path.read_text(encoding="utf-8"))))
    failed = write_or_check(SPEC_TARGET, spec, check=args.check, summary=f"{len(spec):,} bytes")
    failed |= write_or_check(MODULES_TARGET, modules, check=args.check, summary=f"{len(modules):,} bytes")
    return failed


if __name__ == "__main__":
    raise SystemExit(main())
