"""The nightly full check of a webhook scenario: what no event announced (Tripletex may drop deliveries or
skip versions, and recommends a nightly sync).

Creates are found as a watch finds them (the objects above its position). Updates and deletes are found by
comparing the id -> version map the store keeps per scenario, connection and company with a cheap listing
(`fields=id,version`): a version that changed is a missed update, an id that is gone a missed delete. The
events the service handles keep the map current, so a change an event handled is not run again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .. import catalog

if TYPE_CHECKING:
    from ..client import Tripletex

ALIASES = {"account": "ledger_account"}
"""Event objects whose catalog operations have another name (`account.update` is about /ledger/account)."""
CHECKED_VERBS = ("create", "update", "delete")
FIRST_DAY, LAST_DAY = "1900-01-01", "2100-01-01"
Versions = dict[int, int | None]


def verb_of(event: str | None) -> str:
    """The verb of an event (`customer.update` -> `update`)."""
    return (event or "").rpartition(".")[2]


def module_of(event: str | None, kind: str) -> str | None:
    """The catalog operation (`search` or `get`) of an event's object, or None when there is none to use
    (a search that needs parameters other than a date range cannot list every object)."""
    name = (event or "").partition(".")[0]
    key = f"{ALIASES.get(name, name)}.{kind}"
    try:
        catalog.get(key)
    except KeyError:
        return None
    if kind == "search" and search_params(key) is None:
        return None
    return key


def search_params(module: str) -> dict[str, str] | None:
    """What a search needs to list every object: its required date range as wide as can be (orders, invoices
    and vouchers need one; `...To` is exclusive); None when it needs something else."""
    out: dict[str, str] = {}
    for param in catalog.get(module).query_params:
        if not param.required:
            continue
        if param.type != "date" or not param.name.endswith(("From", "To")):
            return None
        out[param.name] = FIRST_DAY if param.name.endswith("From") else LAST_DAY
    return out


def checkable(event: str | None) -> bool:
    """True when the nightly check can find what events of this kind missed."""
    return verb_of(event) in CHECKED_VERBS and module_of(event, "search") is not None


def versions(client: Tripletex, module: str) -> Versions:
    """Every object's id and version, listed cheaply (`fields=id,version`, pages of 1000)."""
    from ..scenario.runner import plain

    out: Versions = {}
    for item in client.invoke(module, {**(search_params(module) or {}), "fields": "id,version"}):
        data = plain(item)
        object_id = data.get("id") if isinstance(data, dict) else None
        if isinstance(object_id, int) and not isinstance(object_id, bool):
            version = data.get("version")
            out[object_id] = version if isinstance(version, int) else None
    return out


def version_now(client: Tripletex, event: str, object_id: int) -> int | None:
    """An object's version now (after a run that may have changed it); None when it is gone or unreadable."""
    from ..core.errors import TripletexError
    from ..scenario.runner import plain

    module = module_of(event, "get")
    if module is None:
        return None
    try:
        data: Any = plain(client.invoke(module, {"id": object_id, "fields": "id,version"}))
    except TripletexError:
        return None
    version = data.get("version") if isinstance(data, dict) else None
    return version if isinstance(version, int) else None


def missed(verb: str, known: Mapping[int, int | None], current: Mapping[int, int | None]) -> list[int]:
    """The ids whose change no event announced: updated (another version) or deleted (gone), by id."""
    if verb == "update":
        return sorted(i for i, version in current.items() if i in known and known[i] != version)
    if verb == "delete":
        return sorted(i for i in known if i not in current)
    return []
