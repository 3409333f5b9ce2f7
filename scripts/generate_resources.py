"""Generate src/tripletex_connect/resources/_generated.py: typed SDK methods for every catalog operation.

The catalog is data; this script turns it into real classes with real signatures and docstrings, so
help(), IDEs and mypy see every parameter (botocore's weak side, avoided). Run `make generate`, or
`python scripts/generate_resources.py --check` to verify the file is up to date.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generated_file import write_or_check  # noqa: E402

from tripletex_connect import catalog  # noqa: E402
from tripletex_connect.catalog import Kind, Operation, Param  # noqa: E402

TARGET = ROOT / "src" / "tripletex_connect" / "resources" / "_generated.py"
RESERVED = {"self", "body", "limit", "page_size", "extra_params", "file"}
PY_TYPES = {
    "string": "str",
    "integer": "int",
    "number": "float",
    "boolean": "bool",
    "date": "DateLike",
    "datetime": "DateTimeLike",
    "ids": "IdList",
    "strings": "StrList",
}


def class_name(resource: str, is_async: bool) -> str:
    """`customer_categories` -> `CustomerCategories` (or `AsyncCustomerCategories`)."""
    name = "".join(part.capitalize() for part in resource.split("_"))
    return f"Async{name}" if is_async else name


def _check_names(op: Operation) -> None:
    for p in op.params:
        if p.python_name in RESERVED:
            raise SystemExit(f"{op.key}: parameter {p.name!r} collides with the reserved SDK name {p.python_name!r}")


def _returns(op: Operation, is_async: bool) -> str:
    model = f"m.{op.response}" if op.response else "Any"
    if op.paged:
        return f"{'AsyncPaginator' if is_async else 'Paginator'}[{model}]"
    if op.batch or op.envelope == "values":
        return f"list[{model}]"
    if op.envelope == "first":
        return f"{model} | None"
    if op.envelope == "none":
        return "None"
    if op.envelope == "binary":
        return "bytes"
    return model


def _signature(op: Operation) -> list[str]:
    args = ["self"]
    args += [f"{p.python_name}: {PY_TYPES[p.type]}" for p in op.path_params]
    if op.body is not None:
        one = f"m.{op.body} | Mapping[str, Any]"
        args.append(f"body: Sequence[{one}]" if op.body_is_list else f"body: {one}")
    if op.kind is Kind.UPLOAD:
        args.append("file: FileInput")
    query = sorted(op.query_params, key=lambda p: not p.required)
    if query or op.paged:
        args.append("*")
    for p in query:
        hint = PY_TYPES[p.type]
        args.append(f"{p.python_name}: {hint}" if p.required else f"{p.python_name}: {hint} | None = None")
    if op.paged:
        args += ["limit: int | None = None", "page_size: int | None = None"]
    return args


def _param_doc(p: Param) -> str:
    text = (p.help or p.name).rstrip(".") + "."
    if p.enum:
        text += f" One of: {', '.join(p.enum)}."
    if p.required and p.location == "query":
        text += " Required."
    return f"{p.python_name}: {text}"


def _docstring(op: Operation) -> list[str]:
    lines = [op.summary, ""]
    where = f"{op.method} {op.path}"
    lines.append(f'Make module: "{op.title}" ({op.group}), {where}.' if op.make_module else f"{op.title}: {where}.")
    if op.beta:
        lines.append("Marked [BETA] in the official API.")
    docs = [_param_doc(p) for p in (*op.path_params, *op.query_params)]
    if op.body is not None:
        docs.insert(len(op.path_params), f"body: the {op.body} to send, as a model or a dict with API field names.")
    if op.kind is Kind.UPLOAD:
        docs.insert(len(op.path_params), "file: the file to upload: a path, bytes or a binary file object.")
    if op.paged:
        docs += [
            "limit: stop after this many values (Make's limit); all when None.",
            "page_size: values fetched per request (default 1000).",
        ]
    if docs:
        lines += ["", "Args:"] + [f"    {d}" for d in docs]
    return lines


def method_source(op: Operation, is_async: bool) -> str:
    """The source of one resource method."""
    _check_names(op)
    returns = _returns(op, is_async)
    awaits = is_async and not op.paged
    head = f"{'async ' if awaits else ''}def {op.name}("
    sig = _signature(op)
    one_line = f"    {head}{', '.join(sig)}) -> {returns}:"
    if len(one_line) <= 120:
        out = [one_line]
    else:
        out = [f"    {head}"] + [f"        {a}," for a in sig] + [f"    ) -> {returns}:"]
    doc = _docstring(op)
    out.append(f'        """{doc[0]}')
    out += [f"        {line}".rstrip() for line in doc[1:]]
    out.append('        """')
    call = f'{"await " if awaits else ""}self._call("{op.key}", locals())'
    if returns == "None":
        out.append(f"        {call}")
    else:
        out += [f"        result: {returns} = {call}", "        return result"]
    return f'    @operation("{op.key}")\n' + "\n".join(out)


