"""P1: what the SDK adds to one `customers.get` over raw httpx, sync and async (target: <= 1.10x).

Run: .venv/bin/python benchmarks/client_overhead.py [ROUNDS]
Both sides call the same fast fake API over real HTTP on loopback; rounds interleave; medians compared.
The raw side is httpx used as well as it can be: one pooled client, the session's Authorization header set on
it once (no auth flow per call, as the SDK sends a live session), the status checked and the JSON decoded;
both sides send the same number of headers. The SDK's own client hands a live session's requests straight to its
connection pool (core/wire.py), past httpx.Client's auth flow, redirect loop and cookie jar; so the row also says
what the SDK costs over that bare pool ("bare": httpx.Request built by hand, sent with HTTPTransport.handle_request),
the floor no client on httpx can go under.
"""

from __future__ import annotations

import asyncio
import base64
import sys

import httpx
from _measure import Row, interleaved, interleaved_async, verdict
from fake_api import fake_api

from tripletex_connect import AsyncTripletex, Tripletex

CALLS = 200  # requests per round and side
HEADERS = {"Authorization": "Basic " + base64.b64encode(b"0:bench-token").decode()}


def _sync(base: str, rounds: int) -> tuple[float, float]:
    pool = httpx.HTTPTransport()
    url = httpx.URL(f"{base}/customer/1")
    with httpx.Client(headers=HEADERS) as raw, Tripletex("c", "e", base_url=base) as tx, pool:
        def raw_side() -> None:
            for _ in range(CALLS):
                response = raw.get(f"{base}/customer/1")
                response.raise_for_status()
                response.json()

        def bare_side() -> None:
            for _ in range(CALLS):
                response = pool.handle_request(httpx.Request("GET", url, headers=raw.headers))
                response.read()
                assert response.is_success
                response.json()

        def sdk_side() -> None:
            for _ in range(CALLS):
                tx.customers.get(1)

        raw_side(), bare_side(), sdk_side()  # warm up: connections, session, lazy imports
        medians = interleaved({"raw": raw_side, "bare": bare_side, "sdk": sdk_side}, rounds)
    return medians["sdk"] / medians["raw"], medians["sdk"] / medians["bare"]


async def _async(base: str, rounds: int) -> tuple[float, float]:
    pool = httpx.AsyncHTTPTransport()
    url = httpx.URL(f"{base}/customer/1")
    async with httpx.AsyncClient(headers=HEADERS) as raw, AsyncTripletex("c", "e", base_url=base) as tx, pool:
        async def raw_side() -> None:
            for _ in range(CALLS):
                response = await raw.get(f"{base}/customer/1")
                response.raise_for_status()
                response.json()

        async def bare_side() -> None:
            for _ in range(CALLS):
                response = await pool.handle_async_request(httpx.Request("GET", url, headers=raw.headers))
                await response.aread()
                assert response.is_success
                response.json()

        async def sdk_side() -> None:
            for _ in range(CALLS):
                await tx.customers.get(1)

        await raw_side(), await bare_side(), await sdk_side()
        medians = await interleaved_async({"raw": raw_side, "bare": bare_side, "sdk": sdk_side}, rounds)
    return medians["sdk"] / medians["raw"], medians["sdk"] / medians["bare"]


def rows(rounds: int = 7) -> list[Row]:
    """The P1 rows of the bench table."""
    with fake_api() as base:
        sync_ratio, sync_bare = _sync(base, rounds)
        async_ratio, async_bare = asyncio.run(_async(base, rounds))
    return [
        Row("P1 sync customers.get <= 1.10x raw httpx", f"{sync_ratio:.2f}x ({sync_bare:.2f}x a bare httpx pool)",
            verdict(sync_ratio <= 1.10)),
        Row("P1 async customers.get <= 1.10x raw httpx", f"{async_ratio:.2f}x ({async_bare:.2f}x a bare httpx pool)",
            verdict(async_ratio <= 1.10)),
    ]


if __name__ == "__main__":
    for row in rows(int(sys.argv[1]) if len(sys.argv) > 1 else 7):
        print(" | ".join(row))
