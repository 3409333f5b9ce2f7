"""A fast Tripletex-shaped HTTP server for client benchmarks: canned JSON, keep-alive, in its own process.

Answers `PUT /v2/token/session/:create`, `GET /v2/customer/{id}` and `GET /v2/customer?from=&count=`
over a result of `total` customers. `rtt` seconds (non-blocking, so requests in flight overlap as on a
network) before every search page stand in for the round trip to the real API, which is 50-150 ms away.
Nothing is parsed beyond the request line, so the client is what is measured. Pages repeat their values
every 100,000 (ids included) so a million-value result costs the server no more memory than 100,000.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from urllib.parse import parse_qs, urlsplit


def customer(i: int) -> dict[str, object]:
    """One customer as the API sends it (nulls included, a nested address)."""
    return {
        "id": i, "version": 1, "url": f"tripletex.no/v2/customer/{i}", "name": f"Kunde {i:06}",
        "organizationNumber": f"{900000000 + i}", "customerNumber": 10000 + i, "email": f"k{i}@example.no",
        "invoiceEmail": None, "phoneNumber": None, "isCustomer": True, "isSupplier": False, "isInactive": False,
        "isPrivateIndividual": False, "language": "NO", "invoiceSendMethod": "EMAIL", "currency": {"id": 1},
        "postalAddress": {"id": 10 + i, "addressLine1": "Gate 1", "addressLine2": None,
                          "postalCode": "0150", "city": "Oslo", "country": {"id": 161}},
        "deliveryAddress": None, "category1": None,
    }


def _head(length: int, status: str = "200 OK") -> bytes:
    return (f"HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {length}\r\n"
            "x-tlx-request-id: bench\r\nx-rate-limit-limit: 1000\r\nx-rate-limit-remaining: 999\r\n"
            "x-rate-limit-reset: 60\r\n\r\n").encode()


def _reply(body: bytes, status: str = "200 OK") -> bytes:
    return _head(len(body), status) + body


REPEAT = 100_000


class _Api:
    def __init__(self, total: int, rtt: float) -> None:
        self.total = total
        self.rtt = rtt
        self.session = _reply(json.dumps({"value": {"token": "bench-token", "expirationDate": "2099-01-01"}}).encode())
        self.one = _reply(json.dumps({"value": customer(1)}).encode())
        self.values: dict[tuple[int, int], tuple[int, bytes]] = {}

    def page(self, start: int, count: int) -> bytes:
        count = max(0, min(count, self.total - start))
        key = (start % REPEAT, count)
        if key not in self.values:
            values = [customer(i) for i in range(key[0], key[0] + count)]
            self.values[key] = (len(values), json.dumps(values).encode())
        size, values_json = self.values[key]
        envelope = f'{{"fullResultSize": {self.total}, "from": {start}, "count": {size}, "versionDigest": "bench", '
        envelope += '"values": '
        length = len(envelope) + len(values_json) + 1
        # One copy of the encoded values per answer: the server stays a small fraction of the client's work.
        return b"".join((_head(length), envelope.encode(), values_json, b"}"))

    async def answer(self, target: str) -> bytes:
        url = urlsplit(target)
        if url.path.endswith(":create"):
            return self.session
        if url.path == "/v2/customer":
            query = parse_qs(url.query)
            start, count = int(query.get("from", ["0"])[0]), int(query.get("count", ["1000"])[0])
            if self.rtt:
                await asyncio.sleep(self.rtt)
            return self.page(start, count)
        return self.one


async def _serve(api: _Api, sock: socket.socket) -> None:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                target = head.split(b" ", 2)[1].decode()
                length = 0
                for line in head.split(b"\r\n"):
                    if line[:15].lower() == b"content-length:":
                        length = int(line[15:])
                if length:
                    await reader.readexactly(length)
                writer.write(await api.answer(target))
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    server = await asyncio.start_server(handle, sock=sock)
    async with server:
        await server.serve_forever()


def _run(total: int, rtt: float, pipe: Connection) -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    pipe.send(sock.getsockname()[1])
    asyncio.run(_serve(_Api(total, rtt), sock))


@contextmanager
def fake_api(total: int = 1, rtt: float = 0.0) -> Iterator[str]:
    """Run the fake API in a child process (its own core); yields the base URL, e.g. http://127.0.0.1:PORT/v2."""
    ours, theirs = multiprocessing.Pipe()
    process = multiprocessing.get_context("spawn").Process(target=_run, args=(total, rtt, theirs), daemon=True)
    process.start()
    try:
        port = ours.recv()
        yield f"http://127.0.0.1:{port}/v2"
    finally:
        process.terminate()
        process.join()
