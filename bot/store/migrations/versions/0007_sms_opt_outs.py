"""Several nodes (issue 18): the SMS opt-out list moves from ``<data_dir>/sms_opt_outs.json`` into the database.

The file was per machine and each process kept it in memory, so a STOP received by one node was not seen by the
others. ``sms_opt_outs`` holds one row per number that replied STOP: the HMAC-SHA256 digest of the number (keyed
with the settings' ``secret_key``, as in the file; never the number) and when it opted out, so the Overview can
count opt-outs per period. An old file is imported by the application on its first use of the list (each machine
its own file; ``bot.store.sms_opt_outs.import_file``), not here: a migration does not know the data folder.
Downgrade drops the table: the opt-outs recorded since are then only known to Twilio (which refuses to send to a
number that replied STOP, error 21610).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sms_opt_outs",
        sa.Column("digest", sa.String(64), primary_key=True),
        sa.Column("opted_out_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_sms_opt_outs_opted_out_at", "sms_opt_outs", ["opted_out_at"])


def downgrade() -> None:
    op.drop_index("ix_sms_opt_outs_opted_out_at", table_name="sms_opt_outs")
    op.drop_table("sms_opt_outs")
