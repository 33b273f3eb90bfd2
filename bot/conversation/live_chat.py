"""Live chat with a staff member, as the person sees it: who joined, who left, whose message this is.

Pure helpers (no Rasa, no database). Notices are bot messages whose metadata carries ``iopbot_notice``
("joined" / "left" / "back") and ``staff_name``; the last one in a conversation tells whether a person from
the team is announced as present. Words come from ``data/texts/<lang>.yml`` (section ``live``).
"""

from __future__ import annotations

import re
from typing import Any, Iterable

from bot.conversation import history
from bot.conversation.history import NOTICE_KEY, STAFF_NAME_KEY

_NAME_PART = re.compile(r"[^\W\d_]+")


def first_name(username: str | None) -> str | None:
    """A staff member's first name from their console username ("dana.smith" -> "Dana"); None if none."""
    match = _NAME_PART.search(str(username or ""))
    if not match:
        return None
    word = match.group(0)
    return word[:1].upper() + word[1:].lower()


def announced_staff(events: Iterable[Any]) -> str | None:
    """The staff member the person was last told has joined and not yet left (None: the assistant).

    ``events``: Rasa events as objects or as dicts (the action server's ``tracker.events``)."""
    return history.announced_staff(events)


def live_text(lang: str | None, key: str, name: str | None = None) -> str:
    """A live-chat text in ``lang`` (English if missing), with the staff member's name filled in."""
    from bot.texts import text

    template = text(lang, "live", key if name else f"{key}_unnamed") or text(lang, "live", key) or ""
    return str(template).format(name=name or "")


def notice(lang: str | None, kind: str, name: str | None) -> dict[str, Any]:
    """Keyword arguments for a notice bot message ("joined", "left" or "back")."""
    return {"text": live_text(lang, kind, name), NOTICE_KEY: kind, STAFF_NAME_KEY: name or ""}
