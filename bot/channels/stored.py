"""The stored events of a conversation, read by the channels (another node may have written them)."""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)


def agent_of(app: Any) -> Any:
    """The Rasa agent a Sanic app carries, or None (not started yet, or a test app)."""
    return getattr(getattr(app, "ctx", None), "agent", None)


async def stored_events(agent: Any, conversation_id: str, what: str) -> list | None:
    """The conversation's events ([] when there is none), or None when the store cannot be read: then the
    failure is logged as "could not read <what>" (without ids or text) and the caller falls back."""
    try:
        tracker = await agent.tracker_store.retrieve(conversation_id)
    except Exception:  # noqa: BLE001 - each caller has a safe fallback; a message is never lost over this
        log.exception("could not read " + what)  # a fixed phrase: redaction replaces %-arguments
        return None
    return list(tracker.events) if tracker is not None else []
