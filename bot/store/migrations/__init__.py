"""Alembic migrations, run programmatically by ``bot.store.db.migrate`` / ``downgrade`` (no alembic.ini)."""
