"""One session token per credential, shared by every client on the same store (memory, SQLite or Redis).

A credential's record holds the session (token and end, epoch seconds) and a lease. Whoever takes the lease
creates the session and publishes it; the others wait and read it. A lease lapses on its own, so a holder
that crashed stops nobody for long. A 401 deletes the token only if the record still holds that very token
(compare-and-delete): a sharer that already replaced it keeps its new one.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass

from .config import ConnectionSettings
from .stores import TTL_FIELD, MemoryRecords, Record, Records, records_from_url

WHAT = "session store"


@dataclass(frozen=True)
class Claim:
    """What a client is to do: use `token` (ending at `expires`), create one (`lease`), or wait `wait` seconds."""

    token: str | None = None
    expires: float = 0.0
    lease: bool = False
    wait: float = 0.0


def session_key(settings: ConnectionSettings) -> str:
    """The store key of a credential's session: environment and token hashes, never the tokens."""
    return f"ttx:session:{settings.credential_id()}"


def _claim(
    record: Record, holder: str, now: float, margin: float, lease: float, poll: float, stale: str | None
) -> Claim:
    if stale is not None and record.get("token") == stale:
        record.pop("token", None)
        record.pop("expires", None)
    token, expires = record.get("token"), float(record.get("expires", 0.0))
    if token and now < expires - margin:
        return Claim(token, expires)
    lease_until = float(record.get("lease_until", 0.0))
    if record.get("holder") in (None, holder) or now >= lease_until:
        record["holder"], record["lease_until"] = holder, now + lease
        record[TTL_FIELD] = max(expires, now + lease) - now + 60
        return Claim(lease=True)
    if token and now < expires:
        return Claim(token, expires)  # ending soon, but still good while the lease holder renews it
    return Claim(wait=max(min(poll, lease_until - now), 0.001))


def _publish(record: Record, holder: str, token: str, expires: float, now: float) -> None:
    record["token"], record["expires"] = token, expires
    _release(record, holder)
    record[TTL_FIELD] = expires - now + 60


def _release(record: Record, holder: str) -> None:
    if record.get("holder") == holder:
        record.pop("holder", None)
        record.pop("lease_until", None)


class SessionStore:
    """Sessions by credential on a `Records` backend; each method is one atomic step."""

    def __init__(self, records: Records | None = None, *, poll: float = 0.1, max_wait: float = 60.0) -> None:
        self.records: Records = records or MemoryRecords()
        self.poll = poll
        self.max_wait = max_wait

    def __repr__(self) -> str:
        return f"SessionStore({type(self.records).__name__})"

    def claim(
        self, key: str, holder: str, now: float, *, margin: float, lease: float, stale: str | None = None
    ) -> Claim:
        """A session to use, the lease to create one, or a wait; first drops `stale` if it is still the one held."""
        return self.records.update(key, lambda r: _claim(r, holder, now, margin, lease, self.poll, stale))

    def publish(self, key: str, holder: str, token: str, expires: float, now: float) -> None:
        """Store the session `holder` created and give up its lease."""
        self.records.update(key, lambda r: _publish(r, holder, token, expires, now))

    def release(self, key: str, holder: str) -> None:
        """Give up the lease without a session (the :create failed)."""
        self.records.update(key, lambda r: _release(r, holder))

    def close(self) -> None:
        """Release the backend's connection."""
        self.records.close()


_SHARED: dict[tuple[int, str], SessionStore] = {}
_SHARED_LOCK = threading.Lock()


def shared_session_store(backend: str = "memory") -> SessionStore:
    """One store per backend setting in this process, so every client naming it shares its sessions."""
    key = (os.getpid(), backend)  # a forked child opens its own connection, never its parent's
    with _SHARED_LOCK:
        found = _SHARED.get(key)
        if found is None:
            found = _SHARED[key] = SessionStore(records_from_url(backend, WHAT, "session_record"))
        return found


def session_store_for(settings: ConnectionSettings, given: SessionStore | str | None = None) -> SessionStore:
    """The store a client uses: the one given, one on the backend given or set, else a store of its own."""
    if isinstance(given, SessionStore):
        return given
    backend = given or settings.session_store
    return shared_session_store(backend) if backend else SessionStore()
