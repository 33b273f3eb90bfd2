"""Read a conversation's latest slot values and last messages from Rasa's encrypted ``events`` table.

``latest_slot(s, sender_id, name)`` -> the value of the newest ``slot`` event for ``name`` (or None).
``last_person_message(s, sender_id)`` -> ``(text, at)`` of the person's newest message, or None.
``last_person_times(s, sender_ids)`` -> ``{sender_id: unix timestamp}`` of each newest person message
(plain columns only, nothing decrypted). Rows that cannot be decrypted are skipped.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Iterable

from sqlalchemy import Text, func, select, type_coerce
from sqlalchemy.orm import Session

from bot.store.crypto import CIPHER_ATTR, DecryptionError, decrypt_text, default_cipher
from bot.store.models import tracker_events

MAX_SCAN = 2000  # newest events looked at per search


def _events(session: Session, sender_id: str, type_name: str):
    """Decrypted events of one type, newest first."""
    cipher = getattr(session.get_bind().dialect, CIPHER_ATTR, None) or default_cipher()
    stmt = (
        select(tracker_events.c.timestamp, type_coerce(tracker_events.c.data, Text))
        .where(tracker_events.c.sender_id == sender_id, tracker_events.c.type_name == type_name)
        .order_by(tracker_events.c.id.desc())
        .limit(MAX_SCAN)
    )
    for timestamp, raw in session.execute(stmt):
        if raw is None:
            continue
        try:
            yield timestamp, json.loads(raw if raw.lstrip().startswith("{") else decrypt_text(cipher, raw))
        except (DecryptionError, ValueError):
            continue


def latest_slot(session: Session, sender_id: str, name: str) -> Any:
    for _ts, event in _events(session, sender_id, "slot"):
        if event.get("name") == name:
            return event.get("value")
    return None


def last_person_message(session: Session, sender_id: str) -> tuple[str, dt.datetime | None] | None:
    for ts, event in _events(session, sender_id, "user"):
        text = event.get("text")
        if text and not str(text).startswith("/"):
            when = event.get("timestamp", ts)
            at = dt.datetime.fromtimestamp(float(when), tz=dt.timezone.utc).replace(tzinfo=None) if when else None
            return str(text), at
    return None


def last_person_times(session: Session, sender_ids: Iterable[str]) -> dict[str, float]:
    ids = list(set(sender_ids))
    if not ids:
        return {}
    stmt = (
        select(tracker_events.c.sender_id, func.max(tracker_events.c.timestamp))
        .where(tracker_events.c.type_name == "user", tracker_events.c.sender_id.in_(ids))
        .group_by(tracker_events.c.sender_id)
    )
    return {sender: float(ts) for sender, ts in session.execute(stmt) if ts is not None}
