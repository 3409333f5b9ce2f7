"""Page iteration for the CLI: every value in order, and a progress bar only when more pages are due."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from tripletex_connect.cli.progress import batches


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
