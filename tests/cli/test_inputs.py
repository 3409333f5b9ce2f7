"""Parsing what users type: --data sources, --set paths and values, query pairs and headers."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tripletex_connect.cli.errors import CliUsageError
from tripletex_connect.cli.inputs import (
    apply_sets,
    build_body,
    parse_headers,
    parse_query,
    parse_value,
    read_json,
)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("12", 12),
        ("1.5", 1.5),
        ("true", True),
        ("null", None),
        ('"0123"', "0123"),
        ('{"id": 3}', {"id": 3}),
        ("Oslo", "Oslo"),
        ("0150", "0150"),  # not valid JSON, so a postal code keeps its leading zero
        ("Storgata 1", "Storgata 1"),
        ("", ""),
    ],
)
def test_a_set_value_is_json_when_it_parses_else_text(raw: str, value: object) -> None:
    assert parse_value(raw) == value


def test_sets_create_nested_objects_along_dotted_paths() -> None:
    body = apply_sets({"name": "A"}, ["postalAddress.city=Oslo", "postalAddress.postalCode=0150", "category1.id=3"])
    assert body == {"name": "A", "postalAddress": {"city": "Oslo", "postalCode": "0150"}, "category1": {"id": 3}}


def test_a_set_replaces_a_value_given_in_data() -> None:
    assert apply_sets({"name": "Old", "email": "a@b.no"}, ["name=New"]) == {"name": "New", "email": "a@b.no"}


def test_a_set_value_may_contain_equals_signs() -> None:
    assert apply_sets(None, ["description=a=b"]) == {"description": "a=b"}


def test_a_set_indexes_into_an_existing_list() -> None:
    body = apply_sets({"orderLines": [{"count": 1}, {"count": 2}]}, ["orderLines.1.count=5"])
    assert body == {"orderLines": [{"count": 1}, {"count": 5}]}


@pytest.mark.parametrize(
    ("assignment", "message"),
    [
        ("name", "expected KEY=VALUE"),
        ("=x", "expected KEY=VALUE"),
        ("a..b=1", "empty field name"),
        ("name.first=x", 'name is the value "A", not an object'),
        ("lines.x=1", "indexed by a number"),
        ("lines.5=1", "outside the list"),
        ("orderLines.0.count=2", "there is no list orderLines to index"),
    ],
)
def test_a_set_that_cannot_apply_says_why(assignment: str, message: str) -> None:
    with pytest.raises(CliUsageError, match=message.replace("(", r"\(")):
        apply_sets({"name": "A", "lines": [{}]}, [assignment])


def test_data_from_a_file_and_from_stdin(tmp_path: Path) -> None:
    path = tmp_path / "body.json"
    path.write_text('{"name": "File"}', encoding="utf-8")
    assert read_json(f"@{path}") == {"name": "File"}
    assert read_json("-", stdin=io.StringIO('{"name": "Stdin"}')) == {"name": "Stdin"}


def test_invalid_json_names_the_place_of_the_mistake() -> None:
    with pytest.raises(CliUsageError, match=r"not valid JSON \(Expecting ',' delimiter at line 2, column 3\)"):
        read_json('{"a": 1\n  "b": 2}')


def test_empty_data_is_a_usage_error() -> None:
    with pytest.raises(CliUsageError, match="standard input is empty"):
        read_json("-", stdin=io.StringIO("  \n"))


def test_a_body_must_be_an_object_unless_the_operation_takes_a_list() -> None:
    with pytest.raises(CliUsageError, match="expected a JSON object"):
        build_body("[1, 2]", [])
    assert build_body('[{"id": 1}]', [], list_body=True) == [{"id": 1}]
    with pytest.raises(CliUsageError, match="takes a JSON list"):
        build_body('{"id": 1}', [], list_body=True)
    with pytest.raises(CliUsageError, match="--set cannot be used"):
        build_body('[{"id": 1}]', ["id=2"], list_body=True)


def test_no_data_and_no_sets_is_no_body() -> None:
    assert build_body(None, []) is None


def test_repeated_query_keys_become_a_list() -> None:
    assert parse_query(["id=1", "id=2", "fields=id,name", "empty="]) == {
        "id": ["1", "2"],
        "fields": "id,name",
        "empty": "",
    }


def test_headers_are_name_colon_value() -> None:
    assert parse_headers(["Accept-Language: nb", "X-Tag:a:b"]) == {"Accept-Language": "nb", "X-Tag": "a:b"}
    with pytest.raises(CliUsageError, match="'Name: value'"):
        parse_headers(["no colon here"])


def test_a_set_on_a_text_path_keeps_numbers_and_booleans_as_typed() -> None:
    text = {"number", "lines.0.code"}.__contains__
    body = apply_sets(None, ["number=42", "count=7", "lines=[{}]", "lines.0.code=true", 'name="x"'], text)
    assert body == {"number": "42", "count": 7, "lines": [{"code": "true"}], "name": "x"}
