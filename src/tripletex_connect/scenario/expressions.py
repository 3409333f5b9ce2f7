"""Mapping expressions: `{{ ... }}` in strings, evaluated safely against vars, trigger, steps and item.

An expression is parsed with Python's `ast` and only a whitelist of node kinds is accepted: names,
constants, `.attribute` and `[index]` lookups on data (never on Python objects), calls of the functions
in `functions.FUNCTIONS`, arithmetic, comparisons, `and`/`or`/`not`, `x if c else y`, list/dict literals,
and filters written `value | upper` or `value | default('none')`. Nothing is ever passed to eval/exec,
and names or attributes starting with `_` are refused, so `''.__class__` or `__import__` cannot run.
Every evaluation is bounded (limits.py): the size of each value it builds, the nesting depth and the work
done; `%` is arithmetic only (text formatting with `%` is refused).
A string that is exactly one expression keeps the value's type; otherwise the parts are joined as text.
"""

from __future__ import annotations

import ast
import datetime as dt
import json
import operator
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..catalog import snake_case
from ..core.invoke import suggest
from .errors import ExpressionError
from .functions import ALL_NAMES, BOUNDED, FUNCTIONS, GROWING, OSLO, ZONED, arity
from .limits import MAX_DEPTH, LimitError, Limits, check_planned, check_size, size_of

_TEMPLATE = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
MAX_EXPRESSION = 2000
CONSTANTS: dict[str, Any] = {"true": True, "false": False, "null": None, "none": None,
                             "True": True, "False": False, "None": None}
_BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod,
}
_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Gt: operator.gt, ast.GtE: operator.ge, ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b,
}
_ALLOWED = (ast.Expression, ast.Constant, ast.Name, ast.Load, ast.Attribute, ast.Subscript, ast.Call, ast.BinOp,
            ast.UnaryOp, ast.BoolOp, ast.Compare, ast.IfExp, ast.List, ast.Tuple, ast.Dict, ast.And, ast.Or,
            ast.Not, ast.USub, ast.UAdd, ast.BitOr, *_BINARY, *_COMPARE)


def segments(text: str) -> list[str | ast.expr]:
    """A template string split into literal text and parsed expressions."""
    out: list[str | ast.expr] = []
    pos = 0
    for match in _TEMPLATE.finditer(text):
        if match.start() > pos:
            out.append(text[pos:match.start()])
        out.append(parse(match.group(1)))
        pos = match.end()
    if "{{" in text[pos:]:
        raise ExpressionError(f"unclosed {{{{ in {text!r}: every {{{{ needs its }}}}")
    if pos < len(text):
        out.append(text[pos:])
    return out


def expressions_in(value: Any) -> Iterator[tuple[str, Any]]:
    """Every template string in nested data, with its path relative to `value`."""
    if isinstance(value, str):
        if "{{" in value:
            yield value, ()
    elif isinstance(value, Mapping):
        for key, item in value.items():
            for text, path in expressions_in(item):
                yield text, (key, *path)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            for text, path in expressions_in(item):
                yield text, (index, *path)


@lru_cache(maxsize=2048)
def parse(source: str) -> ast.expr:
    """Parse one expression (the text between `{{` and `}}`), refusing anything outside the whitelist."""
    text = source.strip()
    if not text:
        raise ExpressionError("empty expression {{ }}")
    if len(text) > MAX_EXPRESSION:
        raise ExpressionError(f"expression longer than {MAX_EXPRESSION} characters")
    try:
        # Parenthesised, an expression may span lines, as YAML's folded and literal blocks give them.
        tree = ast.parse(f"(\n{text}\n)", mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"cannot parse {{{{ {text} }}}}: {exc.msg}") from None
    except (RecursionError, MemoryError):
        raise LimitError(f"{{{{ {text:.80} }}}}: nested too deeply (at most {MAX_DEPTH} levels)") from None
    if depth(tree.body) > MAX_DEPTH:
        raise LimitError(f"{{{{ {text:.80} }}}}: nested too deeply (at most {MAX_DEPTH} levels); "
                         "split it over vars or steps")
    filters = {id(n.right): n for n in ast.walk(tree) if isinstance(n, ast.BinOp) and isinstance(n.op, ast.BitOr)}
    for node in ast.walk(tree):
        _check_node(node, text, id(node) in filters)
    for node in filters.values():
        _check_filter(node, text)
    return tree.body


