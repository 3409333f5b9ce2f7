"""Generate src/tripletex_connect/models/_generated.py from the official Tripletex OpenAPI spec.

Usage: python scripts/generate_models.py [--spec PATH] [--check]

One pydantic model per schema reachable from the catalog's bodies and responses (plus EXTRA_ROOTS),
every field optional (``fields=`` may select a few), Python names in snake_case with the API name as
alias, and a plain type table (SCHEMA_FIELDS) the sandbox uses to validate bodies without the spec.
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

from tripletex_connect.catalog import model_names, snake_case  # noqa: E402

DEFAULT_SPEC = ROOT.parent / "shared" / "tripletex-openapi.json"
TARGET = ROOT / "src" / "tripletex_connect" / "models" / "_generated.py"

# Value models every Make module and the invoicing flow need, beyond what the catalog names so far.
EXTRA_ROOTS = (
    "Account", "AccountingPeriod", "Activity", "AnnualAccount", "ApiError", "CloseGroup", "Company",
    "CompanyHolidays", "Country", "Currency", "Customer", "CustomerCategory", "Department", "Employee",
    "ExternalProduct", "HistoricalVoucher", "Inventory", "Invoice", "LoggedInUserInfo", "LogisticsSettings",
    "MonthlyStatus", "Order", "OrderGroup", "OrderLine", "PaymentType", "PaymentTypeOut", "Posting",
    "Product", "ProductGroup", "ProductGroupRelation", "ProductInventoryLocation", "ProductPrice",
    "ProductUnit", "ProductUnitMaster", "Project", "ProjectInvoiceDetails", "SessionToken", "Supplier",
    "SupplierProduct", "TimeClock", "TimesheetEntry", "TimesheetEntrySearchResponse",
    "TimesheetSalaryTypeSpecification", "TimesheetSettings", "VatType", "Voucher", "VoucherSearchResponse",
    "VoucherType", "Week",
)

_REF = re.compile(r"#/components/schemas/([A-Za-z0-9_]+)")



def _first_sentence(text: str | None, limit: int = 120) -> str:
    if not text:
        return ""
    plain = re.sub(r"<[^>]+>", " ", text)
    plain = " ".join(plain.split())
    sentence = re.split(r"(?<=[.!?])\s", plain, maxsplit=1)[0]
    return sentence if len(sentence) <= limit else sentence[: limit - 3].rstrip() + "..."


def closure(schemas: dict[str, Any], roots: set[str]) -> list[str]:
    """Every schema name reachable from the roots through $refs, sorted."""
    seen: set[str] = set()
    stack = [r for r in roots if r in schemas]
    missing = sorted(r for r in roots if r not in schemas)
    if missing:
        raise SystemExit(f"roots not in the spec: {missing}")
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        stack.extend(_REF.findall(json.dumps(schemas[name])))
    return sorted(seen)


def _unwrap(name: str) -> str:
    for prefix in ("ResponseWrapper", "ListResponse"):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def describe_field(prop: dict[str, Any]) -> tuple[str, str | None, tuple[str, ...], bool, str | None]:
    """(kind, ref, enum, read_only, format) of one property; kind in string/integer/number/boolean/array/object/ref."""
    read_only = bool(prop.get("readOnly"))
    if "$ref" in prop:
        return "ref", _REF.findall(prop["$ref"])[0], (), read_only, None
    kind = prop.get("type", "object")
    if kind == "array":
        items = prop.get("items", {})
        if "$ref" in items:
            return "array", _REF.findall(items["$ref"])[0], (), read_only, None
        return "array", items.get("type", "object"), tuple(items.get("enum", ())), read_only, None
    return kind, None, tuple(prop.get("enum", ())), read_only, prop.get("format")


_PY = {"string": "str", "integer": "int", "number": "float", "boolean": "bool", "object": "dict[str, Any]"}


def _annotation(kind: str, ref: str | None) -> str:
    if kind == "ref":
        return f"{ref}"
    if kind == "array":
        if ref in _PY:
            return f"list[{_PY[ref]}]"
        return f"list[{ref}]" if ref else "list[Any]"
    return _PY.get(kind, "Any")


def _python_name(api: str) -> str:
    return snake_case(api)


def render_model(name: str, schema: dict[str, Any]) -> list[str]:
    """Source lines of one model class."""
    summary = _first_sentence(schema.get("description"))
    doc = f"Tripletex `{name}` object." + (f" {summary}" if summary else "")
    lines = [f"class {name}(TripletexModel):", f'    """{doc}"""', ""]
    props = schema.get("properties", {})
    used: dict[str, str] = {}
    for api in sorted(props):
        py = _python_name(api)
        if py in used:
            raise SystemExit(f"{name}: fields {used[py]!r} and {api!r} both map to {py!r}")
        used[py] = api
        kind, ref, enum, read_only, _ = describe_field(props[api])
        notes = [_first_sentence(props[api].get("description"), 100).rstrip(".")]
        if enum:
            notes.append("one of " + ", ".join(enum))
        if read_only:
            notes.append("read-only")
        text = "; ".join(n for n in notes if n).replace("\\", "\\\\").replace('"', "'")
        lines.append(f'    {py}: {_annotation(kind, ref)} | None = Field(None, alias="{api}", description="{text}")')
    if not props:
        lines.append("    pass")
    return [*lines, "", ""]


def render_table(names: list[str], schemas: dict[str, Any]) -> list[str]:
    """Source lines of SCHEMA_FIELDS: name -> api field -> FieldSpec."""
    lines = ["SCHEMA_FIELDS: dict[str, dict[str, FieldSpec]] = {"]
    for name in names:
        props = schemas[name].get("properties", {})
        lines.append(f"    {name!r}: {{")
        for api in sorted(props):
            kind, ref, enum, read_only, fmt = describe_field(props[api])
            spec = f"FieldSpec({_python_name(api)!r}, {kind!r}, {ref!r}, {enum!r}, {read_only!r}, {fmt!r})"
            lines.append(f"        {api!r}: {spec},")
        lines.append("    },")
    return [*lines, "}", ""]


def generate(spec: dict[str, Any]) -> str:
    """The full text of _generated.py."""
    schemas = spec["components"]["schemas"]
    roots = {_unwrap(n) for n in model_names() if not n.startswith("multipart")} | set(EXTRA_ROOTS)
    names = closure(schemas, roots)
    version = spec.get("info", {}).get("version", "?")
    out = [
        f'"""Models generated by scripts/generate_models.py from the official spec {version} - do not edit."""',
        "",
        "from __future__ import annotations",
        "",
        "from typing import Any",
        "",
        "from pydantic import Field",
        "",
        "from .base import FieldSpec, TripletexModel",
        "",
        f"SPEC_VERSION = {version!r}",
        "",
        "__all__ = [",
        *[f"    {n!r}," for n in names],
        "]",
        "",
        "",
    ]
    for name in names:
        out.extend(render_model(name, schemas[name]))
    out.extend(render_table(names, schemas))
    return "\n".join(out).rstrip("\n") + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write (or with --check, compare) the generated models file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", type=Path, default=DEFAULT_SPEC, help="path of tripletex-openapi.json")
    parser.add_argument("--check", action="store_true", help="exit 1 if the file on disk is out of date")
    args = parser.parse_args(argv)
    if not args.spec.exists():
        print(f"spec not found: {args.spec}", file=sys.stderr)
        return 2
    text = generate(json.loads(args.spec.read_text(encoding="utf-8")))
    return write_or_check(TARGET, text, check=args.check, summary=f"{len(text):,} bytes")


if __name__ == "__main__":
    raise SystemExit(main())
