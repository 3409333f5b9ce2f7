"""Count what a sandbox answers (requests, 429s, when each arrived): for rate-limit tests and benchmarks."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .server import Sandbox

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Any]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


class RequestCounter:
    """An ASGI wrapper counting the requests an app answers, and its 429s (with their method and path); `arrivals`
    holds the `clock` time each answered request arrived at (the sandbox's limiter counts it then)."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]],
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.app = app
        self.clock = clock
        self.requests = 0
        self.too_many = 0
        self.refused: list[str] = []
        self.arrivals: list[float] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer as the app does, counting each response as it starts."""
        arrived = self.clock()

        async def counted(message: MutableMapping[str, Any]) -> None:
            if message.get("type") == "http.response.start":
                self.requests += 1
                self.arrivals.append(arrived)
                if message.get("status") == 429:
                    self.too_many += 1
                    self.refused.append(f"{scope.get('method')} {scope.get('path')}")
            await send(message)

        await self.app(scope, receive, counted)


def count_requests(sandbox: Sandbox) -> RequestCounter:
    """Wrap a sandbox not yet started in a RequestCounter; the counter."""
    counter = RequestCounter(sandbox.app)
    sandbox.app = counter  # type: ignore[assignment]
    return counter
