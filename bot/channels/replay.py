"""A message sent again with the same ``message_id`` gets the stored answer instead of being handled twice.

A client whose request was cut off (the node handling it died, the connection broke) cannot know whether
the message was handled. It sends it again with the same id: if the conversation already holds a user
message with that id, the bot messages that followed it are returned as they were sent, and nothing new is
stored; otherwise the message is handled as usual, with that id on the stored event.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from typing import AsyncIterator, Awaitable, Callable

from rasa.core.channels.channel import CollectingOutputChannel
from rasa.shared.core.events import BotUttered, UserUttered

from bot.channels.stored import agent_of, stored_events

log = logging.getLogger(__name__)

MESSAGE_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
LOCK_WAIT = 70.0  # seconds; longer than Rasa's ticket lifetime, after which a dead holder's ticket expires


def valid_message_id(value) -> bool:
    return isinstance(value, str) and bool(MESSAGE_ID.match(value))


def replies_after(events, sender: str, message_id: str) -> list[dict] | None:
    """The bot messages stored after the user message ``message_id``, or None when there is no such message."""
    replies: list[dict] | None = None
    for event in events:
        if isinstance(event, UserUttered):
            if replies is not None:
                break
            if event.message_id == message_id:
                replies = []
        elif replies is not None and isinstance(event, BotUttered):
            data = event.data or {}
            replies.append(CollectingOutputChannel._message(  # noqa: SLF001 - the channel's own reply shape
                sender, event.text, data.get("image"), data.get("buttons"), data.get("attachment"),
                data.get("custom")))
    return replies


@contextlib.asynccontextmanager
async def conversation_turn(app, sender: str) -> AsyncIterator[None]:
    """The conversation's lock for a whole turn, when the lock store is re-entrant (bot.cluster.lock_store):
    the check for an earlier copy and the handling then run under one ticket, taken in arrival order, so two
    copies of a message (on two nodes during a failover) never both run. Otherwise (one process) nothing; a
    lock store that cannot be reached: nothing either (Rasa's own lock then fails, and the guard answers)."""
    store = getattr(agent_of(app), "lock_store", None)
    async with contextlib.AsyncExitStack() as stack:
        if hasattr(store, "holds_now"):
            try:
                await stack.enter_async_context(store.lock(sender))
            except Exception:  # noqa: BLE001 - the person must still get an answer
                log.warning("could not take a conversation's lock for its turn")
        yield


@contextlib.asynccontextmanager
async def arrival(app, sender: str) -> AsyncIterator[None]:
    """Around a channel's handling of a message: its place in the conversation's queue, taken as it arrives
    (a re-entrant lock store's ``reserve``; nothing otherwise, or when the lock store cannot be reached)."""
    store = getattr(agent_of(app), "lock_store", None)
    async with contextlib.AsyncExitStack() as stack:
        if hasattr(store, "reserve"):
            try:
                await stack.enter_async_context(store.reserve(sender))
            except Exception:  # noqa: BLE001 - the guard's lock reports it; the person still gets an answer
                log.warning("could not take a conversation's ticket on arrival")
        yield


class EarlierCopy:
    """The guard's check for an earlier copy of a message (see ``answered_before``); ``found`` after it ran."""

    def __init__(self, app, sender: str, message_id: str, send: Callable[[list[dict]], Awaitable[None]]) -> None:
        self.app, self.sender, self.message_id, self.send = app, sender, message_id, send
        self.found = False

    async def __call__(self) -> list[dict] | None:
        agent = agent_of(self.app)
        if agent is None:
            return None
        if not _reentrant(agent):
            await _wait_for_lock(agent, self.sender)
        stored = await _read_replies(agent, self.sender, self.message_id)
        if stored is None:
            return None
        log.info("a message sent again: its stored answer (%d messages) sent again", len(stored))
        await self.send(stored)
        self.found = True
        return stored


def answered_before(app, sender: str, message_id: str | None, send: Callable[[list[dict]], Awaitable[None]]
                    ) -> EarlierCopy | None:
    """For the guard: a check of whether ``message_id`` was handled already. It returns None when it was not (or
    the conversation cannot be read: the message is then handled as new); else the stored answer (maybe empty),
    which it has sent through ``send``. The guard runs it under the conversation's lock with a re-entrant lock
    store (a cluster); in one process the check first waits until no handling of the conversation holds or
    waits for Rasa's lock (an earlier copy still running). None instead of a check when there is no id."""
    if not message_id:
        return None
    return EarlierCopy(app, sender, message_id, send)


async def spare_tokens(limiter, copy: EarlierCopy | None, conversation: str, client: str | None = None) -> None:
    """After the guard: a copy answered from storage gives back the rate-limit tokens its arrival took, so a
    client retrying a message it got no answer to (a dropped connection, Twilio's retry) is not limited for it."""
    if copy is not None and copy.found:
        await limiter.give_back(conversation, client)


async def _read_replies(agent, sender: str, message_id: str) -> list[dict] | None:
    # unreadable: the message is handled as new rather than dropped
    events = await stored_events(agent, sender, "the conversation for an earlier copy of a message")
    return replies_after(events, sender, message_id) if events else None


def _reentrant(agent) -> bool:
    return hasattr(getattr(agent, "lock_store", None), "holds_now")


async def _wait_for_lock(agent, sender: str) -> None:
    """Until nobody holds or waits for ``sender``'s lock (at most ``LOCK_WAIT``; an unreadable store: no wait)."""
    store = getattr(agent, "lock_store", None)
    began = time.monotonic()
    deadline = began + LOCK_WAIT
    while store is not None and time.monotonic() < deadline:
        try:
            if not store.is_someone_waiting(sender):
                break
        except Exception:  # noqa: BLE001 - the lock store is down: the handling that follows reports it
            break
        await asyncio.sleep(0.2)
    waited = time.monotonic() - began
    if waited > 5:  # noqa: PLR2004
        log.info("a message waited %.0f s for its conversation's lock before the check for an earlier copy", waited)


async def send_again(output, sender: str, replies: list[dict]) -> None:
    """Send stored replies through an output channel (socket.io, SMS) as they were first sent."""
    for reply in replies:
        await output.send_response(sender, {k: v for k, v in reply.items() if k != "recipient_id"})
