"""The cheap look a watch takes before reading anything: the newest object's id and version, asked with
`If-None-Match` so an idle poll is one small request answered 304.

A watch position is `{"last_id", "etag"}`: the highest id handled, and the `versionDigest` of the last look
whose new objects were all handled. The etag is kept only then: a 304 must never hide an object not run yet.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .. import catalog
from ..core.invoke import prepare

if TYPE_CHECKING:
    from ..client import Tripletex

CURSOR_FIELDS = "id,version"
NO_ETAG = "0"
"""Sent on a first look: a digest that never matches, so the server answers with its current one."""
NO_DIGEST = "'If-None-Match' header not specified"


@dataclass(frozen=True)
class Look:
    """What a look found: nothing changed (304), or the newest id and the digest to send next time."""

    changed: bool
    newest: int | None = None
    etag: str | None = None


def look(client: Tripletex, module: str, params: Mapping[str, Any], etag: str | None) -> Look:
    """One request for the newest object's id and version (`sorting=-id`, one object), conditional on `etag`."""
    op = catalog.get(module)
    wanted = {**params, "sorting": "-id", "fields": CURSOR_FIELDS}
    call = prepare(op, {k: v for k, v in wanted.items() if k not in ("from", "count")},
                   extra_params={"from": 0, "count": 1})
    response = client.request(call.method, call.path, params=call.params,
                              headers={"If-None-Match": etag or NO_ETAG}, raw=True)
    if response.status_code == 304:
        return Look(False, etag=etag)
    payload = response.json() if response.content else {}
    values = payload.get("values") if isinstance(payload, dict) else None
    first = values[0] if isinstance(values, list) and values and isinstance(values[0], dict) else {}
    newest = first.get("id")
    digest = payload.get("versionDigest") if isinstance(payload, dict) else None
    return Look(True, newest if isinstance(newest, int) and not isinstance(newest, bool) else None,
                digest if isinstance(digest, str) and digest and digest != NO_DIGEST else None)


def last_id(position: Mapping[str, Any] | None) -> int | None:
    """The highest id a position says was handled, or None before the first look."""
    value = (position or {}).get("last_id")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def etag_of(position: Mapping[str, Any] | None) -> str | None:
    """The digest of the position's last complete look, or None."""
    value = (position or {}).get("etag")
    return value if isinstance(value, str) and value else None


def position(last: int, etag: str | None, updated: str) -> dict[str, Any]:
    """A watch position as stored."""
    return {"last_id": last, "etag": etag, "updated": updated} if etag else {"last_id": last, "updated": updated}
