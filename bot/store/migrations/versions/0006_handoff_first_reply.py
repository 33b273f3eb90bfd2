"""Overview speed (issue 19): ``handoffs.first_reply_at``, the time of the first staff reply written in the console
for the handoff, kept by the database itself.

The Overview's reply-time figures need, per handoff, the earliest ``staff_messages.created_at``; reading it through
a correlated subquery per handoff was the costliest part of those figures on PostgreSQL. Triggers on
``staff_messages`` keep the column equal to ``MIN(staff_messages.created_at)`` for the handoff on every insert,
delete (purge) and change of ``created_at`` / ``handoff_id``, whoever writes (the console, tests, bulk loads). A
timestamp, no health information. Existing handoffs are filled here. The Overview's covering indexes on handoffs
and screenings gain the columns its queries read (language, first_reply_at), so a year's rows come from the
indexes alone. Downgrade drops the triggers and the column and restores 0005's indexes.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# 0005's covering indexes with the columns the Overview also reads (downgrade restores the first 6 / 4)
HANDOFFS_COVER = ["created_at", "sender_id", "status", "urgency", "reason", "channel", "language", "first_reply_at"]
SCREENINGS_COVER = ["created_at", "sender_id", "band", "channel", "language"]

RECOMPUTE = ("UPDATE handoffs SET first_reply_at = (SELECT MIN(created_at) FROM staff_messages "
             "WHERE staff_messages.handoff_id = {row}.handoff_id) WHERE id = {row}.handoff_id")
LOWER = ("UPDATE handoffs SET first_reply_at = NEW.created_at WHERE id = NEW.handoff_id "
         "AND (first_reply_at IS NULL OR NEW.created_at < first_reply_at)")

SQLITE_TRIGGERS = {
    "trg_staff_messages_first_reply_insert": f"AFTER INSERT ON staff_messages BEGIN {LOWER}; END",
    "trg_staff_messages_first_reply_delete":
        f"AFTER DELETE ON staff_messages BEGIN {RECOMPUTE.format(row='OLD')}; END",
    "trg_staff_messages_first_reply_update": (
        "AFTER UPDATE OF created_at, handoff_id ON staff_messages BEGIN "
        f"{RECOMPUTE.format(row='OLD')}; {RECOMPUTE.format(row='NEW')}; END"),
}

POSTGRESQL_FUNCTION = f"""
CREATE FUNCTION handoffs_first_reply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        {RECOMPUTE.format(row='OLD')};
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        {LOWER};
    END IF;
    RETURN NULL;
END
$$
"""
POSTGRESQL_TRIGGER = ("CREATE TRIGGER trg_staff_messages_first_reply AFTER INSERT OR DELETE OR UPDATE OF created_at, "
                      "handoff_id ON staff_messages FOR EACH ROW EXECUTE FUNCTION handoffs_first_reply()")


def upgrade() -> None:
    # no batch mode: recreating handoffs on SQLite would lose the partial unique index's WHERE clause
    op.add_column("handoffs", sa.Column("first_reply_at", sa.DateTime, nullable=True))
    op.execute("UPDATE handoffs SET first_reply_at = (SELECT MIN(created_at) FROM staff_messages "
               "WHERE staff_messages.handoff_id = handoffs.id)")
    op.drop_index("ix_handoffs_created_cover", table_name="handoffs")
    op.create_index("ix_handoffs_created_cover", "handoffs", HANDOFFS_COVER)
    op.drop_index("ix_screenings_created_sender_band", table_name="screenings")
    op.create_index("ix_screenings_created_sender_band", "screenings", SCREENINGS_COVER)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRESQL_FUNCTION)
        op.execute(POSTGRESQL_TRIGGER)
    else:
        for name, body in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS trg_staff_messages_first_reply ON staff_messages")
        op.execute("DROP FUNCTION IF EXISTS handoffs_first_reply()")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_index("ix_screenings_created_sender_band", table_name="screenings")
    op.create_index("ix_screenings_created_sender_band", "screenings", SCREENINGS_COVER[:4])
    op.drop_index("ix_handoffs_created_cover", table_name="handoffs")
    op.create_index("ix_handoffs_created_cover", "handoffs", HANDOFFS_COVER[:6])
    op.drop_column("handoffs", "first_reply_at")
