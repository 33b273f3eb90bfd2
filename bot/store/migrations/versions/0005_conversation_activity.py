"""Overview (issue 19): ``conversation_activity``, one row per conversation with the facts the Overview counts,
and covering indexes for its screening and handoff counts.

The tracker store fills the table from now on; existing conversations are filled here from the tracker's
events: each ``session_started`` begins a row, the last ``active_loop`` of ``screening_form`` in it is when the
screening opened, the value of its last ``screening_current`` slot event is the question open last (decrypted:
a question id, never an answer), the last ``user`` event is the last activity. The language of old
conversations is only inside encrypted events with no clear name, so it stays empty for them. 0003's index on
``events`` goes (nothing reads events by type any more; one index less to write per message). Downgrade
restores it and drops the table and the new indexes.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

import datetime as dt
import json

import sqlalchemy as sa
from alembic import context, op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

BATCH = 5000


def upgrade() -> None:
    op.create_table(
        "conversation_activity",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sender_id", sa.String(255), nullable=False),
        sa.Column("started_at", sa.DateTime, nullable=False),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("language", sa.String(8)),
        sa.Column("screening_opened_at", sa.DateTime),
        sa.Column("question", sa.String(64)),
        sa.Column("last_active_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("sender_id", "started_at", name="uq_conversation_activity_session"),
    )
    _backfill()  # before the indexes: faster on a large events table
    op.drop_index("ix_events_type_action_sender_time", table_name="events")  # 0003's: the Overview left events
    # the Overview's period scans read from these two indexes alone
    op.create_index("ix_conversation_activity_started", "conversation_activity",
                    ["started_at", "sender_id", "channel", "language"])
    op.create_index("ix_conversation_activity_opened", "conversation_activity",
                    ["screening_opened_at", "sender_id", "question", "channel", "language"])
    op.create_index("ix_conversation_activity_last_active_at", "conversation_activity", ["last_active_at"])
    op.create_index("ix_screenings_created_sender_band", "screenings", ["created_at", "sender_id", "band", "channel"])
    op.create_index("ix_screenings_sender_created", "screenings", ["sender_id", "created_at"])
    op.create_index("ix_handoffs_created_cover", "handoffs",
                    ["created_at", "sender_id", "status", "urgency", "reason", "channel"])


def downgrade() -> None:
    op.create_index("ix_events_type_action_sender_time", "events",
                    ["type_name", "action_name", "sender_id", "timestamp"])
    op.drop_index("ix_handoffs_created_cover", table_name="handoffs")
    op.drop_index("ix_screenings_sender_created", table_name="screenings")
    op.drop_index("ix_screenings_created_sender_band", table_name="screenings")
    op.drop_table("conversation_activity")


def _utc(epoch: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(epoch, dt.timezone.utc).replace(tzinfo=None)


class _Questions:
    """Reads the question id out of a ``screening_current`` slot event's ``data`` (legacy rows may be plain
    JSON); the Fernet key is asked for only when the first encrypted row comes."""

    def __init__(self) -> None:
        self._cipher = None

    def __call__(self, data: str | None) -> str | None:
        from bot.store.crypto import DecryptionError, cipher_for, decrypt_text

        if not data:
            return None
        try:
            if not data.lstrip().startswith("{"):
                if self._cipher is None:
                    source = context.config.attributes.get("encryption_key")
                    if source is None:
                        from bot.config import get_settings

                        source = lambda: get_settings().key("encryption_key")  # noqa: E731
                    self._cipher = cipher_for(source())
                data = decrypt_text(self._cipher, data)
            value = json.loads(data).get("value")
        except (DecryptionError, ValueError, AttributeError):
            return None
        return value[:64] if isinstance(value, str) and value else None


def _backfill() -> None:
    bind = op.get_bind()
    events = sa.table("events", sa.column("id"), sa.column("sender_id"), sa.column("type_name"),
                      sa.column("timestamp"), sa.column("action_name"), sa.column("data"))
    target = sa.table("conversation_activity", *(sa.column(c) for c in (
        "sender_id", "started_at", "channel", "screening_opened_at", "question", "last_active_at")))
    wanted = sa.or_(
        events.c.type_name.in_(("session_started", "user")),
        sa.and_(events.c.type_name == "active_loop", events.c.action_name == "screening_form"),
        sa.and_(events.c.type_name == "slot", events.c.action_name == "screening_current"),
    )
    query = sa.select(events.c.sender_id, events.c.type_name, events.c.timestamp,
                      sa.case((events.c.type_name == "slot", events.c.data))) \
        .where(wanted, events.c.timestamp.is_not(None)) \
        .order_by(events.c.sender_id, events.c.timestamp, events.c.id)
    question = _Questions()
    rows: list[dict] = []
    tokens: list = []  # per row, the data of its last screening_current event: decrypted once, at the end
    by_key: dict[tuple, int] = {}  # one row per (sender, start): a repeated start time continues the row
    current = None
    for sender, kind, when, data in bind.execute(query.execution_options(stream_results=True)):
        if current is not None and rows[current]["sender_id"] != sender:
            current = None
        if kind == "session_started":
            key = (sender, _utc(when))
            current = by_key.get(key)
            if current is None:
                current = by_key[key] = len(rows)
                rows.append({"sender_id": sender, "started_at": key[1], "screening_opened_at": None,
                             "question": None, "last_active_at": key[1],
                             "channel": "sms" if sender.startswith("+") else "web"})
                tokens.append(None)
        elif current is None:
            continue  # events before any session start belong to no conversation
        elif kind == "user":
            rows[current]["last_active_at"] = _utc(when)
        elif kind == "active_loop":
            rows[current]["screening_opened_at"], tokens[current] = _utc(when), None
        else:
            tokens[current] = data
    for row, token in zip(rows, tokens, strict=True):
        row["question"] = question(token) if row["screening_opened_at"] else None
    for start in range(0, len(rows), BATCH):
        bind.execute(target.insert(), rows[start:start + BATCH])
