"""The end of a staff takeover, as the person sees it: "<name> has left" and "You're back with the assistant".

``announce_release(app, sender_id, output)`` records both notices in the conversation, ending with
action_listen (so the dialogue takes the person's next message as a new turn, not as a reply to the staff
member's last words), and sends them - only if the person was told someone joined and the notices were
not said yet. Called by the guard before the first message after a release and by ``ReleaseWatch``, which
looks every few seconds whether staff released a widget conversation they joined, so the notice comes
without the person having to type first.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any, Callable

from bot.channels.stored import agent_of

log = logging.getLogger(__name__)


async def announce_release(app: Any, sender_id: str, output: Any) -> bool:
    """Say (and record) who left and that the assistant is back, if due; True when said."""
    from rasa.shared.core.constants import ACTION_LISTEN_NAME
    from rasa.shared.core.events import ActionExecuted, BotUttered

    from bot.conversation.live_chat import announced_staff, notice

    agent = agent_of(app)
    if agent is None:
        return False
    said: list[dict] = []
    try:
        async with agent.lock_store.lock(sender_id):
            tracker = await agent.tracker_store.retrieve(sender_id)
            name = announced_staff(tracker.events) if tracker is not None else None
            if name is None:
                return False
            lang = tracker.get_slot("language") or "en"
            said = [notice(lang, "left", name or None), notice(lang, "back", None)]
            for kwargs in said:
                tracker.update(BotUttered(kwargs["text"], metadata={k: v for k, v in kwargs.items() if k != "text"}))
            tracker.update(ActionExecuted(ACTION_LISTEN_NAME))
            await agent.tracker_store.save(tracker)
    except Exception:  # noqa: BLE001 - the person's message is handled whatever happens here
        log.exception("could not announce the end of a staff takeover")
        return False
    for kwargs in said:
        extra = {k: v for k, v in kwargs.items() if k != "text"}
        await output.send_text_message(sender_id, kwargs["text"], **extra)
    return True


class ReleaseWatch:
    """Widget conversations a staff member joined; every ``interval`` seconds, those released are announced."""

    def __init__(self, interval: float = 3.0) -> None:
        self.interval = interval
        self.joined: set[str] = set()
        self._task: asyncio.Task | None = None

    def watch(self, sender_id: str) -> None:
        self.joined.add(sender_id)

    def start(self, app_of: Callable[[], Any], output_for: Callable[[], Any]) -> None:
        """Start the loop once (inside the server's event loop)."""
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run(app_of, output_for))

    async def stop(self) -> None:
        """Cancel the loop (at server stop, so no pending task is destroyed with the event loop)."""
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self, app_of: Callable[[], Any], output_for: Callable[[], Any]) -> None:
        from bot.store.repositories import is_taken_over

        while True:
            await asyncio.sleep(self.interval)
            for sender_id in list(self.joined):
                try:
                    if await asyncio.to_thread(is_taken_over, sender_id):
                        continue
                    self.joined.discard(sender_id)
                    await announce_release(app_of(), sender_id, output_for())
                except Exception:  # noqa: BLE001 - database down: try again on the next round
                    log.exception("could not check a staff takeover")
