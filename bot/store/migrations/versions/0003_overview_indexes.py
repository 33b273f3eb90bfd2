"""Overview (issue 19): indexes for the console's Overview figures.

* ``events (type_name, action_name, sender_id, timestamp)``: "which people had a session start / opened the
  screening / got the crisis answer / wrote something, between two times", read in sender order from the
  index alone, and each person's last ``screening_current`` slot event by one index search.
* ``staff_messages (handoff_id, created_at)``: the first staff reply to each handoff from the index alone.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_events_type_action_sender_time", "events",
                    ["type_name", "action_name", "sender_id", "timestamp"])
    op.create_index("ix_staff_messages_handoff_created", "staff_messages", ["handoff_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_staff_messages_handoff_created", table_name="staff_messages")
    op.drop_index("ix_events_type_action_sender_time", table_name="events")
