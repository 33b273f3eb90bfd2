"""Storage: SQLAlchemy models, repositories, Alembic migrations and the encrypted Rasa tracker store.

Nothing here opens a database at import time. Typical use from an action::

    from bot.store import db, repositories as repo

    with db.session_scope() as session:          # commits on success
        handoff_id = repo.create_handoff(session, sender_id="abc", channel="web", urgency="urgent",
                                         reason="crisis")
"""
