"""Read YAML into plain data plus the line of every value, keeping dates as text."""

from __future__ import annotations

from typing import Any

import yaml

from .errors import Problem
from .model import Path_


class _Loader(yaml.SafeLoader):
    """A safe loader that leaves `2026-11-25` as text: the API wants dates as text anyway."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def parse_scalar(text: str) -> Any:
    """A `--var` value as YAML reads it: `5` is a number, `true` a boolean, `2026-11-25` text."""
    try:
        return yaml.load(text, Loader=_Loader) if text.strip() else text
    except yaml.YAMLError:
        return text


def read_yaml(text: str) -> tuple[Any, dict[Path_, int], list[Problem]]:
    """The document as data, the line of each value by path, and problems (syntax, duplicate keys)."""
    try:
        node = yaml.compose(text, Loader=_Loader)
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
    return _build(node, (), lines, problems), lines, problems


def _build(node: yaml.Node, path: Path_, lines: dict[Path_, int], problems: list[Problem]) -> Any:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = str(_scalar(key_node))
            line = key_node.start_mark.line + 1
            if key in out:
                problems.append(Problem(line, f"duplicate key {key!r}"))
            lines[(*path, key)] = line
            out[key] = _build(value_node, (*path, key), lines, problems)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*path, i), lines, problems) for i, item in enumerate(node.value)]
    return _scalar(node)


def _scalar(node: yaml.Node) -> Any:
    if not isinstance(node, yaml.ScalarNode):
        return str(node.value)
    return _Loader("").construct_object(node, deep=True)
