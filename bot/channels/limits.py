"""Rate limits per client and per conversation: token buckets a person typing fast never empties.

Defaults: a conversation may send 10 messages at once and 30 a minute after that (one every 2 s, more
than a person reading the questions can keep up); a client (IP address, socket) 60 at once and 300 a
minute (several people behind one address). A channel's ``rate_limit`` credentials override them::

    rate_limit: {burst: 10, per_minute: 30, client_burst: 60, client_per_minute: 300}

Channels ask ``await limiter.check(conversation, client)``; a copy of a message answered from storage
(``bot.channels.replay``) gets its tokens back (``give_back``), so a client's retries never limit it. With
one process (no ``redis_url``) the buckets live in this process's memory. With several Rasa nodes
(``redis_url`` set) ``from_credentials`` gives a ``bot.channels.shared_limits.SharedRateLimiter``: the buckets
live in Redis, so a client spread over N nodes by the balancer still gets one budget, not N; when Redis is down
or slow, each node falls back to the in-memory buckets below. Crisis messages are answered even when limited
(see ``guard.limited_reply``).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable

MAX_KEYS = 50_000  # least recently used buckets are forgotten beyond this (a full bucket is the default)


@dataclass(frozen=True)
class Rate:
    burst: float
    per_minute: float


class Buckets:
    """One token bucket per key, refilled continuously at ``rate.per_minute``."""

    def __init__(self, rate: Rate, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.clock = clock
        self._state: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def take(self, key: str) -> bool:
        now = self.clock()
        tokens, then = self._state.pop(key, (self.rate.burst, now))
        tokens = min(self.rate.burst, tokens + (now - then) * self.rate.per_minute / 60)
        allowed = tokens >= 1
        self._state[key] = (tokens - 1 if allowed else tokens, now)
        while len(self._state) > MAX_KEYS:
            self._state.popitem(last=False)
        return allowed

    def give(self, key: str) -> None:
        """Put back a token taken for ``key`` (never above the burst; a forgotten key is a full bucket)."""
        if key in self._state:
            now = self.clock()
            tokens, then = self._state[key]
            self._state[key] = (min(self.rate.burst, tokens + (now - then) * self.rate.per_minute / 60 + 1), now)


class RateLimiter:
    """Per-conversation and per-client buckets; ``allow`` is False when either is empty."""

    def __init__(self, conversation: Rate = Rate(10, 30), client: Rate = Rate(60, 300),
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.conversations = Buckets(conversation, clock)
        self.clients = Buckets(client, clock)

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None, redis_url: str | None = None) -> RateLimiter:
        """The channel's rates; shared through Redis when ``redis_url`` (default: the settings') is set."""
        conf = (credentials or {}).get("rate_limit") or {}
        conversation = Rate(float(conf.get("burst", 10)), float(conf.get("per_minute", 30)))
        client = Rate(float(conf.get("client_burst", 60)), float(conf.get("client_per_minute", 300)))
        from bot.channels.shared_limits import shared_limiter

        return shared_limiter(conversation, client, redis_url) or cls(conversation, client)

    def allow(self, conversation: str, client: str | None = None) -> bool:
        """Take a token from this process's buckets."""
        ok = self.conversations.take(conversation)
        if client is not None:
            ok = self.clients.take(client) and ok
        return ok

    def put_back(self, conversation: str, client: str | None = None) -> None:
        """Return the tokens ``allow`` took, to this process's buckets."""
        self.conversations.give(conversation)
        if client is not None:
            self.clients.give(client)

    async def check(self, conversation: str, client: str | None = None) -> bool:
        """What the channels call: ``allow`` here; through Redis in ``SharedRateLimiter``."""
        return self.allow(conversation, client)

    async def give_back(self, conversation: str, client: str | None = None) -> None:
        """What the channels call for a message that cost nothing (a copy answered from storage)."""
        self.put_back(conversation, client)
