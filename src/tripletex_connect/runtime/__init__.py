"""The automation service behind `ttx serve`: scenarios of a folder run on schedules, watches and webhooks,
with their runs, positions and incomplete executions in one SQLite store and a dashboard on loopback.

The scenario package interprets one run; this package decides when runs happen and keeps what they leave.
"""

from __future__ import annotations

from .service import Service
from .store import RunStore

__all__ = ["RunStore", "Service"]