def class_source(resource: str, ops: list[Operation], is_async: bool) -> str:
    """The source of one resource class."""
    groups = sorted({op.group for op in ops})
    base = "AsyncResource" if is_async else "SyncResource"
    doc = f'    """{resource.replace("_", " ").capitalize()}: Make group {", ".join(groups)}."""'
    methods = "\n\n".join(method_source(op, is_async) for op in ops)
    return f"class {class_name(resource, is_async)}({base}):\n{doc}\n\n{methods}\n"


def mixin_source(resources: dict[str, list[Operation]], is_async: bool) -> str:
    """The mixin that gives a client one attribute per resource."""
    name = "AsyncResources" if is_async else "SyncResources"
    lines = [f"class {name}:", f'    """The resources of the {"async" if is_async else "sync"} client."""', ""]
    lines += [f"    {r}: {class_name(r, is_async)}" for r in resources]
    # The client mixes this in and has `invoke`; naming the client class here would be an import circle.
    lines += ["", "    def _init_resources(self) -> None:", "        client = cast(Invoker, self)"]
    lines += [f"        self.{r} = {class_name(r, is_async)}(client)" for r in resources]
    return "\n".join(lines) + "\n"


def render() -> str:
    """The whole generated module."""
    resources = catalog.resources()
    header = textwrap.dedent(
        '''\
        """SDK resources, one class per catalog resource (sync and async).

        Generated by scripts/generate_resources.py from the operation catalog - do not edit.
        """

        from __future__ import annotations

        from collections.abc import {abc_names}
        from typing import TYPE_CHECKING, Any, cast

        from ..core.paging import AsyncPaginator, Paginator
        from .base import {base_names}

        if TYPE_CHECKING:  # annotations only: the models load on the first answer, not with `import tripletex_connect`
            from .. import models as m

        __all__ = [{names}]
        '''
    )
    names = [class_name(r, a) for r in resources for a in (False, True)] + ["AsyncResources", "SyncResources"]
    body = []
    for is_async in (False, True):
        body += [class_source(r, ops, is_async) for r, ops in resources.items()]
        body.append(mixin_source(resources, is_async))
    text = "".join(body)
    aliases = [a for a in ("DateLike", "DateTimeLike", "FileInput", "IdList", "StrList") if f": {a}" in text]
    base_names = ", ".join(sorted(["AsyncResource", "Invoker", "SyncResource", "operation", *aliases]))
    abc_names = "Mapping, Sequence" if "Sequence[" in text else "Mapping"
    quoted = ", ".join(f'"{n}"' for n in sorted(names))
    head = header.format(names=quoted, base_names=base_names, abc_names=abc_names)
    source = "\n\n".join(part.rstrip("\n") + "\n" for part in [head, *body])
    return source.replace("\n\n\n\n", "\n\n\n")


def main() -> int:
    """Write the generated module, or with --check report whether it is stale."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 if the file on disk is out of date")
    args = parser.parse_args()
    return write_or_check(TARGET, render(), check=args.check, summary=f"{len(catalog.resources())} resources")


if __name__ == "__main__":
    raise SystemExit(main())
