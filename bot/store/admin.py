"""Administrative operations behind ``iopbot create-staff`` and ``iopbot purge --older-than DAYS``.

``create_staff(username, password, role="staff", settings=None) -> id``
``set_staff_password(username, password, settings=None)``,
``set_staff_active(username, active, settings=None)`` (both end the user's console sessions)
``purge(older_than_days, actor="cli", settings=None) -> counts`` deletes conversations (tracker events) with
no activity for that many days, and screenings, handoffs (with their notes and staff messages) not updated
since, and console sessions (long ended) created before then; it writes one audit row with the counts. The
audit log itself is never purged.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy import delete, func, select, update

from bot.store import db
from bot.store import repositories as repo
from bot.store.console_sessions import revoke_user_sessions
from bot.store.models import (
    ConsoleSession,
    ConversationActivity,
    Handoff,
    Note,
    Screening,
    StaffMessage,
    StaffUser,
    tracker_events,
    utcnow,
)
from bot.store.passwords import hash_password
from bot.store.roles import ROLES

USERNAME_RE = re.compile(r"^[A-Za-z0-9_.@-]{2,150}$")


def create_staff(username: str, password: str, role: str = "staff", settings: Any = None) -> int:
    """Add a console user (argon2id hash). ValueError for a bad/duplicate username, role or password."""
    if not USERNAME_RE.match(username or ""):
        raise ValueError("username: 2-150 characters, letters, digits and _ . @ - only")
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    password_hash = hash_password(password)
    with db.session_scope(settings) as session:
        if repo.get_staff_by_username(session, username) is not None:
            raise ValueError(f"a staff user named {username!r} already exists")
        user = StaffUser(username=username, password_hash=password_hash, role=role, active=True)
        session.add(user)
        session.flush()
        repo.audit(session, "cli", "staff.create", f"staff:{username}", {"role": role})
        return user.id


def set_staff_password(username: str, password: str, settings: Any = None) -> None:
    password_hash = hash_password(password)
    with db.session_scope(settings) as session:
        user = _require_user(session, username)
        user.password_hash = password_hash
        revoke_user_sessions(session, user.id)
        repo.audit(session, "cli", "staff.password", f"staff:{username}")


def set_staff_active(username: str, active: bool, settings: Any = None) -> None:
    with db.session_scope(settings) as session:
        user = _require_user(session, username)
        user.active = bool(active)
        if not active:
            revoke_user_sessions(session, user.id)
        repo.audit(session, "cli", "staff.activate" if active else "staff.deactivate", f"staff:{username}")


def _require_user(session, username: str) -> StaffUser:
    user = repo.get_staff_by_username(session, username)
    if user is None:
        raise ValueError(f"no staff user named {username!r}")
    return user


def purge(older_than_days: int, actor: str = "cli", settings: Any = None) -> dict[str, int]:
    """Delete data older than ``older_than_days`` days; return counts per kind (and audit them)."""
    if int(older_than_days) < 1:
        raise ValueError("older_than_days must be at least 1")
    cutoff = utcnow() - dt.timedelta(days=int(older_than_days))
    cutoff_epoch = cutoff.replace(tzinfo=dt.timezone.utc).timestamp()
    counts: dict[str, int] = {}
    with db.session_scope(settings) as session:
        # whole conversations whose latest event is older than the cutoff
        last_activity = (
            select(tracker_events.c.sender_id)
            .group_by(tracker_events.c.sender_id)
            .having(func.max(tracker_events.c.timestamp) < cutoff_epoch)
        )
        stale_senders = [row[0] for row in session.execute(last_activity)]
        counts["conversations"] = len(stale_senders)
        counts["tracker_events"] = counts["conversation_activity"] = 0
        for start in range(0, len(stale_senders), 500):
            chunk = stale_senders[start : start + 500]
            result = session.execute(delete(tracker_events).where(tracker_events.c.sender_id.in_(chunk)))
            counts["tracker_events"] += result.rowcount
            counts["conversation_activity"] += session.execute(
                delete(ConversationActivity).where(ConversationActivity.sender_id.in_(chunk))
                .execution_options(synchronize_session=False)).rowcount

        old_handoffs = select(Handoff.id).where(Handoff.updated_at < cutoff).scalar_subquery()
        counts["notes"] = session.execute(
            delete(Note).where(Note.handoff_id.in_(old_handoffs)).execution_options(synchronize_session=False)
        ).rowcount
        counts["staff_messages"] = session.execute(
            delete(StaffMessage)
            .where(StaffMessage.handoff_id.in_(old_handoffs))
            .execution_options(synchronize_session=False)
        ).rowcount
        counts["handoffs"] = session.execute(
            delete(Handoff).where(Handoff.updated_at < cutoff).execution_options(synchronize_session=False)
        ).rowcount

        old_screenings = select(Screening.id).where(Screening.created_at < cutoff).scalar_subquery()
        session.execute(
            update(Handoff)
            .where(Handoff.screening_id.in_(old_screenings))
            .values(screening_id=None)
            .execution_options(synchronize_session=False)
        )
        counts["screenings"] = session.execute(
            delete(Screening)
            .where(Screening.created_at < cutoff)
            .execution_options(synchronize_session=False)
        ).rowcount
        counts["console_sessions"] = session.execute(
            delete(ConsoleSession).where(ConsoleSession.created_at < cutoff)
            .execution_options(synchronize_session=False)
        ).rowcount
        repo.audit(
            session, actor, "purge", "database", {"older_than_days": int(older_than_days), "counts": counts}
        )
    return counts
