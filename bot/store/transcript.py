"""Read a conversation transcript from Rasa's (encrypted) ``events`` table without importing Rasa.

``load_transcript(sender_id, session=..., settings=...) -> [{"at", "who", "text", ...}]`` where ``who`` is
``"person"`` (user event), ``"bot"`` (bot event) or ``"staff"``. A staff reply is recognised in two ways:
a bot event whose metadata carries ``iopbot_from: "staff"`` (what ``action_relay_staff_messages`` must
send: ``dispatcher.utter_message(text=..., iopbot_from="staff", staff_message_id=<id>)``), and staff
messages still waiting in the outbox (``pending: True``). Rows that cannot be decrypted are shown as a
placeholder instead of failing the whole page. Each message carries ``lang``: for the person's, the language
NLU read in it (entity ``language``), else the conversation's language at the time (the ``language`` slot);
``conversation_language(transcript)`` is the last one.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import Text, select, type_coerce
from sqlalchemy.orm import Session

from bot.store import repositories as repo
from bot.store.crypto import CIPHER_ATTR, DecryptionError, decrypt_text, default_cipher
from bot.store.models import tracker_events

STAFF_METADATA_KEY = "iopbot_from"
STAFF_METADATA_VALUE = "staff"


def _when(timestamp: float | None) -> dt.datetime | None:
    if timestamp is None:
        return None
    return dt.datetime.fromtimestamp(float(timestamp), tz=dt.timezone.utc).replace(tzinfo=None)


def _bot_text(event: dict) -> str:
    text = event.get("text") or ""
    data = event.get("data") or {}
    buttons = data.get("buttons") or []
    titles = [str(b.get("title", "")) for b in buttons if isinstance(b, dict) and b.get("title")]
    if titles:
        text = f"{text}\n[{' | '.join(titles)}]" if text else f"[{' | '.join(titles)}]"
    return text


def _read_language(event: dict) -> str | None:
    """The language a user event was read in (LanguageDetector's entity), if NLU said."""
    entities = (event.get("parse_data") or {}).get("entities") or []
    for entity in entities:
        if isinstance(entity, dict) and entity.get("entity") == "language" and isinstance(entity.get("value"), str):
            return entity["value"]
    return None


def _entry(event: dict, row_ts: float | None, lang: str) -> dict[str, Any] | None:
    kind = event.get("event")
    at = _when(event.get("timestamp", row_ts))
    if kind == "user":
        text = event.get("text")
        if text is None:
            return None
        return {"at": at, "who": "person", "text": text, "channel": event.get("input_channel"),
                "lang": _read_language(event) or lang}
    if kind == "bot":
        metadata = event.get("metadata") or {}
        who = "staff" if metadata.get(STAFF_METADATA_KEY) == STAFF_METADATA_VALUE else "bot"
        text = _bot_text(event)
        if not text:
            return None
        return {"at": at, "who": who, "text": text, "lang": lang}
    return None


def conversation_language(transcript: list[dict], default: str = "en") -> str:
    """The language of the conversation's latest message that has one."""
    return next((e["lang"] for e in reversed(transcript) if e.get("lang")), default)


def load_transcript(sender_id: str, *, session: Session | None = None, settings: Any = None) -> list[dict]:
    """All messages of one conversation (every session), oldest first, plus undelivered staff replies."""
    if session is None:
        from bot.store import db

        with db.session_scope(settings) as own:
            return load_transcript(sender_id, session=own)
    cipher = getattr(session.get_bind().dialect, CIPHER_ATTR, None) or default_cipher()
    stmt = (
        select(tracker_events.c.timestamp, type_coerce(tracker_events.c.data, Text).label("raw"))
        .where(tracker_events.c.sender_id == sender_id)
        .order_by(tracker_events.c.id)
    )
    entries: list[dict] = []
    lang = "en"
    for timestamp, raw in session.execute(stmt):
        if raw is None:
            continue
        try:
            text = raw if raw.lstrip().startswith("{") else decrypt_text(cipher, raw)
            event = json.loads(text)
        except (DecryptionError, ValueError):
            entries.append({"at": _when(timestamp), "who": "system", "text": "[message cannot be decrypted]"})
            continue
        if event.get("event") == "slot" and event.get("name") == "language" and isinstance(event.get("value"), str):
            lang = event["value"]
        entry = _entry(event, timestamp, lang)
        if entry is not None:
            entries.append(entry)
    for message in repo.pending_staff_messages(session, sender_id):
        entries.append({"at": message.created_at, "who": "staff", "text": message.text, "pending": True})
    entries.sort(key=lambda e: e["at"] or dt.datetime.min)
    return entries
