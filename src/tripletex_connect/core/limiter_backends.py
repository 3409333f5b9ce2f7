"""Shared rate-limit backends: SQLite (processes on one host) and Redis (a cluster), same rule as `Bucket`."""

from __future__ import annotations

from typing import Any

from .limiter import WHAT, RecordsBackend
from .stores import SQLiteRecords, redis_client


class SQLiteBackend(RecordsBackend):
    """Buckets in a SQLite file (WAL, mode 0600); each step is one `BEGIN IMMEDIATE` transaction, across processes."""

    def __init__(self, path: str) -> None:
        self.path = path
        super().__init__(SQLiteRecords(path, "rate_bucket_record", WHAT))


# The `Bucket` rule in Lua, run atomically by Redis. Fields: r (remaining, absent = unknown), w, b, u (unknown_sent).
_SCRIPT = """
local key, op, now = KEYS[1], ARGV[1], tonumber(ARGV[2])
local r = tonumber(redis.call('HGET', key, 'r'))
local w = tonumber(redis.call('HGET', key, 'w') or '0')
local b = tonumber(redis.call('HGET', key, 'b') or '0')
local u = tonumber(redis.call('HGET', key, 'u') or '0')
local result = 0
if op == 'acquire' then
  local reserve = tonumber(ARGV[3])
  if now < b then
    result = b - now
  else
    if now >= w and r ~= nil then r, u = nil, 0 end
    if r == nil then
      u = u + 1
    elseif r <= reserve then
      result = math.max(w - now, 0.001)
    else
      r = r - 1
    end
  end
elseif op == 'observe' then
  local remaining, stop = tonumber(ARGV[3]), tonumber(ARGV[4])
  if r == nil or now >= w or stop > w + 1.0 then
    r, w, u = math.max(remaining - math.max(u - 1, 0), 0), stop, 0
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
redis.call('HSET', key, 'w', tostring(w), 'b', tostring(b), 'u', tostring(u))
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
