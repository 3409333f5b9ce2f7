"""YAML is bounded: alias expansion, nesting, file size and tags; each refused with a clear problem."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tripletex_connect.scenario import ScenarioError, load_scenario
from tripletex_connect.scenario.yamlfile import MAX_FILE, parse_scalar, read_yaml

LAUGHS = """
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_nested_aliases_are_refused_quickly_instead_of_expanding() -> None:
    data, _, problems = read_yaml(LAUGHS)
    assert data is None
    assert "expands to more than" in problems[0].message


def test_a_few_aliases_still_work() -> None:
    data, _, problems = read_yaml("x: &x {a: 1}\ny: *x\n")
    assert problems == [] and data == {"x": {"a": 1}, "y": {"a": 1}}


def test_deep_nesting_is_refused() -> None:
    for depth in (150, 100_000):
        _, _, problems = read_yaml("[" * depth + "]" * depth)
        assert "nested too deeply" in problems[0].message or "maximum nesting depth" in problems[0].message


@pytest.mark.parametrize("text", ["x: !!python/object:os.system ls\n", "x: !custom 1\n", "x: !!binary aGk=\n"])
def test_unknown_tags_are_refused_with_their_line(text: str) -> None:
    _, _, problems = read_yaml("name: n\n" + text)
    assert problems and problems[0].line == 2 and "unknown YAML tag" in problems[0].message


def test_a_file_larger_than_the_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("name: x\n# " + "x" * MAX_FILE + "\n")
    with pytest.raises(ScenarioError, match="larger than"):
        load_scenario(path)


def test_scenario_validate_refuses_the_alias_bomb_with_exit_2(scenario_file: Callable[[str], Path]) -> None:
    from typer.testing import CliRunner

    from tripletex_connect.cli.main import app

    result = CliRunner().invoke(app, ["scenario", "validate", str(scenario_file(LAUGHS))])
    assert result.exit_code == 2
    assert "expands to more than" in result.stderr


def test_var_values_are_parsed_with_the_same_bounds() -> None:
    assert parse_scalar("5") == 5
    assert parse_scalar("2026-11-25") == "2026-11-25"
    assert parse_scalar(LAUGHS) == LAUGHS
