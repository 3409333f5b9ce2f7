"""Fixtures shared by the transport tests: a mocked API that hands out sessions, and a list of waits."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import respx

from .test_transport import BASE, session_answer


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    """A mocked Tripletex API whose session creation answers fresh tokens."""
    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        router.put("/token/session/:create").mock(
            side_effect=[session_answer(f"session-tok-{i}", "2026-11-27") for i in range(1, 10)]
        )
        yield router


@pytest.fixture
def sleeps() -> list[float]:
    """The waits a fake sleep was asked for."""
    return []
