"""Rate-limit buckets shared by all Rasa nodes through Redis (``redis_url`` set; see ``bot.channels.limits``).

One Lua script takes a token from each bucket of a message (the conversation's, the client's) atomically on the
Redis server and by Redis's clock, so concurrent messages on several nodes draw on one budget and the nodes'
own clocks do not matter. Each key expires once its bucket would be full again: an idle key is a full bucket,
so it vanishes. Keys are HMAC-SHA256 tags keyed from the settings' ``secret_key`` (the same on every node):
no phone number, address or conversation id in clear, and a phone number cannot be found by trying them all.

When Redis fails or times out (``shared_state.REDIS_OPTIONS``), this node's in-memory buckets answer instead
and Redis is tried again ``RETRY_SECONDS`` later, so an outage costs at most one timeout per interval, never a
lost message. The switch is logged once each way, with the error's type only (no id, no text).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import time
from typing import Callable

from bot.channels.limits import Rate, RateLimiter
from bot.channels.shared_state import _redis_url, redis_client

log = logging.getLogger(__name__)
RETRY_SECONDS = 5.0
MAX_TTL_MS = 24 * 3600 * 1000  # a bucket that never refills (per_minute 0) is forgotten after a day

# KEYS: the buckets; ARGV: burst, tokens per ms and expiry in ms for each key in turn.
# Returns 1 when every bucket had a token. A bucket out of tokens keeps what it has (as Buckets.take does).
TAKE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ok = 1
for i, key in ipairs(KEYS) do
  local burst, rate, ttl = tonumber(ARGV[3 * i - 2]), tonumber(ARGV[3 * i - 1]), tonumber(ARGV[3 * i])
  local state = redis.call('HMGET', key, 'tokens', 'at')
  local tokens, at = tonumber(state[1]), tonumber(state[2])
  if tokens == nil or at == nil then tokens, at = burst, now end
  tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
  if tokens >= 1 then tokens = tokens - 1 else ok = 0 end
  redis.call('HSET', key, 'tokens', tostring(tokens), 'at', tostring(now))
  redis.call('PEXPIRE', key, ttl)
end
return ok
"""


# The same keys and arguments: one token back to each bucket that has a state (no state is a full bucket).
GIVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for i, key in ipairs(KEYS) do
  local burst, rate, ttl = tonumber(ARGV[3 * i - 2]), tonumber(ARGV[3 * i - 1]), tonumber(ARGV[3 * i])
  local state = redis.call('HMGET', key, 'tokens', 'at')
  local tokens, at = tonumber(state[1]), tonumber(state[2])
  if tokens ~= nil and at ~= nil then
    tokens = math.min(burst, tokens + math.max(0, now - at) * rate + 1)
    redis.call('HSET', key, 'tokens', tostring(tokens), 'at', tostring(now))
    redis.call('PEXPIRE', key, ttl)
  end
end
return 1
"""


def _args(rate: Rate) -> list[float | int]:
    per_ms = max(rate.per_minute, 0.0) / 60_000
    ttl = MAX_TTL_MS if per_ms == 0 else min(MAX_TTL_MS, math.ceil(rate.burst / per_ms) + 1000)
    return [rate.burst, per_ms, ttl]


class SharedRateLimiter(RateLimiter):
    """``RateLimiter`` whose ``check`` takes tokens in Redis; ``allow`` (memory) is the fallback."""

    def __init__(self, redis_url: str, secret: str, conversation: Rate = Rate(10, 30),
                 client: Rate = Rate(60, 300), clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(conversation, client, clock)
        self._redis = redis_client(redis_url)
        self._take = self._redis.register_script(TAKE)  # EVALSHA, loading the script when Redis lacks it
        self._give = self._redis.register_script(GIVE)
        self._tag_key = hashlib.sha256(b"iopbot rate limits\0" + secret.encode("utf-8")).digest()
        self._retry_at = 0.0  # after a failure: memory until then
        self._in_memory = False

    def key(self, kind: str, value: str) -> str:
        tag = hmac.new(self._tag_key, f"{kind}\0{value}".encode("utf-8", "replace"), hashlib.sha256)
        return f"iopbot:limit:{kind}:{tag.hexdigest()[:32]}"

    def _keys(self, conversation: str, client: str | None) -> tuple[list[str], list[float | int]]:
        keys, args = [self.key("conversation", conversation)], _args(self.conversations.rate)
        if client is not None:
            keys.append(self.key("client", client))
            args += _args(self.clients.rate)
        return keys, args

    async def give_back(self, conversation: str, client: str | None = None) -> None:
        if self.clock() < self._retry_at:
            self.put_back(conversation, client)
            return
        keys, args = self._keys(conversation, client)
        try:
            await self._give(keys=keys, args=args)
        except Exception:  # noqa: BLE001 - a token not given back costs a retrying client a little, nothing more
            log.info("could not give rate-limit tokens back in Redis")

    async def check(self, conversation: str, client: str | None = None) -> bool:
        if self.clock() < self._retry_at:
            return self.allow(conversation, client)
        keys, args = self._keys(conversation, client)
        try:
            allowed = await self._take(keys=keys, args=args)
        except Exception as exc:  # noqa: BLE001 - Redis down or slow: never hold up or lose a message
            self._retry_at = self.clock() + RETRY_SECONDS
            if not self._in_memory:
                # the type is part of the wording: log redaction replaces %-arguments whole
                log.warning("Redis unavailable for the rate limits, this node counts on its own until Redis "
                            "answers again, error type " + type(exc).__name__)
                self._in_memory = True
            return self.allow(conversation, client)
        if self._in_memory:
            log.info("rate limits shared through Redis again")
            self._in_memory = False
        return bool(allowed)


def shared_limiter(conversation: Rate, client: Rate, redis_url: str | None = None) -> SharedRateLimiter | None:
    """A Redis-backed limiter when ``redis_url`` (default: the settings') is set, else None."""
    url = _redis_url() if redis_url is None else redis_url
    if not url:
        return None
    from bot.config import get_settings

    return SharedRateLimiter(url, get_settings().key("secret_key"), conversation, client)
