"""SQLAlchemy models. All timestamps are naive UTC (``utcnow()``); health text is encrypted at rest.

Tables: ``screenings``, ``handoffs``, ``staff_users``, ``console_sessions``, ``notes``, ``staff_messages``,
``audit_log``, ``conversation_activity``, ``sms_opt_outs``, ``sms_outbox`` and
Rasa's tracker table ``events`` (written by :mod:`bot.store.tracker_store`, read for transcripts and purge).
The schema is created by the Alembic migrations in ``bot/store/migrations`` (``db.migrate(url)``).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import declarative_base, relationship

from bot.store.crypto import EncryptedJSON, EncryptedText
from bot.store.roles import REPORT_ROLES

Base = declarative_base()

URGENCIES = ("urgent", "normal")
STATUSES = ("waiting", "claimed", "in_conversation", "closed")
OPEN_STATUSES = ("waiting", "claimed", "in_conversation")
TAKEN_OVER_STATUSES = ("claimed", "in_conversation")
CONTACT_PREFERENCES = ("chat", "text", "call")
HANDOFF_REASONS = ("end_of_screening", "asked_for_person", "crisis")


def utcnow() -> dt.datetime:
    """Current time as naive UTC (what every timestamp column stores)."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class Screening(Base):
    """One self-screening: answers, scored band, reasons and the summary shown to staff."""

    __tablename__ = "screenings"

    id = Column(Integer, primary_key=True)
    sender_id = Column(String(255), nullable=False, index=True)
    channel = Column(String(32), nullable=False, default="web")
    for_whom = Column(String(32))  # "self" | "someone_else" | None
    language = Column(String(8))  # the conversation's language when stored ("en", "es")
    answers = Column(EncryptedJSON, nullable=False, default=dict)
    band = Column(String(64), index=True)
    reasons = Column(EncryptedJSON, nullable=False, default=list)
    criteria_version = Column(String(64))
    summary = Column(EncryptedJSON)
    started_at = Column(DateTime, nullable=False, default=utcnow)
    completed_at = Column(DateTime)
    created_at = Column(DateTime, nullable=False, default=utcnow, index=True)

    __table_args__ = (  # the Overview: results per person in a period, and "has this person finished since"
        Index("ix_screenings_created_sender_band", "created_at", "sender_id", "band", "channel", "language"),
        Index("ix_screenings_sender_created", "sender_id", "created_at"),
    )


class StaffUser(Base):
    __tablename__ = "staff_users"

    id = Column(Integer, primary_key=True)
    username = Column(String(150), nullable=False, unique=True)
    password_hash = Column(String(255), nullable=False)
    role = Column(String(16), nullable=False, default="staff")
    active = Column(Boolean, nullable=False, default=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    last_login_at = Column(DateTime)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def sees_reports(self) -> bool:
        """Intake leads and admins see the Overview (aggregates only); admins alone export and audit."""
        return self.role in REPORT_ROLES


class Handoff(Base):
    """A request for a person. At most one open (not closed) handoff per sender (partial unique index)."""

    __tablename__ = "handoffs"

    id = Column(Integer, primary_key=True)
    sender_id = Column(String(255), nullable=False, index=True)
    channel = Column(String(32), nullable=False, default="web")
    urgency = Column(String(16), nullable=False, default="normal")
    status = Column(String(20), nullable=False, default="waiting", index=True)
    assignee_id = Column(Integer, ForeignKey("staff_users.id", ondelete="SET NULL"))
    contact_preference = Column(String(16))  # chat | text | call
    best_time = Column(EncryptedText)  # the person's own words
    first_name = Column(EncryptedText)
    phone = Column(EncryptedText)
    consent = Column(Boolean, nullable=False, default=False)
    reason = Column(String(32), nullable=False, default="asked_for_person")
    language = Column(String(8))  # the conversation's language ("en", "es"); the queue filters by it
    trigger_message = Column(EncryptedText)
    screening_id = Column(Integer, ForeignKey("screenings.id", ondelete="SET NULL"))
    created_at = Column(DateTime, nullable=False, default=utcnow, index=True)
    updated_at = Column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)
    claimed_at = Column(DateTime)
    closed_at = Column(DateTime)
    # the last staff notification sent for this handoff (one per new handoff or raised urgency)
    notified_at = Column(DateTime)
    notified_urgency = Column(String(16))
    # the first staff reply written in the console (MIN(staff_messages.created_at)); kept by database triggers
    # on staff_messages (migration 0006), never written by the application; the Overview's reply times read it
    first_reply_at = Column(DateTime)

    assignee = relationship(StaffUser, lazy="joined")
    screening = relationship(Screening, lazy="joined")

    __table_args__ = (
        Index(
            "uq_handoffs_open_sender",
            "sender_id",
            unique=True,
            postgresql_where=text("status <> 'closed'"),
            sqlite_where=text("status <> 'closed'"),
        ),
        # the Overview's handoff and crisis counts read a period from this index alone
        Index("ix_handoffs_created_cover", "created_at", "sender_id", "status", "urgency", "reason", "channel",
              "language", "first_reply_at"),
    )

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_taken_over(self) -> bool:
        return self.status in TAKEN_OVER_STATUSES


