"""Server-side console sessions; handoff notification marks; free text and tracker rows closed to readers.

* ``console_sessions``: one row per staff login (hash of the cookie's token, user, created, last seen, revoked).
* ``handoffs.best_time`` becomes an encrypted TEXT column; existing plaintext values are encrypted.
* ``handoffs.notified_at`` / ``notified_urgency``: one staff notice per new handoff or raised urgency.
* ``events``: ``intent_name`` / ``action_name`` blanked (the encrypted ``data`` keeps them), and legacy
  plaintext ``data`` rows encrypted. Downgrade decrypts ``best_time`` again; nothing is lost either way.

The Fernet key is asked for only when there are rows to encrypt or decrypt
(``config.attributes["encryption_key"]``, a callable set by ``bot.store.db.migrate``).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import context, op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _cipher():
    from bot.store.crypto import cipher_for

    source = context.config.attributes.get("encryption_key")
    if source is None:
        from bot.config import get_settings

        return cipher_for(get_settings().key("encryption_key"))
    return cipher_for(source())


def _rewrite(table: str, column: str, rows, convert) -> None:
    bind = op.get_bind()
    statement = sa.text(f"UPDATE {table} SET {column} = :value WHERE id = :id")  # noqa: S608 - fixed names
    for row_id, value in rows:
        bind.execute(statement, {"value": convert(value), "id": row_id})


def upgrade() -> None:
    op.create_table(
        "console_sessions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("staff_users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("last_seen_at", sa.DateTime, nullable=False),
        sa.Column("revoked_at", sa.DateTime),
    )
    op.create_index("ix_console_sessions_user_id", "console_sessions", ["user_id"])

    # no batch mode: recreating the table on SQLite would lose the partial unique index's WHERE clause
    if op.get_bind().dialect.name != "sqlite":  # SQLite does not enforce VARCHAR lengths
        op.alter_column("handoffs", "best_time", type_=sa.Text, existing_type=sa.String(200))
    op.add_column("handoffs", sa.Column("notified_at", sa.DateTime))
    op.add_column("handoffs", sa.Column("notified_urgency", sa.String(16)))

    bind = op.get_bind()
    plain = bind.execute(sa.text("SELECT id, best_time FROM handoffs WHERE best_time IS NOT NULL")).fetchall()
    legacy = bind.execute(sa.text("SELECT id, data FROM events WHERE data LIKE '{%'")).fetchall()
    if plain or legacy:
        from bot.store.crypto import encrypt_text

        cipher = _cipher()
        _rewrite("handoffs", "best_time", plain, lambda v: encrypt_text(cipher, v))
        _rewrite("events", "data", legacy, lambda v: encrypt_text(cipher, v))
    # the names kept in clear are bot.store.tracker_store.CLEAR_ACTION_NAMES
    bind.execute(sa.text("UPDATE events SET intent_name = NULL, action_name = NULL WHERE intent_name IS NOT NULL "
                         "OR (action_name IS NOT NULL AND action_name NOT IN ('screening_form', 'screening_current'))"))


def downgrade() -> None:
    bind = op.get_bind()
    stored = bind.execute(sa.text("SELECT id, best_time FROM handoffs WHERE best_time IS NOT NULL")).fetchall()
    if stored:
        from bot.store.crypto import decrypt_text

        cipher = _cipher()
        _rewrite("handoffs", "best_time", stored, lambda v: decrypt_text(cipher, v)[:200])
    op.drop_column("handoffs", "notified_urgency")
    op.drop_column("handoffs", "notified_at")
    if bind.dialect.name != "sqlite":
        op.alter_column("handoffs", "best_time", type_=sa.String(200), existing_type=sa.Text)
    op.drop_index("ix_console_sessions_user_id", table_name="console_sessions")
    op.drop_table("console_sessions")
