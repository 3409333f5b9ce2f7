"""Shared rate-limit backends: SQLite (processes on one host) and Redis (a cluster), same rule as `Bucket`."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from .limiter import WHAT, Bucket
from .stores import open_sqlite, redis_client

_SCHEMA = """CREATE TABLE IF NOT EXISTS rate_bucket (
    key TEXT PRIMARY KEY, remaining INTEGER, window_end REAL NOT NULL, blocked_until REAL NOT NULL)"""


class SQLiteBackend:
    """Buckets in a SQLite file (WAL); each step is one `BEGIN IMMEDIATE` transaction, atomic across processes."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._db = open_sqlite(path, WHAT, _SCHEMA)

    def _step(self, key: str, change: Callable[[Bucket], float]) -> float:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                row = self._db.execute(
                    "SELECT remaining, window_end, blocked_until FROM rate_bucket WHERE key = ?", (key,)
                ).fetchone()
                bucket = Bucket(*row) if row else Bucket()
                result = change(bucket)
                self._db.execute(
                    "INSERT OR REPLACE INTO rate_bucket VALUES (?, ?, ?, ?)",
                    (key, bucket.remaining, bucket.window_end, bucket.blocked_until),
                )
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
            return result

    def acquire(self, key: str, now: float, reserve: int) -> float:
        """Take one request from the bucket, or the seconds to wait."""
        return self._step(key, lambda b: b.acquire(now, reserve))

    def observe(self, key: str, now: float, remaining: int | None, reset: float | None) -> None:
        """Record a response's rate-limit headers."""
        def change(bucket: Bucket) -> float:
            bucket.observe(now, remaining, reset)
            return 0.0

        self._step(key, change)

    def block(self, key: str, until: float) -> None:
        """Block the bucket until `until`."""
        def change(bucket: Bucket) -> float:
            bucket.block(until)
            return 0.0

        self._step(key, change)

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()


# The `Bucket` rule in Lua, run atomically by Redis. Fields: r (remaining, absent = unknown), w, b.
_SCRIPT = """
local key, op, now = KEYS[1], ARGV[1], tonumber(ARGV[2])
local r = tonumber(redis.call('HGET', key, 'r'))
local w = tonumber(redis.call('HGET', key, 'w') or '0')
local b = tonumber(redis.call('HGET', key, 'b') or '0')
local result = 0
if op == 'acquire' then
  local reserve = tonumber(ARGV[3])
  if now < b then
    result = b - now
  else
    if now >= w then r = nil end
    if r ~= nil then
      if r <= reserve then
        result = math.max(w - now, 0.001)
      else
        r = r - 1
      end
    end
  end
elseif op == 'observe' then
  local remaining, stop = tonumber(ARGV[3]), tonumber(ARGV[4])
  if r == nil or now >= w or stop > w + 1.0 then
    r, w = remaining, stop
  else
    r = math.min(r, remaining)
  end
else
  local stop = tonumber(ARGV[3])
  b = math.max(b, stop)
  w = math.max(w, stop)
  r = 0
end
if r == nil then redis.call('HDEL', key, 'r') else redis.call('HSET', key, 'r', r) end
redis.call('HSET', key, 'w', tostring(w), 'b', tostring(b))
redis.call('EXPIRE', key, 86400)
return tostring(result)
"""


class RedisBackend:
    """Buckets in Redis (a cluster of workers); each step is one atomic Lua script."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self._script = client.register_script(_SCRIPT)

    @classmethod
    def from_url(cls, url: str) -> RedisBackend:
        """A backend on the Redis server at `url` (needs the `redis` extra)."""
        return cls(redis_client(url, WHAT))

    def _run(self, key: str, *args: Any) -> float:
        return float(self._script(keys=[key], args=[str(a) for a in args]))

    def acquire(self, key: str, now: float, reserve: int) -> float:
        """Take one request from the bucket, or the seconds to wait."""
        return self._run(key, "acquire", repr(now), reserve)

    def observe(self, key: str, now: float, remaining: int | None, reset: float | None) -> None:
        """Record a response's rate-limit headers."""
        if remaining is None:
            return
        end = now + reset if reset is not None else now + 1.0
        self._run(key, "observe", repr(now), remaining, repr(end))

    def block(self, key: str, until: float) -> None:
        """Block the bucket until `until`."""
        self._run(key, "block", "0", repr(until))

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()
