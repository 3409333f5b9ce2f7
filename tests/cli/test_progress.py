"""Page iteration for the CLI: every value in order, and a progress bar only when more pages are due."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import respx

from tripletex_connect.cli.execute import progress_stream
from tripletex_connect.cli.progress import batches

from .mock_api import Invoke, customer, list_envelope


@dataclass
class _Page:
    values: list[Any]
    full_result_size: int | None


class _Result:
    def __init__(self, *pages: _Page) -> None:
        self._pages = pages

    def pages(self) -> Iterator[_Page]:
        yield from self._pages


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_every_page_is_yielded_in_order_with_a_bar() -> None:
    bar = _Terminal()
    result = _Result(_Page([1, 2], 5), _Page([3, 4], 5), _Page([5], 5))
    assert list(batches(result, progress_to=bar)) == [[1, 2], [3, 4], [5]]
    assert bar.getvalue() != ""


def test_no_bar_when_the_first_page_holds_everything() -> None:
    bar = _Terminal()
    assert list(batches(_Result(_Page([1, 2], 2)), progress_to=bar)) == [[1, 2]]
    assert bar.getvalue() == ""


def test_no_bar_when_the_limit_is_reached_on_the_first_page() -> None:
    bar = _Terminal()
    assert list(batches(_Result(_Page([1, 2], 5000)), limit=2, progress_to=bar)) == [[1, 2]]
    assert bar.getvalue() == ""


def test_an_empty_result_yields_nothing() -> None:
    assert list(batches(_Result())) == []


@pytest.mark.parametrize(
    ("out_tty", "err_tty", "fmt", "bar"),
    [
        (False, True, "jsonl", True),  # data piped away, bar on the terminal
        (True, True, "table", True),  # a table is printed after the last page
        (True, True, "json", False),  # data streams to the same terminal: no bar
        (False, False, "json", False),  # stderr redirected (cron, CI): never a bar
        (True, False, "table", False),
    ],
)
def test_progress_goes_to_stderr_only_when_it_is_a_terminal(out_tty: bool, err_tty: bool, fmt: str, bar: bool) -> None:
    out = _Terminal() if out_tty else io.StringIO()
    err = _Terminal() if err_tty else io.StringIO()
    assert progress_stream(fmt, out, err) is (err if bar else None)


def test_a_long_search_off_a_terminal_writes_no_progress(api: respx.MockRouter, ttx: Invoke) -> None:
    def page(request: httpx.Request) -> httpx.Response:
        start, count = int(request.url.params["from"]), int(request.url.params["count"])
        values = [customer(i) for i in range(start, min(start + count, 6))]
        return httpx.Response(200, json=list_envelope(values, start=start, full=6))

    api.get("/customer").mock(side_effect=page)
    result = ttx("customers", "search", "--page-size", "2", "-o", "jsonl")
    assert result.exit_code == 0 and len(result.stdout.splitlines()) == 6
    assert result.stderr == ""
