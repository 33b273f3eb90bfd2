"""Initial schema: screenings, staff, handoffs, notes, staff messages, audit log, Rasa tracker events.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _has_table(name: str) -> bool:
    return sa.inspect(op.get_bind()).has_table(name)


def upgrade() -> None:
    op.create_table(
        "screenings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sender_id", sa.String(255), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("for_whom", sa.String(32)),
        sa.Column("answers", sa.Text, nullable=False),
        sa.Column("band", sa.String(64)),
        sa.Column("reasons", sa.Text, nullable=False),
        sa.Column("criteria_version", sa.String(64)),
        sa.Column("summary", sa.Text),
        sa.Column("started_at", sa.DateTime, nullable=False),
        sa.Column("completed_at", sa.DateTime),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_screenings_sender_id", "screenings", ["sender_id"])
    op.create_index("ix_screenings_band", "screenings", ["band"])
    op.create_index("ix_screenings_created_at", "screenings", ["created_at"])

    op.create_table(
        "staff_users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(150), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("last_login_at", sa.DateTime),
    )

    op.create_table(
        "handoffs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sender_id", sa.String(255), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("urgency", sa.String(16), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("assignee_id", sa.Integer, sa.ForeignKey("staff_users.id", ondelete="SET NULL")),
        sa.Column("contact_preference", sa.String(16)),
        sa.Column("best_time", sa.String(200)),
        sa.Column("first_name", sa.Text),
        sa.Column("phone", sa.Text),
        sa.Column("consent", sa.Boolean, nullable=False),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("trigger_message", sa.Text),
        sa.Column("screening_id", sa.Integer, sa.ForeignKey("screenings.id", ondelete="SET NULL")),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("claimed_at", sa.DateTime),
        sa.Column("closed_at", sa.DateTime),
    )
    op.create_index("ix_handoffs_sender_id", "handoffs", ["sender_id"])
    op.create_index("ix_handoffs_status", "handoffs", ["status"])
    op.create_index("ix_handoffs_created_at", "handoffs", ["created_at"])
    op.create_index(
        "uq_handoffs_open_sender",
        "handoffs",
        ["sender_id"],
        unique=True,
        postgresql_where=sa.text("status <> 'closed'"),
        sqlite_where=sa.text("status <> 'closed'"),
    )

    op.create_table(
        "notes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "handoff_id", sa.Integer, sa.ForeignKey("handoffs.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("author", sa.String(150), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_notes_handoff_id", "notes", ["handoff_id"])

    op.create_table(
        "staff_messages",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "handoff_id", sa.Integer, sa.ForeignKey("handoffs.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("sender_id", sa.String(255), nullable=False),
        sa.Column("author", sa.String(150), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("delivered_at", sa.DateTime),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_error", sa.String(500)),
    )
    op.create_index("ix_staff_messages_handoff_id", "staff_messages", ["handoff_id"])
    op.create_index("ix_staff_messages_sender_id", "staff_messages", ["sender_id"])

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("actor", sa.String(150), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("target", sa.String(255)),
        sa.Column("detail", sa.JSON),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_action", "audit_log", ["action"])

    # Rasa's tracker table; the tracker store may already have created it (it calls create_all).
    if not _has_table("events"):
        op.create_table(
            "events",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("sender_id", sa.String(255), nullable=False),
            sa.Column("type_name", sa.String(255), nullable=False),
            sa.Column("timestamp", sa.Float),
            sa.Column("intent_name", sa.String(255)),
            sa.Column("action_name", sa.String(255)),
            sa.Column("data", sa.Text),
        )
        op.create_index("ix_events_sender_id", "events", ["sender_id"])


def downgrade() -> None:
    if _has_table("events"):
        op.drop_table("events")
    op.drop_table("audit_log")
    op.drop_table("staff_messages")
    op.drop_table("notes")
    op.drop_table("handoffs")
    op.drop_table("staff_users")
    op.drop_table("screenings")
