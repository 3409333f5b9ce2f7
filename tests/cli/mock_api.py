"""What the CLI tests share: the mocked base URL, known token strings, and realistic Tripletex envelopes."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import respx
from typer.testing import Result

BASE = "http://127.0.0.1:9/v2"
CONSUMER = "consumer-tok-3f9a1c"
EMPLOYEE = "employee-tok-77b2e0"
SESSION = "session-tok-5d41c8"

Invoke = Callable[..., Result]


def customer(i: int, **fields: Any) -> dict[str, Any]:
    """A customer as Tripletex sends it: references unexpanded as {id, url}."""
    return {
        "id": i,
        "version": 1,
        "url": f"{BASE}/customer/{i}",
        "name": f"Customer {i} AS",
        "customerNumber": 10000 + i,
        "organizationNumber": f"99999{i:04d}",
        "email": f"post{i}@example.no",
        "isCustomer": True,
        "isInactive": False,
        "postalAddress": {"id": 100 + i, "url": f"{BASE}/address/{100 + i}"},
        **fields,
    }


def list_envelope(values: list[dict[str, Any]], *, start: int = 0, full: int | None = None) -> dict[str, Any]:
    """A Tripletex list envelope."""
    return {
        "fullResultSize": len(values) if full is None else full,
        "from": start,
        "count": len(values),
        "versionDigest": "digest-1" if values else None,
        "values": values,
    }


def sent_json(route: respx.Route) -> Any:
    """The JSON body of the last request a route saw."""
    request: httpx.Request = route.calls.last.request
    return json.loads(request.content)
