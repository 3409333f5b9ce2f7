"""Commands derived from the catalog: one group per resource, one command per operation, built on demand.

`ttx customers search --customer-name Acme --limit 10` is `tx.invoke("customer.search", {...}, limit=10)`.
Path parameters become typed arguments, query parameters typed options; bodies come from `--data` and
`--set`. Nothing here names an operation: a new catalog entry is a new command.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from typer.core import TyperGroup

from ..catalog import Kind, Operation, Param
from .examples import epilog, operation_example
from .execute import run_operation
from .output import OutputFormat

# Options every derived command may add; a catalog parameter with one of these names gets a `param-` prefix.
_CONTROL_NAMES = frozenset({"limit", "page-size", "data", "set", "output", "help", "file"})
OUTPUT_HELP = "Output format: json, jsonl, csv or table (default: table at a terminal, else json)."
LIMIT_HELP = "Stop after N values (Make's limit); default: all."
PAGE_SIZE_HELP = "Values fetched per request (default 1000)."
FILE_HELP = "The file to upload (PDF, PNG, JPEG or TIFF)."
SET_HELP = (
    "Set a body field, dotted for nested (postalAddress.city=Oslo). The value is JSON when it parses, "
    "else text (quote to force text: name='\"123\"'). Applied on top of --data; repeatable."
)
OutputOption = Annotated[OutputFormat | None, typer.Option("--output", "-o", help=OUTPUT_HELP, show_default=False)]


def command_name(op: Operation) -> str:
    """The CLI command name of an operation (`with_login_access` -> `with-login-access`)."""
    return op.name.replace("_", "-")


def group_name(resource: str) -> str:
    """The CLI group name of a resource (`customer_categories` -> `customer-categories`)."""
    return resource.replace("_", "-")


def option_name(param: Param) -> str:
    """The long option of a query parameter, without dashes."""
    name = param.cli_name
    return f"param-{name}" if name in _CONTROL_NAMES else name


def parse_date(value: str) -> str:
    """A date option: YYYY-MM-DD, checked to be a real date."""
    try:
        if len(value) == 10:
            dt.date.fromisoformat(value)
            return value
    except ValueError:
        pass
    raise typer.BadParameter(f"{value!r} is not a date as YYYY-MM-DD")


def parse_ids(value: str) -> str:
    """An id-list option: one id or a comma list (`1,2,3`), each a whole number."""
    items = [item.strip() for item in value.split(",") if item.strip()]
    if not items or not all(item.isdigit() for item in items):
        raise typer.BadParameter(f"{value!r} is not an id or a comma list of ids such as 1,2,3")
    return ",".join(items)


def _escape(text: str) -> str:
    # Help is plain text (no rich markup), so catalog text shows as written.
    return text


LONG_ENUM = 60


def _param_help(param: Param) -> str:
    text = param.help or param.name
    if param.default is not None and param.location == "query":
        default = str(param.default).lower() if isinstance(param.default, bool) else str(param.default)
        text += f" (server default: {default})"
    return _escape(text)


def _annotation(param: Param, option: str | None) -> Any:
    """The Typer annotation for a catalog parameter: its Python type plus the Argument/Option that shows it."""
    help_text = _param_help(param)
    python_type: Any
    extra: dict[str, Any] = {}
    if param.enum:
        python_type = Literal[param.enum]
        if len("|".join(param.enum)) > LONG_ENUM:
            # A long choice would swamp the option table: show CHOICE and list the values in the help.
            extra = {"metavar": "CHOICE"}
            help_text += _escape(" One of: " + ", ".join(param.enum) + ".")
    elif param.type == "integer":
        python_type = int
    elif param.type == "number":
        python_type = float
    elif param.type == "boolean":
        python_type = bool
    elif param.type == "date":
        python_type, extra = str, {"parser": parse_date, "metavar": "YYYY-MM-DD"}
    elif param.type == "datetime":
        python_type, extra = str, {"metavar": "DATETIME"}
    elif param.type == "ids":
        python_type, extra = list[str], {"parser": parse_ids, "metavar": "ID[,ID...]"}
    elif param.type == "strings":
        python_type, extra = list[str], {"metavar": "TEXT (repeatable)"}
    else:
        python_type = str
    if option is None:
        info = typer.Argument(help=help_text, metavar=param.cli_name.upper(), show_default=False, **extra)
        return Annotated[python_type, info]
    decls = [f"--{option}/--no-{option}"] if param.type == "boolean" else [f"--{option}"]
    info = typer.Option(*decls, help=help_text, show_default=False, **extra)
    if param.required:
        return Annotated[python_type, info]
    return Annotated[python_type | None, info]


@dataclass(frozen=True)
class CommandSpec:
    """An operation's command: the Python parameters Typer sees and the catalog parameter behind each."""

    op: Operation
    parameters: tuple[inspect.Parameter, ...]
    catalog_params: dict[str, Param]


