"""Console queue (issue 17): a plain ``language`` column on handoffs and screenings, and the queue's index.

The conversation language was only inside encrypted tracker events; the queue filters by it. A language
code is not health information. ``handoffs (status, urgency, created_at)`` serves the paged queue.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # no batch mode: recreating handoffs on SQLite would lose the partial unique index's WHERE clause
    op.add_column("handoffs", sa.Column("language", sa.String(8), nullable=True))
    op.add_column("screenings", sa.Column("language", sa.String(8), nullable=True))
    op.create_index("ix_handoffs_status_urgency_created", "handoffs", ["status", "urgency", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_handoffs_status_urgency_created", table_name="handoffs")
    op.drop_column("screenings", "language")
    op.drop_column("handoffs", "language")
