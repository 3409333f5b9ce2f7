"""One contract for every shared rate-limit backend (memory, SQLite, a real redis-server): same rule, same proof."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tripletex_connect.core.config import ConnectionSettings, Secret
from tripletex_connect.core.errors import ConfigurationError
from tripletex_connect.core.limiter import Backend, MemoryBackend, RateLimiter, backend_from_url
from tripletex_connect.core.limiter_backends import RedisBackend, SQLiteBackend
from tripletex_connect.core.transport import Transport

T0 = 1_800_000_000.0


@pytest.fixture(params=["memory", "sqlite", "redis"])
def make_backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], Backend]]:
    """A factory of backends that all share one store, as two processes (or machines) would."""
    if request.param == "memory":
        shared = MemoryBackend()
        yield lambda: shared
    elif request.param == "sqlite":
        opened: list[SQLiteBackend] = []

        def sqlite() -> Backend:
            opened.append(SQLiteBackend(str(tmp_path / "limits.db")))
            return opened[-1]

        yield sqlite
        for backend in opened:
            backend.close()
    else:
        url = request.getfixturevalue("redis_url")
        import redis

        redis.Redis.from_url(url).flushdb()
        made: list[RedisBackend] = []

        def make_redis() -> Backend:
            made.append(RedisBackend.from_url(url))
            return made[-1]

        yield make_redis
        for backend in made:
            backend.close()


class Clock:
    """Epoch seconds moved by hand; its `sleep` advances it, so nothing sleeps for real."""

    def __init__(self) -> None:
        self.now = T0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def settings(consumer: str = "consumer-secret-A", employee: str = "employee-secret-B", company: int = 0
             ) -> ConnectionSettings:
    return ConnectionSettings(
        base_url="http://127.0.0.1:9/v2", environment="custom", consumer_token=Secret(consumer),
        employee_token=Secret(employee), company_id=company,
    )


class Server:
    """A Tripletex-like counter: `limit` requests per window of `window` seconds, 429 beyond."""

    def __init__(self, clock: Clock, limit: int = 10, window: float = 10.0) -> None:
        self.clock, self.limit, self.window = clock, limit, window
        self.start, self.used, self.per_window, self.rejected = clock(), 0, [0], 0

    def answer(self) -> tuple[int, dict[str, str]]:
        if self.clock() >= self.start + self.window:
            self.start, self.used = self.clock(), 0
            self.per_window.append(0)
        reset = f"{self.start + self.window - self.clock():.3f}"
        if self.used >= self.limit:
            self.rejected += 1
            return 429, {"X-Rate-Limit-Remaining": "0", "X-Rate-Limit-Reset": reset}
        self.used += 1
        self.per_window[-1] += 1
        left = str(self.limit - self.used)
        return 200, {"X-Rate-Limit-Limit": str(self.limit), "X-Rate-Limit-Remaining": left, "X-Rate-Limit-Reset": reset}


def send(limiter: RateLimiter, key: str, server: Server, clock: Clock) -> int:
    while (wait := limiter.wait_before_send(key)) > 0:
        clock.sleep(wait)
    status, headers = server.answer()
    limiter.after_answer(key, status, headers)
    return status


def test_two_clients_sharing_a_backend_never_exceed_a_window_and_keep_the_reserve(
    make_backend: Callable[[], Backend],
) -> None:
    clock = Clock()
    server = Server(clock, limit=10, window=10.0)
    first, second = (RateLimiter(make_backend(), reserve=2, clock=clock) for _ in range(2))
    key = first.key(settings())
    for turn in range(40):
        assert send(first if turn % 2 else second, key, server, clock) == 200
    assert server.rejected == 0
    assert max(server.per_window) <= 10 - 2
    assert len(server.per_window) >= 5


def test_a_429_with_a_reset_blocks_every_sharer_until_the_reset(make_backend: Callable[[], Backend]) -> None:
    clock = Clock()
    first, second = (RateLimiter(make_backend(), clock=clock) for _ in range(2))
    key = first.key(settings())
    first.after_answer(key, 429, {"X-Rate-Limit-Reset": "7"})
    assert second.wait_before_send(key) == pytest.approx(7.0, abs=0.01)
    clock.now += 6.5
    assert second.wait_before_send(key) == pytest.approx(0.5, abs=0.01)
    clock.now += 0.5
    assert second.wait_before_send(key) == 0.0


def test_a_429_without_a_reset_backs_off_with_jitter(make_backend: Callable[[], Backend]) -> None:
    clock = Clock()
    draws = iter([0.5, 0.25])
    limiter = RateLimiter(make_backend(), clock=clock, random=lambda: next(draws), backoff_base=2.0)
    key = limiter.key(settings())
    limiter.after_answer(key, 429, {})
    assert limiter.wait_before_send(key) == pytest.approx(0.5 * 2.0, abs=0.01)
    clock.now += 1.0
    limiter.after_answer(key, 429, {})  # second strike: the jitter's ceiling doubles
    assert limiter.wait_before_send(key) == pytest.approx(0.25 * 4.0, abs=0.01)


def test_buckets_of_different_credentials_are_independent(make_backend: Callable[[], Backend]) -> None:
    clock = Clock()
    limiter = RateLimiter(make_backend(), clock=clock)
    blocked, other = limiter.key(settings()), limiter.key(settings(employee="employee-secret-C"))
    limiter.after_answer(blocked, 429, {"X-Rate-Limit-Reset": "30"})
    assert limiter.wait_before_send(blocked) > 0
    assert limiter.wait_before_send(other) == 0.0


def test_company_scope_gives_each_company_its_own_bucket_and_credential_scope_one(
    make_backend: Callable[[], Backend],
) -> None:
    clock = Clock()
    backend = make_backend()
    per_company = RateLimiter(backend, clock=clock, scope="company")
    per_credential = RateLimiter(backend, clock=clock)
    assert per_credential.key(settings(company=1)) == per_credential.key(settings(company=2))
    one, two = per_company.key(settings(company=1)), per_company.key(settings(company=2))
    per_company.after_answer(one, 429, {"X-Rate-Limit-Reset": "30"})
    assert per_company.wait_before_send(one) > 0
    assert per_company.wait_before_send(two) == 0.0


def test_no_token_appears_in_any_key(make_backend: Callable[[], Backend]) -> None:
    limiter = RateLimiter(make_backend(), scope="company")
    key = limiter.key(settings(consumer="consumer-secret-A", employee="employee-secret-B", company=5))
    assert "consumer-secret-A" not in key and "employee-secret-B" not in key
    assert key.startswith("ttx:rl:")


def test_the_transport_waits_on_the_shared_limiter_before_sending(make_backend: Callable[[], Backend]) -> None:
    clock = Clock()
    server = Server(clock, limit=5, window=10.0)

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/token/session/:create"):
            return httpx.Response(200, json={"value": {"token": "session-x", "expirationDate": "2026-12-31"}})
        status, headers = server.answer()
        return httpx.Response(status, headers=headers, json={"value": {}})

    limiter = RateLimiter(make_backend(), reserve=1, clock=clock)
    transport = Transport(
        settings(), http_client=httpx.Client(transport=httpx.MockTransport(handler)), sleep=clock.sleep,
        rate_limiter=limiter,
    )
    for _ in range(12):
        transport.send("GET", "/employee/1")
    assert server.rejected == 0
    assert max(server.per_window) <= 4


def test_an_unknown_backend_is_a_clear_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="unknown rate limit backend"):
        backend_from_url("postgres://x")
    with pytest.raises(ConfigurationError, match="file path"):
        backend_from_url("sqlite://")
    with pytest.raises(ConfigurationError, match="cannot open the SQLite file"):
        backend_from_url("sqlite:///nonexistent-dir-for-ttx/limits.db")


def test_the_backend_scope_and_reserve_come_from_the_environment() -> None:
    from tripletex_connect.core.config import resolve_settings

    environ = {"TRIPLETEX_RATE_LIMIT_BACKEND": "memory", "TRIPLETEX_RATE_LIMIT_SCOPE": "company",
               "TRIPLETEX_RATE_LIMIT_RESERVE": "3", "TRIPLETEX_EMPLOYEE_TOKEN": "e", "TRIPLETEX_CONSUMER_TOKEN": "c"}
    resolved = resolve_settings(environ=environ, base_url="http://127.0.0.1:9/v2")
    assert (resolved.rate_limit_backend, resolved.rate_limit_scope, resolved.rate_limit_reserve) == (
        "memory", "company", 3,
    )


def test_a_bad_scope_is_a_clear_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="rate_limit_scope"):
        ConnectionSettings(base_url="http://127.0.0.1:9/v2", environment="custom", rate_limit_scope="planet")


def test_the_sdk_takes_a_limiter_or_a_backend_and_shares_it_with_other_companies(tmp_path: Path) -> None:
    from tripletex_connect.client import Tripletex

    limiter = RateLimiter()
    tx = Tripletex("c", "e", base_url="http://127.0.0.1:9/v2", rate_limiter=limiter)
    assert tx._transport.rate_limiter is limiter
    assert tx.with_company(7)._transport.rate_limiter is limiter
    on_file = Tripletex("c", "e", base_url="http://127.0.0.1:9/v2", rate_limiter=f"sqlite://{tmp_path}/l.db")
    assert on_file._transport.rate_limiter is not None
    assert isinstance(on_file._transport.rate_limiter.backend, SQLiteBackend)
    assert Tripletex("c", "e", base_url="http://127.0.0.1:9/v2")._transport.rate_limiter is None


def test_a_rate_limit_header_that_is_no_number_is_ignored_not_raised(make_backend: Callable[[], Backend]) -> None:
    clock = Clock()
    limiter = RateLimiter(make_backend(), clock=clock)
    key = limiter.key(settings())
    limiter.after_answer(key, 200, {"X-Rate-Limit-Remaining": "many", "X-Rate-Limit-Reset": "soon"})
    limiter.after_answer(key, 429, {"X-Rate-Limit-Reset": "soon"})  # backs off with jitter instead
    assert 0 < limiter.wait_before_send(key) <= limiter.backoff_base


def test_a_session_create_spends_a_request_of_the_shared_bucket(make_backend: Callable[[], Backend]) -> None:
    clock = Clock()
    server = Server(clock, limit=5, window=10.0)

    def handler(request: httpx.Request) -> httpx.Response:
        status, headers = server.answer()  # the :create counts at Tripletex like any request
        if request.url.path.endswith("/token/session/:create") and status == 200:
            return httpx.Response(200, headers=headers,
                                  json={"value": {"token": "session-x", "expirationDate": "2026-12-31"}})
        return httpx.Response(status, headers=headers, json={"value": {}})

    limiter = RateLimiter(make_backend(), reserve=0, clock=clock)  # no reserve to absorb an uncounted :create
    for _ in range(8):  # a new client each time: each creates its own session first
        transport = Transport(
            settings(), http_client=httpx.Client(transport=httpx.MockTransport(handler)), sleep=clock.sleep,
            rate_limiter=limiter,
        )
        transport.send("GET", "/employee/1")
    assert server.rejected == 0
    assert sum(server.per_window) == 16


def test_requests_in_flight_when_a_new_windows_budget_arrives_are_counted_against_it(
    make_backend: Callable[[], Backend],
) -> None:
    clock = Clock()
    server = Server(clock, limit=10, window=10.0)
    limiter = RateLimiter(make_backend(), reserve=2, clock=clock)
    key = limiter.key(settings())
    for _window in range(3):
        in_flight = [limiter.wait_before_send(key) for _ in range(6)]  # sent before any answer tells the budget
        assert in_flight == [0.0] * 6
        status, headers = server.answer()  # the first of them is answered...
        limiter.after_answer(key, status, headers)
        more = 0
        while limiter.wait_before_send(key) == 0.0:  # ...and the budget it names is spent at once
            more += 1
        for _ in range(5 + more):
            status, headers = server.answer()
            limiter.after_answer(key, status, headers)
        assert server.rejected == 0 and server.per_window[-1] <= 10 - 2
        clock.sleep(10.0)
