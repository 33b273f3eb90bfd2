"""What the widget's Rasa nodes share through Redis when there are several (``redis_url`` set).

* ``room_manager``: python-socketio's Redis manager, so a message for a conversation reaches its socket on
  whichever node holds it (a staff reply relayed through another node, the staff typing line). The node that
  emits delivers to its own sockets first and then publishes; when Redis is down, its own sockets still get
  every message (python-socketio logs the failed publish; the text is never logged).
* ``SharedTypingBoard``: "the person is typing" as a Redis key per conversation (hashed id, expiring after
  ``ttl``), so the console sees it whichever node it asks. When Redis fails, this node's memory is used.
* Rate-limit buckets: ``bot.channels.shared_limits`` (same URL, same ``redis_client``).
One process (no ``redis_url``): the default in-memory manager and board.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from bot.channels.typing import TypingBoard

log = logging.getLogger(__name__)
CHANNEL = "iopbot-widget"
REDIS_OPTIONS = {"socket_connect_timeout": 1.0, "socket_timeout": 1.0}
# The room manager's subscription waits for messages as long as none come: a read timeout made it fail after each
# idle second (and after any second the event loop was busy with NLU) and subscribe again a second later, losing
# what other nodes published meanwhile. A dead Redis still fails at once (connection refused or reset).
ROOM_OPTIONS = {"socket_connect_timeout": 1.0, "socket_keepalive": True}


def _redis_url() -> str:
    from bot.config import get_settings

    return get_settings().redis_url


def redis_client(redis_url: str) -> Any:
    """An asyncio Redis client with the timeouts above (connects on first use, not here)."""
    from redis import asyncio as aioredis

    return aioredis.Redis.from_url(redis_url, **REDIS_OPTIONS)


def room_manager(redis_url: str | None = None) -> Any:
    """A Redis client manager for the socket.io server, or None (python-socketio's in-memory default)."""
    url = _redis_url() if redis_url is None else redis_url
    if not url:
        return None
    from socketio import AsyncRedisManager

    return AsyncRedisManager(url, channel=CHANNEL, redis_options=dict(ROOM_OPTIONS))


class SharedTypingBoard(TypingBoard):
    """``TypingBoard`` whose typing state lives in Redis (the per-socket rate limit stays in memory)."""

    def __init__(self, redis_url: str, **options: Any) -> None:
        super().__init__(**options)
        self._redis = redis_client(redis_url)

    @staticmethod
    def _key(conversation_id: str) -> str:
        return "iopbot:typing:" + hashlib.sha256(conversation_id.encode()).hexdigest()[:32]

    async def mark(self, conversation_id: str, typing: bool) -> None:
        self.set(conversation_id, typing)
        try:
            if typing:
                await self._redis.set(self._key(conversation_id), "1", px=int(self.ttl * 1000))
            else:
                await self._redis.delete(self._key(conversation_id))
        except Exception as exc:  # noqa: BLE001 - Redis down: this node's memory still answers
            log.warning("typing state not shared, error type " + type(exc).__name__)  # %-arguments are redacted

    async def typing_now(self, conversation_id: str) -> bool:
        try:
            return bool(await self._redis.exists(self._key(conversation_id)))
        except Exception as exc:  # noqa: BLE001
            log.warning("typing state not readable from Redis, error type " + type(exc).__name__)
            return self.is_typing(conversation_id)


def typing_board(redis_url: str | None = None) -> TypingBoard:
    url = _redis_url() if redis_url is None else redis_url
    return SharedTypingBoard(url) if url else TypingBoard()
