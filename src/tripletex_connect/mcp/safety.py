"""Safe by default: which write groups are enabled, and single-use confirmation tokens for destructive calls."""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .tools import write_groups

ALL = "all"
CONFIRM_TTL = 300.0


class SafetyError(ValueError):
    """A bad `--allow-writes` value."""


def parse_groups(value: str | None) -> frozenset[str]:
    """`None` (read-only), `all`, or a comma list of write groups (`sales,hours`); unknown names are refused."""
    if value is None:
        return frozenset()
    names = {part.strip().lower() for part in value.split(",") if part.strip()}
    known = write_groups()
    if not names or ALL in names:
        return frozenset(known)
    unknown = sorted(names - set(known))
    if unknown:
        raise SafetyError(f"unknown write group(s) {', '.join(unknown)}; groups: {', '.join(known)} or all")
    return frozenset(names)


@dataclass(frozen=True)
class WritePolicy:
    """The write groups the server may write to (empty: read-only)."""

    groups: frozenset[str] = frozenset()

    def allows(self, group: str) -> bool:
        """True when writes of this group are enabled."""
        return group in self.groups

    def refusal(self, tool: str, group: str) -> str:
        """The tool error of a refused write, saying how to enable it."""
        state = "read-only" if not self.groups else f"writes enabled only for {', '.join(sorted(self.groups))}"
        return (f"{tool} writes (group `{group}`), and this server is {state}. Restart it with "
                f"`ttx mcp --allow-writes {group}` (or `--allow-writes` for every group) to allow it; "
                "nothing was sent.")

    def describe(self) -> str:
        """One line for the server's instructions."""
        if not self.groups:
            return "Read-only: every write is refused."
        return f"Writes enabled for: {', '.join(sorted(self.groups))}."


def fingerprint(tool: str, arguments: Mapping[str, Any]) -> str:
    """A digest of a tool call's exact arguments (key order does not matter)."""
    text = json.dumps([tool, dict(arguments)], sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class Confirmations:
    """Confirmation tokens: single use, bound to one tool call's exact arguments, expiring after `ttl` seconds."""

    ttl: float = CONFIRM_TTL
    clock: Callable[[], float] = time.monotonic
    _issued: dict[str, tuple[str, float]] = field(default_factory=dict)

    def issue(self, tool: str, arguments: Mapping[str, Any]) -> str:
        """A new token for exactly this call."""
        self._forget_expired()
        token = "confirm-" + secrets.token_urlsafe(16)
        self._issued[token] = (fingerprint(tool, arguments), self.clock() + self.ttl)
        return token

    def redeem(self, token: str, tool: str, arguments: Mapping[str, Any]) -> str | None:
        """None when the token confirms this call (it is then used up); otherwise why it does not."""
        self._forget_expired()
        issued = self._issued.get(token)
        if issued is None:
            return "the confirmation token is unknown, used already or expired; call without it for a new preview"
        if issued[0] != fingerprint(tool, arguments):
            return ("the confirmation token was issued for other arguments; call without it for a preview "
                    "of these arguments")
        del self._issued[token]
        return None

    def _forget_expired(self) -> None:
        now = self.clock()
        for token in [t for t, (_, until) in self._issued.items() if until <= now]:
            del self._issued[token]


def without(arguments: Mapping[str, Any], names: Iterable[str]) -> dict[str, Any]:
    """The arguments minus the given names."""
    drop = set(names)
    return {k: v for k, v in arguments.items() if k not in drop}