def _control(name: str, python_type: Any, *decls: str, **info: Any) -> inspect.Parameter:
    """One of the CLI's own options (not a catalog parameter), unset by default."""
    annotation = Annotated[python_type | None, typer.Option(*decls, **info)]
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=annotation)


def command_spec(op: Operation) -> CommandSpec:
    """The parameters of the command for `op`: path arguments, query options, then the CLI's own options."""
    kw = inspect.Parameter.KEYWORD_ONLY
    params = [inspect.Parameter("ctx", kw, annotation=typer.Context)]
    by_name: dict[str, Param] = {}
    for index, param in enumerate((*op.path_params, *op.query_params)):
        name = f"p{index}"
        by_name[name] = param
        option = None if param.location == "path" else option_name(param)
        default = inspect.Parameter.empty if param.required else None
        params.append(inspect.Parameter(name, kw, default=default, annotation=_annotation(param, option)))
    if op.paged:
        params += [
            _control("limit", int, "--limit", min=0, metavar="N", help=LIMIT_HELP),
            _control("page_size", int, "--page-size", min=1, metavar="N", help=PAGE_SIZE_HELP),
        ]
    if op.body is not None:
        what = f"{op.body} list" if op.body_is_list else op.body
        data_help = f"The {what} as JSON, @FILE, or - for standard input."
        params += [
            _control("data", str, "--data", "-d", metavar="JSON|@FILE|-", help=data_help),
            _control("set_values", list[str], "--set", metavar="FIELD=VALUE", help=SET_HELP),
        ]
    if op.kind is Kind.UPLOAD:
        option = typer.Option("--file", "-f", help=FILE_HELP, metavar="FILE", exists=True, dir_okay=False)
        params.append(inspect.Parameter("file", kw, annotation=Annotated[Path, option]))
    if op.envelope == "binary":
        params.append(_control("out", Path, "--out", metavar="FILE", help="Write the document (e.g. the PDF) to FILE."))
    params.append(inspect.Parameter("output", kw, default=None, annotation=OutputOption))
    return CommandSpec(op, tuple(params), by_name)


def command_help(op: Operation) -> str:
    """The help of an operation's command: its summary, the Make module it is, and notes."""
    origin = f"Make module: {op.group} / {op.title}" if op.make_module else (
        f"{op.title}: an extra operation, not a Make module (group {op.group})")
    lines = [_escape(op.summary), "", _escape(origin)]
    if op.beta:
        lines[-1] += " (beta in the API)"
    if op.note:
        lines += ["", _escape(op.note)]
    lines += ["", f"SDK: {_escape(op.sdk_call)}"]
    return "\n".join(lines)


def build_command(op: Operation) -> Any:
    """The Typer command for one operation."""
    spec = command_spec(op)

    def callback(**values: Any) -> None:
        run_operation(op, spec.catalog_params, values.pop("ctx"), values)

    callback.__signature__ = inspect.Signature(list(spec.parameters))  # type: ignore[attr-defined]
    callback.__annotations__ = {p.name: p.annotation for p in spec.parameters}
    callback.__name__ = op.name
    app = typer.Typer(add_completion=False, rich_markup_mode=None)
    example = epilog([operation_example(op, option_name)])
    app.command(command_name(op), help=command_help(op), short_help=_escape(op.title), epilog=example)(callback)
    return typer.main.get_command(app)


class ResourceGroup(TyperGroup):
    """`ttx <resource>`: the resource's operations as commands, each built the first time it is needed."""

    builds_own_examples = True

    def __init__(self, resource: str, operations: Sequence[Operation], **attrs: Any) -> None:
        names = ", ".join(command_name(op) for op in operations)
        groups = ", ".join(dict.fromkeys(op.group for op in operations))
        example = epilog([operation_example(op, option_name) for op in operations[:2]])
        super().__init__(
            name=group_name(resource), help=_escape(f"{groups}: {names}"), epilog=example, no_args_is_help=True,
            rich_markup_mode=None, **attrs,
        )
        self._operations = {command_name(op): op for op in operations}

    def list_commands(self, ctx: Any) -> list[str]:
        """The resource's commands, in catalog order."""
        return list(self._operations)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        """The command of that name, built from its catalog entry on first use."""
        if cmd_name not in self.commands and cmd_name in self._operations:
            self.commands[cmd_name] = build_command(self._operations[cmd_name])
        return self.commands.get(cmd_name)
