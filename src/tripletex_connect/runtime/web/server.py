"""Serve the dashboard (and webhook receiver) with uvicorn in a background thread."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import uvicorn


class WebServer:
    """An ASGI app on host:port in a daemon thread; start() returns once it accepts connections."""

    def __init__(self, app: Any, host: str, port: int) -> None:
        self.host, self.port = host, port
        self._server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="off"))
        self._thread = threading.Thread(target=lambda: asyncio.run(self._server.serve()), name="ttx-serve-web",
                                        daemon=True)

    def start(self) -> WebServer:
        """Start serving; OSError when the address cannot be used."""
        self._thread.start()
        while not self._server.started and self._thread.is_alive():
            self._thread.join(0.02)
        if not self._server.started:
            raise OSError(f"cannot listen on {self.host}:{self.port}")
        return self

    def stop(self) -> None:
        """Stop serving."""
        self._server.should_exit = True
        self._thread.join(5)
