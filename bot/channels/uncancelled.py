"""A message's handling runs to its end even when the request that brought it is cut off.

Sanic cancels a request's handler when its connection closes: Twilio hangs up after 15 s, the balancer after
its server timeout, a phone's browser when it loses signal. A turn cancelled there stops anywhere (before or
after its actions ran, before its replies were sent or stored), and the copy the sender then repeats is
ignored as a duplicate (SMS: the MessageSid was seen on that node) or handled a second time. Run to its end,
the turn sends its replies (SMS) or stores them for the repeat to return (REST: ``bot.channels.replay``).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Awaitable, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")
_RUNNING: set[asyncio.Task] = set()  # a task nobody awaits any more must stay referenced until it ends


async def to_the_end(work: Awaitable[T]) -> T:
    """Await ``work``; if the caller is cancelled, ``work`` goes on (and a failure in it is logged)."""
    task = asyncio.ensure_future(work)
    _RUNNING.add(task)
    task.add_done_callback(_RUNNING.discard)
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        task.add_done_callback(_report)  # nobody awaits it now
        raise


def _report(task: asyncio.Task) -> None:
    if not task.cancelled() and task.exception() is not None:
        # the type only, joined in: %-arguments are redacted in the log files (bot.redact)
        log.error("handling a message failed after its request was cut off, error type "
                  + type(task.exception()).__name__)
