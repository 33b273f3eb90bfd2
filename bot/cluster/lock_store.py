"""A conversation lock shared by the nodes through Redis: one holder at a time, waiting messages in arrival order.

Rasa's ``RedisLockStore`` reads a conversation's whole ticket list, adds a ticket and writes it back, so two
nodes taking a ticket at once can both get the same number and run one conversation together (RasaHQ/rasa
#9213); a holder's ticket also expires after 60 s even while it still works. Here every step is one Lua
script, atomic in Redis:

* a ticket is ``INCR`` of the conversation's counter, queued in a sorted set by its number, with a lease;
* the holder is the lowest live ticket, so messages run in the order their tickets were taken (FIFO);
* a ticket's lease (``LEASE`` seconds) is renewed while its process lives (holding or waiting), so a live
  holder keeps the lock however long it works, and a dead one's ticket expires within the lease;
* a channel takes its message's ticket as the message arrives (``reserve``) and waits for it later, so the
  queue keeps arrival order while the message is prepared (and a crisis answer sent, which waits for nobody);
* within one task the lock is re-entrant: the safety guard takes it before it checks for an earlier copy of
  a message, and Rasa's own ``lock`` inside (``Agent.handle_message``) then runs under the same ticket.

Configured by :func:`bot.cluster.local.lock_store_config` (Rasa's endpoints ``lock_store: type:
bot.cluster.lock_store.ConversationLockStore``).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
from typing import Any, AsyncIterator

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LockError, RedisLockStore

log = logging.getLogger(__name__)

LEASE = 30.0  # seconds a ticket lives unless its process renews it (a dead holder's lock frees within this)
RENEW = 0.1  # a held or waiting ticket's lease is renewed after this part of it
POLL = 0.05  # seconds between checks of a waiting ticket

# KEYS: queue (sorted set ticket -> ticket), leases (hash ticket -> expiry ms), counter; now = Redis' clock
_PURGE = """
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local leases = redis.call('HGETALL', KEYS[2])
for i = 1, #leases, 2 do
  if tonumber(leases[i + 1]) < now then
    redis.call('ZREM', KEYS[1], leases[i])
    redis.call('HDEL', KEYS[2], leases[i])
  end
