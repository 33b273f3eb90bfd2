"""SMS that Twilio's API did not take wait in the database (``sms_outbox``), not in the memory of one process.

Before, an SMS whose every attempt failed (Twilio's API down for a while) waited in the sending process and was
lost when that process stopped or died. Each row holds one SMS: the number's HMAC digest (to keep one number's
SMS in order), the number and the text encrypted, when to try next, how many later tries were made, and until
when a node holds it. Downgrade drops the table and the SMS still waiting in it.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sms_outbox",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("number", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("next_try_at", sa.DateTime, nullable=False),
        sa.Column("tries", sa.Integer, nullable=False, server_default="0"),
        sa.Column("leased_until", sa.DateTime),
    )
    op.create_index("ix_sms_outbox_digest", "sms_outbox", ["digest"])
    op.create_index("ix_sms_outbox_next_try_at", "sms_outbox", ["next_try_at"])


def downgrade() -> None:
    op.drop_index("ix_sms_outbox_next_try_at", table_name="sms_outbox")
    op.drop_index("ix_sms_outbox_digest", table_name="sms_outbox")
    op.drop_table("sms_outbox")
