"""Read YAML into plain data plus the line of every value, keeping dates as text; bounded in size and shape.

A scenario file is at most MAX_FILE bytes; aliases may repeat a value, but the whole document expands to at
most MAX_NODES values nested at most MAX_NESTING deep (so a few bytes of nested aliases cannot take minutes
and gigabytes); only YAML's standard tags are accepted (`!!python/...` or `!custom` are refused).
"""

from __future__ import annotations

from typing import Any

import yaml

from .errors import Problem
from .model import Path_

MAX_FILE = 1_000_000
MAX_NODES = 20_000
MAX_NESTING = 100
_TAG = "tag:yaml.org,2002:"
KNOWN_TAGS = frozenset(_TAG + name for name in ("str", "int", "float", "bool", "null", "map", "seq"))


class _TooLarge(Exception):
    """The document expands beyond the limits; carries the problem to report."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem


class _Loader(yaml.SafeLoader):
    """A safe loader that leaves `2026-11-25` as text: the API wants dates as text anyway."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def parse_scalar(text: str) -> Any:
    """A `--var` value as YAML reads it: `5` is a number, `true` a boolean, `2026-11-25` text."""
    if not text.strip() or len(text) > MAX_FILE:
        return text
    data, _, problems = read_yaml(text)
    return text if problems else data


def read_yaml(text: str) -> tuple[Any, dict[Path_, int], list[Problem]]:
    """The document as data, the line of each value by path, and problems (syntax, duplicate keys)."""
    if len(text) > MAX_FILE:
        return None, {}, [Problem(0, f"the file is larger than {MAX_FILE:,} bytes; a scenario is a short file")]
    too_deep = _too_deep(text)
    if too_deep is not None:
        return None, {}, [too_deep]
    try:
        node = yaml.compose(text, Loader=_Loader)
    except RecursionError:
        return None, {}, [Problem(0, f"the YAML is nested too deeply (at most {MAX_NESTING} levels)")]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        return None, {}, [Problem(line, f"YAML syntax error: {exc.problem or exc}")]
    except yaml.YAMLError as exc:
        return None, {}, [Problem(0, f"YAML error: {exc}")]
    lines: dict[Path_, int] = {}
    problems: list[Problem] = []
    if node is None:
        return None, lines, problems
    try:
        data = _Builder(lines, problems).build(node, ())
    except _TooLarge as exc:
        return None, {}, [exc.problem]
    return data, lines, problems


_SCANNER: Any = getattr(yaml, "CSafeLoader", _Loader)
"""libyaml's parser when installed: PyYAML's own slows down badly on deeply nested flow collections."""


def _too_deep(text: str) -> Problem | None:
    """A problem when collections nest deeper than MAX_NESTING, found from the event stream (no recursion),
    before composing would recurse that deep; a syntax error found on the way is reported too."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_SCANNER):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_NESTING:
                    line = event.start_mark.line + 1 if event.start_mark else 0
                    return Problem(line, f"the YAML is nested too deeply (at most {MAX_NESTING} levels)")
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        return Problem(mark.line + 1 if mark else 0, f"YAML syntax error: {exc.problem or exc}")
    except yaml.YAMLError as exc:
        return Problem(0, f"YAML error: {exc}")
    return None


class _Builder:
    """Turns composed nodes into data, counting every value (an alias counts each time it is used)."""

    def __init__(self, lines: dict[Path_, int], problems: list[Problem]) -> None:
        self.lines = lines
        self.problems = problems
        self.count = 0

    def build(self, node: yaml.Node, path: Path_) -> Any:
        """The data of a node at `path`."""
        line = node.start_mark.line + 1
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooLarge(Problem(line, f"the document expands to more than {MAX_NODES:,} values "
                                          "(aliases repeating aliases?); write it out plainly"))
        if len(path) > MAX_NESTING:
            raise _TooLarge(Problem(line, f"the YAML is nested too deeply (at most {MAX_NESTING} levels)"))
        self.lines.setdefault(path, line)
        if node.tag not in KNOWN_TAGS:
            self.problems.append(Problem(line, f"unknown YAML tag {node.tag!r}: scenarios use plain YAML values"))
            return None
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key = str(self.build(key_node, path) if isinstance(key_node, yaml.ScalarNode) else key_node.value)
                key_line = key_node.start_mark.line + 1
                if key in out:
                    self.problems.append(Problem(key_line, f"duplicate key {key!r}"))
                self.lines[(*path, key)] = key_line
                out[key] = self.build(value_node, (*path, key))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        return _scalar(node)


def _scalar(node: yaml.Node) -> Any:
    if not isinstance(node, yaml.ScalarNode):
        return str(node.value)
    return _Loader("").construct_object(node, deep=True)