end
"""
_KEEP = "for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], 2 * ARGV[1]) end\n"
# ARGV: lease ms -> the new ticket
ISSUE = _PURGE + """
local ticket = redis.call('INCR', KEYS[3])
redis.call('ZADD', KEYS[1], ticket, ticket)
redis.call('HSET', KEYS[2], ticket, now + ARGV[1])
""" + _KEEP + "return ticket"
# ARGV: lease ms, ticket -> 1 holds (lease renewed), 0 waits (renewed), -1 the ticket is gone (expired)
HOLDS = _PURGE + """
if not redis.call('HGET', KEYS[2], ARGV[2]) then return -1 end
redis.call('HSET', KEYS[2], ARGV[2], now + ARGV[1])
""" + _KEEP + """
local first = redis.call('ZRANGE', KEYS[1], 0, 0)
if first[1] == ARGV[2] then return 1 end
return 0
"""
# ARGV: ticket -> the live tickets left
RELEASE = """
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
""" + _PURGE + """
local left = redis.call('ZCARD', KEYS[1])
if left == 0 then redis.call('DEL', KEYS[1], KEYS[2]) end
return left
"""
# ARGV: own ticket ("" none) -> the live tickets ahead of it (all of them without one)
OTHERS = _PURGE + """
if ARGV[1] == '' then return redis.call('ZCARD', KEYS[1]) end
return redis.call('ZCOUNT', KEYS[1], '-inf', '(' .. ARGV[1])
"""

# the conversations whose lock the current task holds -> its ticket (a new dict on every change)
_held: contextvars.ContextVar[dict[str, int] | None] = contextvars.ContextVar("iopbot_held_locks", default=None)


def _held_now() -> dict[str, int]:
    return _held.get() or {}


# tickets the current task took when its message arrived (``reserve``), for its ``lock`` later
_reserved: contextvars.ContextVar[dict[str, int] | None] = contextvars.ContextVar("iopbot_reserved", default=None)


def _reserved_now() -> dict[str, int]:
    return _reserved.get() or {}


class ConversationLockStore(RedisLockStore):
    """Rasa's lock store interface on atomic Redis scripts (see the module docstring)."""

    def __init__(self, endpoint_config: Any = None, lease: float = LEASE, **kwargs: Any) -> None:
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs, **kwargs}
        lease = float(kwargs.pop("lease", lease))  # endpoints may set it (the tests do)
        super().__init__(**kwargs)
        self.lease_ms = int(lease * 1000)
        self._scripts = {name: self.red.register_script(body) for name, body in
                         (("issue", ISSUE), ("holds", HOLDS), ("release", RELEASE), ("others", OTHERS))}

    def _keys(self, conversation_id: str) -> list[str]:
        queue = self.key_prefix + conversation_id
        return [queue, queue + ":leases", queue + ":counter"]

    def _run(self, name: str, conversation_id: str, *args: Any) -> int:
        return int(self._scripts[name](keys=self._keys(conversation_id), args=list(args)))

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = 0) -> int:  # noqa: ARG002 - leases renew
        try:
            return self._run("issue", conversation_id, self.lease_ms)
        except Exception as error:  # noqa: BLE001 - Rasa's contract: LockError
            raise LockError(f"Error while issuing a ticket: {type(error).__name__}") from error

    def holds(self, conversation_id: str, ticket: int) -> bool:
        """Whether ``ticket`` is now served (renewing its lease); LockError when it expired."""
        state = self._run("holds", conversation_id, self.lease_ms, ticket)
        if state < 0:
            raise LockError("a conversation's lock ticket expired while waiting")
        return state == 1

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        self._run("release", conversation_id, ticket_number)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        self.finish_serving(conversation_id, ticket_number)

    def is_someone_waiting(self, conversation_id: str) -> bool:
        """Whether another message holds the conversation's lock or waits for it ahead of the current task's."""
        own = _held_now().get(conversation_id, _reserved_now().get(conversation_id))
        return self._run("others", conversation_id, "" if own is None else own) > 0

    def holds_now(self, conversation_id: str) -> bool:
        """Whether the current task holds the conversation's lock."""
        return conversation_id in _held_now()

    @contextlib.asynccontextmanager
    async def reserve(self, conversation_id: str) -> AsyncIterator[None]:
        """Take a ticket now, as the message arrives, for this task's ``lock`` later: the message keeps its place
        in the queue while it is prepared (and its crisis answer sent, which waits for nobody)."""
        if conversation_id in _held_now() or conversation_id in _reserved_now():
            yield
            return
        ticket = self.issue_ticket(conversation_id)
        renewer = asyncio.create_task(self._renew(conversation_id, ticket))
        token = _reserved.set({**_reserved_now(), conversation_id: ticket})
        try:
            yield
        finally:
            _reserved.reset(token)
            renewer.cancel()
            self._release(conversation_id, ticket)  # a no-op when its lock released it already

    @contextlib.asynccontextmanager
    async def lock(self, conversation_id: str, lock_lifetime: float = 0,  # noqa: ARG002 - leases renew
                   wait_time_in_seconds: float = POLL) -> AsyncIterator[TicketLock]:
        """Hold the conversation's lock (re-entrant within a task), waiting in ticket order."""
        if conversation_id in _held_now():
            yield TicketLock(conversation_id)
            return
        ticket = _reserved_now().get(conversation_id)
        renewer = None
        if ticket is None:
            ticket = self.issue_ticket(conversation_id)
            renewer = asyncio.create_task(self._renew(conversation_id, ticket))
        token = None
        try:
            while not self.holds(conversation_id, ticket):
                await asyncio.sleep(min(wait_time_in_seconds, POLL))
            token = _held.set({**_held_now(), conversation_id: ticket})
            yield TicketLock(conversation_id)
        finally:
            if token is not None:
                _held.reset(token)
            if renewer is not None:
                renewer.cancel()
            else:  # the reservation is used up
                _reserved.set({k: v for k, v in _reserved_now().items() if k != conversation_id})
            self._release(conversation_id, ticket)

    def _release(self, conversation_id: str, ticket: int) -> None:
        try:
            self.cleanup(conversation_id, ticket)
        except Exception:  # noqa: BLE001 - Redis down: the ticket's lease runs out by itself
            log.warning("could not release a conversation's lock; its lease will expire")

    async def _renew(self, conversation_id: str, ticket: int) -> None:
        while True:
            await asyncio.sleep(self.lease_ms / 1000 * RENEW)
            try:
                self.holds(conversation_id, ticket)
            except LockError:  # released (a reservation its lock used up) or expired: nothing left to renew
                return
            except Exception as error:  # noqa: BLE001 - retried; the waiting loop reports an expired ticket
                log.warning("could not renew a conversation's lock lease, error type " + type(error).__name__)