class ConsoleSession(Base):
    """A staff console login. The cookie holds a random token; only its SHA-256 is stored."""

    __tablename__ = "console_sessions"

    id = Column(Integer, primary_key=True)
    token_hash = Column(String(64), nullable=False, unique=True)
    user_id = Column(Integer, ForeignKey("staff_users.id", ondelete="CASCADE"), nullable=False, index=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    last_seen_at = Column(DateTime, nullable=False, default=utcnow)
    revoked_at = Column(DateTime)


class Note(Base):
    __tablename__ = "notes"

    id = Column(Integer, primary_key=True)
    handoff_id = Column(Integer, ForeignKey("handoffs.id", ondelete="CASCADE"), nullable=False, index=True)
    author = Column(String(150), nullable=False)
    text = Column(EncryptedText, nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class StaffMessage(Base):
    """Outbox of staff replies during a takeover; the bot's relay action delivers and marks them."""

    __tablename__ = "staff_messages"

    id = Column(Integer, primary_key=True)
    handoff_id = Column(Integer, ForeignKey("handoffs.id", ondelete="CASCADE"), nullable=False, index=True)
    sender_id = Column(String(255), nullable=False, index=True)
    author = Column(String(150), nullable=False)
    text = Column(EncryptedText, nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    delivered_at = Column(DateTime)
    attempts = Column(Integer, nullable=False, default=0)
    last_error = Column(String(500))


class ConversationActivity(Base):
    """One row per conversation (Rasa session), kept up to date by the tracker store as it saves: when it began,
    web or SMS, its language, when the screening opened and the question open last (a question id, never an
    answer), the person's last message. The Overview counts from these plain columns instead of scanning and
    decrypting tracker events (see ``bot.store.activity``)."""

    __tablename__ = "conversation_activity"

    id = Column(Integer, primary_key=True)
    sender_id = Column(String(255), nullable=False)
    started_at = Column(DateTime, nullable=False)
    channel = Column(String(8), nullable=False)  # web | sms
    language = Column(String(8))
    screening_opened_at = Column(DateTime)
    question = Column(String(64))
    last_active_at = Column(DateTime, nullable=False, index=True)

    __table_args__ = (  # the Overview's two period scans read from these indexes alone
        UniqueConstraint("sender_id", "started_at", name="uq_conversation_activity_session"),
        Index("ix_conversation_activity_started", "started_at", "sender_id", "channel", "language"),
        Index("ix_conversation_activity_opened", "screening_opened_at", "sender_id", "question", "channel",
              "language"),
    )


class SmsOptOut(Base):
    """A phone number that replied STOP on the SMS channel, shared by every node. ``digest`` is the number's
    HMAC-SHA256 (keyed with the settings' ``secret_key``, see ``bot.channels.sms_state``), never the number.
    START deletes the row. Rows imported from the old ``sms_opt_outs.json`` are dated at the import."""

    __tablename__ = "sms_opt_outs"

    digest = Column(String(64), primary_key=True)
    opted_out_at = Column(DateTime, nullable=False, default=utcnow, index=True)


class SmsOutbox(Base):
    """An SMS Twilio's API did not take (every attempt failed): kept here until a later try sends it, so a node
    that stops or dies loses none. ``digest`` is the number's HMAC (as in ``sms_opt_outs``) and orders the SMS to
    one number (by ``id``); the number and the text are encrypted. A node sending a number's SMS holds them until
    ``leased_until``, so two nodes never send the same one; a dead node's lease runs out and another takes over.
    Rows leave when sent, refused, or given up after the last try (``bot.channels.sms_sender``)."""

    __tablename__ = "sms_outbox"

    id = Column(Integer, primary_key=True)
    digest = Column(String(64), nullable=False, index=True)
    number = Column(EncryptedText, nullable=False)
    body = Column(EncryptedText, nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    next_try_at = Column(DateTime, nullable=False, index=True)
    tries = Column(Integer, nullable=False, default=0)
    leased_until = Column(DateTime)


class AuditEntry(Base):
    """Append-only audit log. ``detail`` never holds health information (ids, filters, counts only)."""

    __tablename__ = "audit_log"

    id = Column(Integer, primary_key=True)
    at = Column(DateTime, nullable=False, default=utcnow, index=True)
    actor = Column(String(150), nullable=False)
    action = Column(String(64), nullable=False, index=True)
    target = Column(String(255))
    detail = Column(JSON)


# Rasa's tracker-store table (same columns as rasa.core.tracker_store.SQLTrackerStore.SQLEvent);
# ``data`` holds the Fernet-encrypted serialised event; ``intent_name`` and ``action_name`` stay empty
# (they would show crisis intents beside phone-number sender ids), see bot/store/tracker_store.py.
tracker_events = Table(
    "events",
    Base.metadata,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", EncryptedText(allow_plaintext=True)),
)
