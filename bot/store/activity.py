"""Conversation activity: the few plain facts per conversation the console's Overview counts.

The tracker store (:mod:`bot.store.tracker_store`) writes one row per Rasa session each time it saves: when the
session began, web or SMS, its language, when the screening form last opened, the question open last (a
question id such as ``"withdrawal"``, never an answer) and the person's last message. None of it is health
information; the events' encrypted ``data`` stays the record of what was said. Plain Python and SQLAlchemy.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.conversation.channels import channel_kind
from bot.store.models import ConversationActivity

QUESTION_MAX = 64


@dataclass(frozen=True)
class Activity:
    sender_id: str
    started_at: dt.datetime
    channel: str  # web | sms
    last_active_at: dt.datetime
    language: str | None = None
    screening_opened_at: dt.datetime | None = None
    question: str | None = None


def utc(epoch_seconds: float) -> dt.datetime:
    """Rasa event timestamp (epoch seconds) as naive UTC, like every timestamp column."""
    return dt.datetime.fromtimestamp(epoch_seconds, dt.timezone.utc).replace(tzinfo=None)


def channel_of(sender_id: str, input_channel: str | None) -> str:
    """"sms" for an SMS input channel or a phone-number sender id (the SMS channel's), else "web"."""
    return "sms" if channel_kind(input_channel) == "sms" or sender_id.startswith("+") else "web"


def record(session: Session, activity: Activity) -> None:
    """Insert or update the row of ``activity``'s conversation (sender id and start time)."""
    row = session.execute(select(ConversationActivity).where(
        ConversationActivity.sender_id == activity.sender_id,
        ConversationActivity.started_at == activity.started_at)).scalar_one_or_none()
    values = {
        "channel": activity.channel,
        "language": (activity.language or None) and str(activity.language)[:8],
        "screening_opened_at": activity.screening_opened_at,
        "question": (activity.question or None) and str(activity.question)[:QUESTION_MAX],
        "last_active_at": activity.last_active_at,
    }
    if row is None:
        session.add(ConversationActivity(sender_id=activity.sender_id, started_at=activity.started_at, **values))
    else:
        for name, value in values.items():
            setattr(row, name, value)


def conversation_language(session: Session, sender_id: str) -> str | None:
    """The language of the conversation's latest session, from its activity row (no events decrypted)."""
    stmt = select(ConversationActivity.language).where(
        ConversationActivity.sender_id == sender_id, ConversationActivity.language.is_not(None),
    ).order_by(ConversationActivity.last_active_at.desc()).limit(1)
    return session.execute(stmt).scalar_one_or_none()
