"""Clients that wrap a sandbox client to make chosen calls fail: errors, lost answers, unexpected exceptions."""

from __future__ import annotations

from typing import Any

from tripletex_connect.core.errors import OutcomeUnknownError, ServerError


class Flaky:
    """A client whose calls of one module fail a number of times, then go through.

    `kind`: "error" raises a 503 before sending; "lost" sends the write, then loses its answer
    (OutcomeUnknownError); "crash" raises a RuntimeError (a bug, not an API error). It sends one item per
    request (`batch_size` 1), so a foreach of creates calls the module once per item, where it fails.
    """

    batch_size = 1

    def __init__(self, client: Any, module: str, *, times: int = 1, kind: str = "error", skip: int = 0) -> None:
        self.client = client
        self.module = module
        self.left = times
        self.skip = skip
        self.kind = kind
        self.calls: list[str] = []

    @property
    def settings(self) -> Any:
        """The wrapped client's settings."""
        return self.client.settings

    def fix(self) -> None:
        """No more failures."""
        self.left = 0

    def invoke(self, key: str, *args: Any, **kwargs: Any) -> Any:
        """Call through, failing as configured."""
        self.calls.append(key)
        failing = key == self.module and self.left > 0 and self.skip <= 0
        if key == self.module and self.skip > 0:
            self.skip -= 1
        if failing and self.kind == "crash":
            self.left -= 1
            raise RuntimeError("boom")
        if failing and self.kind == "error":
            self.left -= 1
            raise ServerError("Service unavailable", status=503, code=1000, request_id="req-503", method="POST",
                              path="/customer")
        result = self.client.invoke(key, *args, **kwargs)
        if failing and self.kind == "lost":
            self.left -= 1
            raise OutcomeUnknownError(method="POST", path="/v2/customer", sent="{name: ...}", status=503,
                                      request_id="req-lost", cause="503 after sending")
        return result

    def request(self, *args: Any, **kwargs: Any) -> Any:
        """A raw call, passed through."""
        return self.client.request(*args, **kwargs)