def depth(tree: ast.AST) -> int:
    """How deeply an expression's nodes nest (counted without recursion, so any tree can be measured)."""
    deepest = 0
    stack = [(tree, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        if isinstance(node, ast.expr):
            stack.extend((child, level + 1) for child in ast.iter_child_nodes(node) if isinstance(child, ast.expr))
    return deepest


def _check_filter(node: ast.BinOp, text: str) -> None:
    target = node.right
    name = target.id if isinstance(target, ast.Name) else target.func.id if (
        isinstance(target, ast.Call) and isinstance(target.func, ast.Name)) else None
    if name is None:
        raise ExpressionError(f"{{{{ {text} }}}}: after | comes a function, e.g. | upper or | default(0)")
    if name not in ALL_NAMES:
        raise ExpressionError(f"{{{{ {text} }}}}: unknown filter {name!r}{suggest(name, ALL_NAMES)}")
    given = 1 + (len(target.args) if isinstance(target, ast.Call) else 0)
    _check_arity(name, given, text, "filter")


def _check_arity(name: str, given: int, text: str, kind: str) -> None:
    low, high = arity(name)
    if low <= given <= high:
        return
    wanted = f"{low}" if low == high else f"{low} to {high}"
    shown = f"| {name}" if kind == "filter" else f"{name}()"
    extra = " (the value before | counts as the first)" if kind == "filter" else ""
    raise ExpressionError(f"{{{{ {text} }}}}: {shown} takes {wanted} argument{'s' if high != 1 else ''}{extra}, "
                          f"got {given}")


def _check_node(node: ast.AST, text: str, is_filter: bool = False) -> None:
    if not isinstance(node, _ALLOWED):
        raise ExpressionError(f"{{{{ {text} }}}}: {type(node).__name__} is not allowed in an expression")
    name = node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else ""
    if name.startswith("_"):
        raise ExpressionError(f"{{{{ {text} }}}}: names starting with '_' are not allowed ({name})")
    if isinstance(node, ast.Constant) and not isinstance(node.value, str | int | float | bool | type(None)):
        raise ExpressionError(f"{{{{ {text} }}}}: constant {node.value!r} is not allowed")
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in ALL_NAMES:
            called = ast.unparse(node.func)
            raise ExpressionError(f"{{{{ {text} }}}}: unknown function {called!r}{suggest(called, ALL_NAMES)}")
        if node.keywords:
            raise ExpressionError(f"{{{{ {text} }}}}: functions take positional arguments only")
        if not is_filter:
            _check_arity(node.func.id, len(node.args), text, "function")


@dataclass(frozen=True)
class Reference:
    """A data reference found in an expression: its root name and the attribute chain after it."""

    root: str
    chain: tuple[str, ...]
    text: str


def references(tree: ast.expr) -> Iterator[Reference]:
    """Every `name.attr.attr` chain in an expression (function names excluded)."""
    called = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    filters = {id(n.right) for n in ast.walk(tree) if isinstance(n, ast.BinOp) and isinstance(n.op, ast.BitOr)}
    inner = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    for node in ast.walk(tree):
        if id(node) in inner or id(node) in called or id(node) in filters:
            continue
        chain = _chain(node) if isinstance(node, ast.Attribute | ast.Name) else None
        if chain is not None:
            yield Reference(chain[0], chain[1:], ".".join(chain))


def _chain(node: ast.expr) -> tuple[str, ...] | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Subscript):
        return _chain(node.value) if isinstance(node.value, ast.Attribute | ast.Name) else None
    return (node.id, *reversed(parts)) if isinstance(node, ast.Name) else None


@dataclass
class Context:
    """What expressions can see: vars, trigger, steps, the foreach item, a clock, its time zone and the limits.

    today(), now() and the date functions read the clock in `tz` (Tripletex's calendar, Europe/Oslo, unless
    the scenario sets `timezone:`), whatever the machine's zone.
    """

    names: dict[str, Any]
    now: Callable[[], dt.datetime] = field(default=lambda: dt.datetime.now(dt.UTC))
    tz: dt.tzinfo = OSLO
    limits: Limits = field(default_factory=Limits)

    def child(self, **names: Any) -> Context:
        """A context with more names (the item of a foreach), sharing the rest."""
        return Context({**self.names, **names}, self.now, self.tz, self.limits)

    def moment(self) -> dt.datetime:
        """The clock's time in the context's zone (a naive clock is taken as UTC)."""
        value = self.now()
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(self.tz)


def render(value: Any, ctx: Context) -> Any:
    """Evaluate every template in nested data; a string that is exactly one expression keeps its type."""
    if isinstance(value, str):
        return render_text(value, ctx) if "{{" in value else value
    if isinstance(value, Mapping):
        return {key: render(item, ctx) for key, item in value.items()}
    if isinstance(value, list):
        return [render(item, ctx) for item in value]
    return value


def render_text(text: str, ctx: Context) -> Any:
    """One template string: a typed value for `{{ x }}` alone, else text with each value interpolated."""
    parts = segments(text)
    if len(parts) == 1 and not isinstance(parts[0], str):
        return _evaluate(parts[0], ctx)
    out: list[str] = []
    size = 0
    for part in parts:
        piece = part if isinstance(part, str) else _as_text(_evaluate(part, ctx))
        size += len(piece)
        check_planned(size, ctx.limits, "the text")
        out.append(piece)
    return "".join(out)


def _evaluate(node: ast.expr, ctx: Context) -> Any:
    try:
        return Evaluator(ctx).eval(node)
    except ExpressionError as exc:
        raise type(exc)(f"{{{{ {ast.unparse(node)} }}}}: {exc}") from None
    except RecursionError:  # a hand-built tree deeper than parse() allows
        raise LimitError(f"{{{{ {ast.unparse(node)[:80]} }}}}: nested too deeply") from None


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


class Undefined(ExpressionError):
    """A reference to something that does not exist (an unknown name, key or index)."""


class Unsent(Undefined):
    """A reference to a field of a write a dry run did not send: its value is unknown, not missing."""


class StandIn(dict[str, Any]):
    """The result of a write a dry run did not send: what is known of it (its body, `id: null`)."""

    def __init__(self, step_id: str, known: Mapping[str, Any] | None = None) -> None:
        super().__init__(known or {})
        self.step_id = step_id


class Evaluator:
    """Walks a whitelisted expression tree; the only code path that gives expressions meaning."""

    _BUILDERS = (ast.BinOp, ast.List, ast.Tuple, ast.Dict)

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.limits = ctx.limits
        self.steps = 0
        self.level = 0

    def charge(self, units: int) -> None:
        """Spend work units of the evaluation's budget; LimitError when it runs out."""
        self.steps += units
        if self.steps > self.limits.max_steps:
            raise LimitError(f"the expression does too much work (more than {self.limits.max_steps:,} steps)")

    def eval(self, node: ast.expr) -> Any:
        """The value of an expression node; what it builds is size-checked, its depth and work are counted."""
        method = getattr(self, "_" + type(node).__name__.lower(), None)
        if method is None:  # parse() already refuses these; this guards trees built by hand
            raise ExpressionError(f"{type(node).__name__} is not allowed in an expression")
        self.charge(1)
        self.level += 1
        try:
            if self.level > self.limits.max_depth:
                raise LimitError(f"nested too deeply (at most {self.limits.max_depth} levels)")
            value = method(node)
        finally:
            self.level -= 1
        if isinstance(node, self._BUILDERS):
            check_size(value, self.limits)
        return value

    def _constant(self, node: ast.Constant) -> Any:
        return node.value

    def _name(self, node: ast.Name) -> Any:
        if node.id in self.ctx.names:
            return self.ctx.names[node.id]
        if node.id in CONSTANTS:
            return CONSTANTS[node.id]
        if node.id in ("today", "now"):
            return self._special(node.id, [])
        known = [*self.ctx.names, *CONSTANTS]
        raise Undefined(f"{node.id!r} is not defined{suggest(node.id, known)}")

    def _attribute(self, node: ast.Attribute) -> Any:
        return lookup(self.eval(node.value), node.attr, ast.unparse(node.value))

    def _subscript(self, node: ast.Subscript) -> Any:
        base = self.eval(node.value)
        key = self.eval(node.slice)
        where = ast.unparse(node.value)
        if isinstance(base, list | str) and isinstance(key, int) and not isinstance(key, bool):
            if -len(base) <= key < len(base):
                return base[key]
            raise Undefined(f"{where}[{key}] is out of range ({len(base)} items)")
        if isinstance(base, Mapping):
            return lookup(base, str(key), where)
        raise Undefined(f"{where}[{key!r}]: cannot index {_type(base)}")

    def _call(self, node: ast.Call) -> Any:
        assert isinstance(node.func, ast.Name)
        return self.apply(node.func.id, node.args, [])

    def apply(self, name: str, arg_nodes: list[ast.expr], before: list[Any]) -> Any:
        """Call a function or filter with already evaluated values `before` and argument nodes."""
        if name == "default":
            return self._default(arg_nodes, before)
        args = [*before, *(self.eval(a) for a in arg_nodes)]
        unsent = next((a for a in args if isinstance(a, StandIn)), None)
        if unsent is not None:  # a dry run: the value is known only once that write is sent
            raise Unsent(f"{name}() needs the result of step {unsent.step_id!r} (a write a dry run does not send)")
        if name in ("today", "now"):
            return self._special(name, args)
        # a function walks its lists: that is work of this evaluation
        self.charge(sum(len(a) for a in args if isinstance(a, list | tuple | Mapping)))
        extra: dict[str, Any] = {}
        if name in ZONED:
            extra["tz"] = self.ctx.tz
        if name in BOUNDED:
            extra["limit"] = self.limits.max_size
        try:
            value = FUNCTIONS[name](*args, **extra)
        except ExpressionError:
            raise
        except (TypeError, ValueError, ArithmeticError) as exc:
            raise ExpressionError(f"{name}(): {exc}") from None
        return check_size(value, self.limits, f"the result of {name}()") if name in GROWING else value

    def _default(self, arg_nodes: list[ast.expr], before: list[Any]) -> Any:
        nodes = list(arg_nodes)
        if not before:
            if not nodes:
                raise ExpressionError("default() needs a value and a fallback")
            try:
                before = [self.eval(nodes.pop(0))]
            except Undefined:
                before = [None]
        fallback = self.eval(nodes[0]) if nodes else ""
        return fallback if before[0] is None or before[0] == "" else before[0]

    def _special(self, name: str, args: list[Any]) -> str:
        if args:
            raise ExpressionError(f"{name}() takes no arguments")
        moment = self.ctx.moment()
        return moment.date().isoformat() if name == "today" else moment.isoformat(timespec="seconds")

    def _binop(self, node: ast.BinOp) -> Any:
        if isinstance(node.op, ast.BitOr):
            return self._filter(node)
        left, right = self.eval(node.left), self.eval(node.right)
        _plan(type(node.op), left, right, self.limits)
        return _arith(type(node.op), left, right, ast.unparse(node))

    def _filter(self, node: ast.BinOp) -> Any:
        target = node.right
        if isinstance(target, ast.Name) and target.id in ALL_NAMES:
            name, args = target.id, []
        elif isinstance(target, ast.Call) and isinstance(target.func, ast.Name):
            name, args = target.func.id, list(target.args)
        else:
            raise ExpressionError(f"{ast.unparse(node)}: after | comes a function, e.g. | upper or | default(0)")
        if name == "default":
            try:
                value = self.eval(node.left)
            except Undefined:
                value = None
            return self._default(args, [value])
        return self.apply(name, args, [self.eval(node.left)])

    def _unaryop(self, node: ast.UnaryOp) -> Any:
        value = self.eval(node.operand)
        if isinstance(node.op, ast.Not):
            return not value
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise ExpressionError(f"{ast.unparse(node)}: {_type(value)} is not a number")
        return -value if isinstance(node.op, ast.USub) else value

    def _boolop(self, node: ast.BoolOp) -> Any:
        result: Any = None
        for value_node in node.values:
            result = self.eval(value_node)
            if isinstance(node.op, ast.And) and not result:
                return result
            if isinstance(node.op, ast.Or) and result:
                return result
        return result

    def _compare(self, node: ast.Compare) -> bool:
        left = self.eval(node.left)
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            right = self.eval(right_node)
            try:
                if not _COMPARE[type(op)](left, right):
                    return False
            except TypeError:
                raise ExpressionError(f"{ast.unparse(node)}: cannot compare {_type(left)} and {_type(right)}") from None
            left = right
        return True

    def _ifexp(self, node: ast.IfExp) -> Any:
        return self.eval(node.body) if self.eval(node.test) else self.eval(node.orelse)

    def _list(self, node: ast.List) -> list[Any]:
        return [self.eval(item) for item in node.elts]

    def _tuple(self, node: ast.Tuple) -> list[Any]:
        return [self.eval(item) for item in node.elts]

    def _dict(self, node: ast.Dict) -> dict[str, Any]:
        if any(key is None for key in node.keys):
            raise ExpressionError("** is not allowed in an expression")
        return {str(self.eval(k)): self.eval(v) for k, v in zip(node.keys, node.values, strict=True) if k is not None}


def _plan(op: type[ast.operator], left: Any, right: Any, limits: Limits) -> None:
    """Refuse, before it is built, a value that would be too large (in either operand order); no `%` on text."""
    if op is ast.Mod and isinstance(left, str | bytes):
        raise LimitError("% formatting of text is not supported; join text with + or use format_date(), money()")
    if op is ast.Mult:
        for seq, times in ((left, right), (right, left)):
            if isinstance(seq, str | list | tuple) and isinstance(times, int) and not isinstance(times, bool):
                check_planned(size_of(seq, limits.max_size) * max(times, 0), limits)
    if op is ast.Add and isinstance(left, str | list) and isinstance(right, str | list):
        check_planned(size_of(left, limits.max_size) + size_of(right, limits.max_size), limits)


def _arith(op: type[ast.operator], left: Any, right: Any, text: str) -> Any:
    try:
        return _BINARY[op](left, right)
    except ZeroDivisionError:
        raise ExpressionError(f"{text}: division by zero") from None
    except (OverflowError, MemoryError):
        raise LimitError(f"{text}: the result is too large") from None
    except TypeError:
        raise ExpressionError(f"{text}: cannot combine {_type(left)} and {_type(right)}") from None


def lookup(base: Any, key: str, where: str) -> Any:
    """`base.key` on data: a mapping's key (API or snake_case name), or first/last/count/values of a list."""
    if isinstance(base, Mapping):
        if key in base:
            return base[key]
        by_snake = {snake_case(str(k)).rstrip("_"): k for k in base}
        if key in by_snake:
            return base[by_snake[key]]
        if isinstance(base, StandIn):
            raise Unsent(f"{where}.{key} is known only when step {base.step_id!r} runs "
                         "(a write a dry run does not send)")
        keys = [str(k) for k in base]
        shown = ", ".join(keys[:12]) + (", ..." if len(keys) > 12 else "")
        raise Undefined(f"{where} has no {key!r}{suggest(key, keys)}; it has: {shown or 'nothing'}")
    if isinstance(base, list):
        if key in ("first", "last"):
            return (base[0] if key == "first" else base[-1]) if base else None
        if key in ("count", "length"):
            return len(base)
        if key == "values":
            return base
    if base is None:
        raise Undefined(f"{where} is null (a skipped step, or a missing value), so it has no {key!r}")
    raise Undefined(f"{where} is {_type(base)}, which has no {key!r}")


def _type(value: Any) -> str:
    if value is None:
        return "null"
    names = {dict: "an object", list: "a list", str: "text", bool: "a boolean", int: "a number", float: "a number"}
    return names.get(type(value), type(value).__name__)
