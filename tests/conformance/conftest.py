"""Fixtures of the conformance suite: an SDK client whose every exchange with the sandbox is recorded."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tripletex_connect import Tripletex
from tripletex_connect.sandbox import SandboxCompany

from .openapi import RecordingTransport, openapi


@pytest.fixture
def recorded(tripletex_sandbox: SandboxCompany) -> Iterator[tuple[Tripletex, RecordingTransport]]:
    """A client on a fresh sandbox company and the recorder of its traffic (the validator is built first)."""
    openapi()
    recorder = RecordingTransport()
    tx = Tripletex(tripletex_sandbox.consumer_token, tripletex_sandbox.employee_token,
                   base_url=tripletex_sandbox.base_url, http_client=httpx.Client(transport=recorder))
    yield tx, recorder
    tx.close()
