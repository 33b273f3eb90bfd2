"""Server-side staff console sessions: the cookie carries a random token, the database only its SHA-256.

``open_session(s, user_id) -> token``; ``check_session(s, token, idle_minutes, max_hours) -> user_id | None``
(touches ``last_seen_at``); ``revoke_session(s, token)``; ``revoke_user_sessions(s, user_id) -> count``.
A session ends at logout, after ``idle_minutes`` without a request, ``max_hours`` after login, and when the
user's password changes or the user is deactivated.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.store.models import ConsoleSession, utcnow

TOUCH_EVERY = dt.timedelta(seconds=30)  # write last_seen_at at most this often per session


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def open_session(session: Session, user_id: int) -> str:
    """Create a session for ``user_id`` and return its token (shown once, to put in the cookie)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(ConsoleSession(token_hash=token_hash(token), user_id=user_id, created_at=now, last_seen_at=now))
    session.flush()
    return token


def check_session(session: Session, token: str | None, idle_minutes: float, max_hours: float) -> int | None:
    """The user id of a live session, or None (unknown, revoked, idle too long, or too old: then revoked)."""
    if not isinstance(token, str) or not token:
        return None
    row = session.execute(select(ConsoleSession).where(ConsoleSession.token_hash == token_hash(token))).scalar()
    if row is None or row.revoked_at is not None:
        return None
    now = utcnow()
    if now - row.last_seen_at > dt.timedelta(minutes=idle_minutes) or \
            now - row.created_at > dt.timedelta(hours=max_hours):
        row.revoked_at = now
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
    return row.user_id


def revoke_session(session: Session, token: str | None) -> None:
    if isinstance(token, str) and token:
        session.execute(update(ConsoleSession).where(ConsoleSession.token_hash == token_hash(token),
                                                     ConsoleSession.revoked_at.is_(None)).values(revoked_at=utcnow()))


def revoke_user_sessions(session: Session, user_id: int) -> int:
    """End every live session of ``user_id`` (password change, deactivation); return how many."""
    result = session.execute(update(ConsoleSession).where(ConsoleSession.user_id == user_id,
                                                          ConsoleSession.revoked_at.is_(None))
                             .values(revoked_at=utcnow()).execution_options(synchronize_session=False))
    return result.rowcount
