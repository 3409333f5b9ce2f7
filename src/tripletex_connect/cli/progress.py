"""Page-by-page iteration of a search, with a progress bar on stderr for long searches at a terminal."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Protocol, TextIO


class _Page(Protocol):
    values: list[Any]
    full_result_size: int | None


class PagedResult(Protocol):
    """What the CLI needs of a paginator: its pages, fetched lazily."""

    def pages(self) -> Iterable[_Page]:
        """Each page as it is fetched."""
        ...


def batches(result: PagedResult, *, limit: int | None = None, progress_to: TextIO | None = None) -> Iterator[list[Any]]:
    """The values of each page; with `progress_to`, a transient bar there once more than one page is due."""
    pages = iter(result.pages())
    first = next(pages, None)
    if first is None:
        return
    total = first.full_result_size
    if total is not None and limit is not None:
        total = min(total, limit)
    if progress_to is None or total is None or total <= len(first.values):
        yield first.values
        for page in pages:
            yield page.values
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("fetching"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    # Data goes to stdout untouched: the bar must not redirect it (rich does so by default).
    with Progress(
        *columns, console=Console(file=progress_to), transient=True, redirect_stdout=False, redirect_stderr=False
    ) as bar:
        task = bar.add_task("fetching", total=total, completed=len(first.values))
        yield first.values
        for page in pages:
            bar.advance(task, len(page.values))
            yield page.values
