"""A local, stateful, Tripletex-compatible server for development and tests (`ttx sandbox serve`)."""

from __future__ import annotations

from .backend import Backend, Request
from .reply import Reply
from .server import Sandbox, SandboxCompany
from .store import Store

__all__ = ["Backend", "Reply", "Request", "Sandbox", "SandboxCompany", "Store"]
