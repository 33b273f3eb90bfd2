"""The reply to a message with no text in it (an empty box sent, only spaces, or only NUL characters)."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def empty_reply(sender_id: str) -> str:
    """The "I didn't get any text" reply in the conversation's language (English when nothing says, or when the
    database cannot be asked: the person still gets an answer)."""
    from bot.texts import text

    try:
        from bot.store.repositories import language_of

        language = language_of(sender_id)
    except Exception:  # noqa: BLE001 - no database: answer in English rather than not at all
        log.warning("could not look up a conversation's language for the empty-message reply")
        language = None
    return str(text(language, "channel", "empty_reply"))
