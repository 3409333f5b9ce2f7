"""What the domain rules need of the generic engine, as a protocol, so the rules never import the engine."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from ..catalog import Operation
    from .context import Ctx
    from .render import Renderer, Tree
    from .store import Tx


class Searcher(Protocol):
    """The engine's read side: rendering in a company and the stored search of an operation."""

    def renderer(self, tx: Tx, ctx: Ctx) -> Renderer:
        """A renderer that resolves references inside this company."""

    def stored_search(
        self, tx: Tx, ctx: Ctx, op: Operation, params: Mapping[str, str], lists: Mapping[str, list[str]], tree: Tree
    ) -> dict[str, Any]:
        """The list envelope of the stored objects a search's filters, sorting and paging select."""
