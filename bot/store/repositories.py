"""What the actions and the console call. Every public function takes an open ``Session`` first and the
caller owns the transaction (``with db.session_scope() as s: ...``). The session may also be left out
(``repositories.is_taken_over("abc")``): the call then runs in its own committed transaction on the process
settings' database. Returned ORM objects stay readable after commit. The actions do not call this module
directly but through the typed gateway :mod:`bot.store.gateway`, which absorbs database trouble.

Screenings
    ``save_screening(s, *, sender_id, channel, answers, band, reasons, criteria_version, summary, ...) -> id``
    ``get_screening(s, id)``, ``latest_screening(s, sender_id)``
Handoffs
    ``create_handoff(s, *, sender_id, channel, urgency, reason, ...) -> id`` – idempotent per open handoff:
    a second call for the same sender upgrades urgency / fills contact fields instead of duplicating.
    ``update_handoff_contact(s, handoff_id, ...)``, ``get_handoff(s, id)``,
    ``claim_notification(s, handoff_id, urgency, renotify_minutes) -> bool`` (send a staff notice or not),
    ``get_active_handoff(s, sender_id)``,
    ``is_taken_over(s, sender_id) -> bool`` (claimed / in_conversation: the bot must stay silent),
    ``change_status(s, handoff_id, action, actor)`` with actions claim / in_conversation / close / release /
    reopen, ``allowed_actions(s, handoff)`` (the ones it would accept now, by the same rule),
    ``queue(s)`` (open handoffs, urgent first, then longest waiting), ``search_handoffs(s, ...)``.
Notes and staff messages
    ``add_note``, ``list_notes``, ``add_staff_message``, ``list_staff_messages``,
    ``pending_staff_messages(s, sender_id)``, ``mark_delivered(s, ids)``, ``record_delivery_attempt``.
Staff and audit
    ``get_staff``, ``get_staff_by_username``, ``list_staff``, ``audit(s, actor, action, target, detail)``,
    ``list_audit``. The audit log has no update or delete function, and every session refuses both
    (:mod:`bot.store.audit_guard`, attached to the session factory).
A handoff id that does not exist raises ``NotFound`` (a ``LookupError``).
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any, Callable, Iterable, Sequence

from sqlalchemy import case, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.store.activity import conversation_language
from bot.store.audit_guard import AuditLogIsAppendOnly
from bot.store.models import (
    CONTACT_PREFERENCES,
    HANDOFF_REASONS,
    OPEN_STATUSES,
    STATUSES,
    TAKEN_OVER_STATUSES,
    URGENCIES,
    AuditEntry,
    Handoff,
    Note,
    Screening,
    StaffMessage,
    StaffUser,
    utcnow,
)

__all__ = [
    "AuditLogIsAppendOnly",
    "InvalidTransition",
    "MAX_TEXT",
    "NotFound",
    "STATUS_ACTIONS",
    "add_note",
    "add_staff_message",
    "allowed_actions",
    "audit",
    "audit_throttled",
    "change_status",
    "claim_notification",
    "create_handoff",
    "get_active_handoff",
    "get_handoff",
    "get_screening",
    "get_staff",
    "get_staff_by_username",
    "has_staff_messages",
    "is_taken_over",
    "language_of",
    "known_values",
    "latest_screening",
    "list_audit",
    "list_notes",
    "list_staff",
    "list_staff_messages",
    "mark_delivered",
    "pending_staff_messages",
    "queue",
    "reassign",
    "record_delivery_attempt",
    "save_screening",
    "search_handoffs",
    "update_handoff_contact",
]

MAX_TEXT = 4000  # longest note / staff reply / stored trigger message (characters)


def _auto_session(fn: Callable) -> Callable:
    """Let callers omit the session: one is opened (and committed) with ``db.session_scope()``."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if (args and isinstance(args[0], Session)) or "session" in kwargs:
            return fn(*args, **kwargs)
        from bot.store import db

        with db.session_scope() as session:
            return fn(session, *args, **kwargs)

    return wrapper


def _clip(value: str | None, limit: int = MAX_TEXT) -> str | None:
    if value is None:
        return None
    value = str(value).replace("\x00", "")
    return value[:limit]


def _language(session: Session, sender_id: str, given: str | None) -> str | None:
    """``given``, else the conversation's language from its activity row, else (a first message not saved yet,
    or a conversation from before that table) its latest ``language`` slot. A short code, never free text."""
    value = given or conversation_language(session, sender_id)
    if value is None:
        from bot.store.slots import latest_slot

        value = latest_slot(session, sender_id, "language")
    return value[:8] if isinstance(value, str) and value.isalpha() else None


@_auto_session
def language_of(session: Session, sender_id: str) -> str | None:
    """The conversation's language code, or None when nothing says."""
    return _language(session, sender_id, None)


def _check(value: str | None, allowed: Sequence[str], name: str) -> None:
    if value is not None and value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}; got {value!r}")


# ---- screenings ----------------------------------------------------------------------------------------


@_auto_session
def save_screening(
    session: Session,
    *,
    sender_id: str,
    channel: str | None,
    answers: dict,
    band: str | None,
    reasons: list,
    criteria_version: str | None,
    summary: dict | None = None,
    for_whom: str | None = None,
    started_at: dt.datetime | None = None,
    completed_at: dt.datetime | None = None,
    language: str | None = None,
) -> int:
    """Store one screening (answers, reasons and summary are encrypted) and return its id. ``language``
    defaults to the conversation's ``language`` slot."""
    row = Screening(
        sender_id=sender_id,
        language=_language(session, sender_id, language),
        channel=channel or "unknown",
        for_whom=for_whom,
        answers=answers or {},
        band=band,
        reasons=reasons or [],
        criteria_version=criteria_version,
        summary=summary,
        started_at=started_at or utcnow(),
        completed_at=completed_at if completed_at is not None else utcnow(),
    )
    session.add(row)
    session.flush()
    return row.id


@_auto_session
def get_screening(session: Session, screening_id: int) -> Screening | None:
    return session.get(Screening, screening_id)


@_auto_session
def latest_screening(session: Session, sender_id: str) -> Screening | None:
    stmt = (
        select(Screening)
        .where(Screening.sender_id == sender_id)
        .order_by(Screening.created_at.desc(), Screening.id.desc())
        .limit(1)
    )
    return session.execute(stmt).scalars().first()


# ---- handoffs ------------------------------------------------------------------------------------------


@_auto_session
def create_handoff(
    session: Session,
    *,
    sender_id: str,
    channel: str | None,
    urgency: str = "normal",
    reason: str = "asked_for_person",
    contact_preference: str | None = None,
    best_time: str | None = None,
    first_name: str | None = None,
    phone: str | None = None,
    consent: bool = False,
    trigger_message: str | None = None,
    screening_id: int | None = None,
    language: str | None = None,
) -> int:
    """Open a handoff for ``sender_id`` and return its id (``language`` defaults to the conversation's
    ``language`` slot).

    If the sender already has an open handoff, that one is returned instead: urgency is only ever raised
    (normal -> urgent, and reason becomes "crisis" for a crisis), and contact fields, consent, trigger
    message and screening id given here fill in or replace the stored ones. A partial unique index makes
    this safe against two concurrent calls.
    """
    _check(urgency, URGENCIES, "urgency")
    _check(reason, HANDOFF_REASONS, "reason")
    _check(contact_preference, CONTACT_PREFERENCES, "contact_preference")
    fields = dict(
        contact_preference=contact_preference,
        best_time=_clip(best_time, 200),
        first_name=_clip(first_name, 100),
        phone=_clip(phone, 40),
        trigger_message=_clip(trigger_message),
        screening_id=screening_id,
        language=_language(session, sender_id, language),
    )
    existing = get_active_handoff(session, sender_id)
    if existing is None:
        try:
            with session.begin_nested():
                row = Handoff(
                    sender_id=sender_id,
                    channel=channel or "unknown",
                    urgency=urgency,
                    reason=reason,
                    consent=bool(consent),
                    status="waiting",
                    **fields,
                )
                session.add(row)
                session.flush()
            return row.id
        except IntegrityError:
            existing = get_active_handoff(session, sender_id)
            if existing is None:
                raise
    _merge_into(existing, urgency=urgency, reason=reason, consent=consent, fields=fields)
    session.flush()
    return existing.id


def _merge_into(row: Handoff, *, urgency: str, reason: str, consent: bool, fields: dict) -> None:
    if urgency == "urgent" and row.urgency != "urgent":
        row.urgency = "urgent"
    if reason == "crisis":
        row.reason = "crisis"
    if consent:
        row.consent = True
    for name, value in fields.items():
        if value is not None:
            setattr(row, name, value)
    row.updated_at = utcnow()


@_auto_session
def claim_notification(session: Session, handoff_id: int, urgency: str, renotify_minutes: float) -> bool:
    """True when staff should be told about this handoff now: no notice yet, urgency raised since the last
    one, or the last one is ``renotify_minutes`` old and the handoff still waits. Atomic across processes,
    so a flood of crisis messages in one conversation sends one notice, not one per message."""
    now = utcnow()
    due = (Handoff.notified_urgency.is_(None)) | (Handoff.notified_at < now - dt.timedelta(minutes=renotify_minutes))
    if urgency == "urgent":
        due = due | (Handoff.notified_urgency != "urgent")
    result = session.execute(
        update(Handoff)
        .where(Handoff.id == handoff_id, Handoff.status == "waiting", due)
        .values(notified_at=now, notified_urgency=urgency)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


@_auto_session
def update_handoff_contact(
    session: Session,
    handoff_id: int,
    *,
    contact_preference: str | None = None,
    best_time: str | None = None,
    first_name: str | None = None,
    phone: str | None = None,
    consent: bool | None = None,
) -> Handoff:
    """Fill in how and when the person wants to be contacted (None leaves a field unchanged)."""
    _check(contact_preference, CONTACT_PREFERENCES, "contact_preference")
    row = _require_handoff(session, handoff_id)
    for name, value in dict(
        contact_preference=contact_preference,
        best_time=_clip(best_time, 200),
        first_name=_clip(first_name, 100),
        phone=_clip(phone, 40),
    ).items():
        if value is not None:
            setattr(row, name, value)
    if consent is not None:
        row.consent = bool(consent)
    row.updated_at = utcnow()
    session.flush()
    return row


@_auto_session
def get_handoff(session: Session, handoff_id: int) -> Handoff | None:
    return session.get(Handoff, handoff_id)


class NotFound(LookupError):
    """A row that the caller named does not exist (``what``: "handoff", ...)."""

    def __init__(self, what: str, key: object = None):
        super().__init__(f"no {what} {key}" if key is not None else f"no {what}")
        self.what = what


def _require_handoff(session: Session, handoff_id: int) -> Handoff:
    row = session.get(Handoff, handoff_id)
    if row is None:
        raise NotFound("handoff", handoff_id)
    return row


@_auto_session
def get_active_handoff(session: Session, sender_id: str) -> Handoff | None:
    """The sender's open (waiting / claimed / in_conversation) handoff, or None."""
    stmt = select(Handoff).where(Handoff.sender_id == sender_id, Handoff.status.in_(OPEN_STATUSES))
    return session.execute(stmt.order_by(Handoff.id.desc()).limit(1)).scalars().first()


@_auto_session
def is_taken_over(session: Session, sender_id: str) -> bool:
    """True while a staff member holds the conversation (claimed / in_conversation): the bot stays silent."""
    stmt = select(func.count(Handoff.id)).where(
        Handoff.sender_id == sender_id, Handoff.status.in_(TAKEN_OVER_STATUSES)
    )
    return session.execute(stmt).scalar_one() > 0


@_auto_session
def has_staff_messages(session: Session, sender_id: str) -> bool:
    """True once a staff member has written to this conversation (only then can a takeover end)."""
    stmt = select(StaffMessage.id).where(StaffMessage.sender_id == sender_id).limit(1)
    return session.execute(stmt).first() is not None


STATUS_ACTIONS = {
    # action: (allowed from, new status)
    "claim": (("waiting",), "claimed"),
    "in_conversation": (("waiting", "claimed"), "in_conversation"),
    "release": (("claimed", "in_conversation"), "waiting"),
    "close": (("waiting", "claimed", "in_conversation"), "closed"),
    "reopen": (("closed",), "waiting"),
}


class InvalidTransition(ValueError):
    pass


def _refusal(session: Session, row: Handoff, action: str) -> str | None:
    """Why ``action`` cannot be applied to ``row`` now (None: it can)."""
    if action not in STATUS_ACTIONS:
        return f"unknown action {action!r}"
    if row.status not in STATUS_ACTIONS[action][0]:
        return f"cannot {action} a handoff that is {row.status}"
    if action == "reopen" and get_active_handoff(session, row.sender_id) is not None:
        return "this person already has another open handoff"
    return None


def allowed_actions(session: Session, row: Handoff) -> list[str]:
    """The status actions ``change_status`` would accept for ``row`` now, in ``STATUS_ACTIONS`` order."""
    return [action for action in STATUS_ACTIONS if _refusal(session, row, action) is None]


@_auto_session
def change_status(session: Session, handoff_id: int, action: str, actor: StaffUser | str) -> Handoff:
    """Apply a staff action (claim, in_conversation, release, close, reopen) and audit it.

    ``claim``/``in_conversation`` make ``actor`` the assignee; ``release`` hands the conversation back to
    the bot (status waiting, no assignee); ``close`` ends it. Raises ``InvalidTransition`` otherwise.
    """
    if action not in STATUS_ACTIONS:
        raise InvalidTransition(f"unknown action {action!r}")
    new_status = STATUS_ACTIONS[action][1]
    row = _require_handoff(session, handoff_id)
    refusal = _refusal(session, row, action)
    if refusal is not None:
        raise InvalidTransition(refusal)
    now = utcnow()
    old = row.status
    staff = actor if isinstance(actor, StaffUser) else None
    if new_status in TAKEN_OVER_STATUSES:
        if staff is not None:
            row.assignee_id = staff.id
            row.assignee = staff
        row.claimed_at = row.claimed_at or now
    if action == "release":
        row.assignee_id = None
        row.assignee = None
        row.claimed_at = None
    if new_status == "closed":
        row.closed_at = now
    if action == "reopen":
        row.closed_at = None
    row.status = new_status
    row.updated_at = now
    session.flush()
    detail = {"from": old, "to": new_status}
    audit(session, _actor_name(actor), f"handoff.{action}", f"handoff:{row.id}", detail)
    return row


@_auto_session
def reassign(session: Session, handoff_id: int, staff_id: int | None, actor: StaffUser | str) -> Handoff:
    """Give an open handoff to another staff member (``None``: nobody) and audit it. A waiting handoff
    given to someone becomes claimed; taken from everyone, it goes back to waiting (the bot answers)."""
    row = _require_handoff(session, handoff_id)
    if not row.is_open:
        raise InvalidTransition("cannot reassign a closed handoff")
    staff = session.get(StaffUser, staff_id) if staff_id is not None else None
    if staff_id is not None and (staff is None or not staff.active):
        raise InvalidTransition("no such active staff member")
    old = row.assignee_id
    row.assignee_id = staff.id if staff else None
    row.assignee = staff
    if staff is not None and row.status == "waiting":
        row.status, row.claimed_at = "claimed", row.claimed_at or utcnow()
    if staff is None and row.status in TAKEN_OVER_STATUSES:
        row.status, row.claimed_at = "waiting", None
    row.updated_at = utcnow()
    session.flush()
    audit(session, _actor_name(actor), "handoff.reassign", f"handoff:{row.id}",
          {"from": old, "to": row.assignee_id})
    return row


def _actor_name(actor: StaffUser | str) -> str:
    return actor.username if isinstance(actor, StaffUser) else str(actor)


_URGENCY_ORDER = case((Handoff.urgency == "urgent", 0), else_=1)


@_auto_session
def queue(session: Session, limit: int = 200) -> list[Handoff]:
    """Open handoffs: urgent first, then the longest waiting (oldest ``created_at``) first."""
    stmt = (
        select(Handoff)
        .where(Handoff.status.in_(OPEN_STATUSES))
        .order_by(_URGENCY_ORDER, Handoff.created_at, Handoff.id)
        .limit(limit)
    )
    return list(session.execute(stmt).scalars().unique())


@_auto_session
def search_handoffs(
    session: Session,
    *,
    date_from: dt.date | dt.datetime | None = None,
    date_to: dt.date | dt.datetime | None = None,
    band: str | None = None,
    channel: str | None = None,
    status: str | None = None,
    urgency: str | None = None,
    limit: int = 500,
) -> list[Handoff]:
    """Handoffs filtered by creation date (inclusive days), screening band, channel, status and urgency,
    sorted like the queue (urgent first, then oldest)."""
    _check(status, STATUSES, "status")
    _check(urgency, URGENCIES, "urgency")
    stmt = select(Handoff)
    if band:
        stmt = stmt.join(Screening, Handoff.screening_id == Screening.id).where(Screening.band == band)
    if date_from is not None:
        stmt = stmt.where(Handoff.created_at >= _day_start(date_from))
    if date_to is not None:
        end = date_to if isinstance(date_to, dt.datetime) else _day_start(date_to) + dt.timedelta(days=1)
        stmt = stmt.where(Handoff.created_at < end)
    if channel:
        stmt = stmt.where(Handoff.channel == channel)
    if status:
        stmt = stmt.where(Handoff.status == status)
    if urgency:
        stmt = stmt.where(Handoff.urgency == urgency)
    stmt = stmt.order_by(_URGENCY_ORDER, Handoff.created_at, Handoff.id).limit(limit)
    return list(session.execute(stmt).scalars().unique())


def _day_start(value: dt.date | dt.datetime) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime(value.year, value.month, value.day)


@_auto_session
def known_values(session: Session) -> dict[str, list[str]]:
    """Distinct bands and channels present (for filter drop-downs)."""
    bands = session.execute(select(Screening.band).where(Screening.band.is_not(None)).distinct()).scalars()
    channels = session.execute(select(Handoff.channel).distinct()).scalars()
    return {"bands": sorted(set(bands)), "channels": sorted(set(channels))}


# ---- notes and staff messages --------------------------------------------------------------------------


@_auto_session
def add_note(session: Session, handoff_id: int, author: StaffUser | str, text: str) -> int:
    text = _clip((text or "").strip())
    if not text:
        raise ValueError("a note cannot be empty")
    _require_handoff(session, handoff_id)
    row = Note(handoff_id=handoff_id, author=_actor_name(author), text=text)
    session.add(row)
    session.flush()
    audit(session, _actor_name(author), "note.add", f"handoff:{handoff_id}", {"note_id": row.id})
    return row.id


@_auto_session
def list_notes(session: Session, handoff_id: int) -> list[Note]:
    stmt = select(Note).where(Note.handoff_id == handoff_id).order_by(Note.created_at, Note.id)
    return list(session.execute(stmt).scalars())


@_auto_session
def add_staff_message(session: Session, handoff_id: int, author: StaffUser | str, text: str) -> int:
    """Queue a staff reply for the person (delivered by the bot's ``action_relay_staff_messages``)."""
    text = _clip((text or "").strip())
    if not text:
        raise ValueError("a reply cannot be empty")
    handoff = _require_handoff(session, handoff_id)
    row = StaffMessage(
        handoff_id=handoff_id, sender_id=handoff.sender_id, author=_actor_name(author), text=text
    )
    session.add(row)
    session.flush()
    audit(session, _actor_name(author), "reply.add", f"handoff:{handoff_id}", {"staff_message_id": row.id})
    return row.id


@_auto_session
def list_staff_messages(session: Session, handoff_id: int) -> list[StaffMessage]:
    stmt = select(StaffMessage).where(StaffMessage.handoff_id == handoff_id)
    return list(session.execute(stmt.order_by(StaffMessage.created_at, StaffMessage.id)).scalars())


@_auto_session
def pending_staff_messages(session: Session, sender_id: str) -> list[StaffMessage]:
    """Undelivered staff replies for this person, oldest first."""
    stmt = select(StaffMessage).where(
        StaffMessage.sender_id == sender_id, StaffMessage.delivered_at.is_(None)
    )
    return list(session.execute(stmt.order_by(StaffMessage.created_at, StaffMessage.id)).scalars())


@_auto_session
def mark_delivered(session: Session, ids: Iterable[int]) -> int:
    """Mark staff messages delivered; returns how many were still pending."""
    ids = list(ids)
    if not ids:
        return 0
    stmt = (
        update(StaffMessage)
        .where(StaffMessage.id.in_(ids), StaffMessage.delivered_at.is_(None))
        .values(delivered_at=utcnow())
        .execution_options(synchronize_session="fetch")
    )
    return session.execute(stmt).rowcount


@_auto_session
def record_delivery_attempt(session: Session, ids: Iterable[int], error: str | None = None) -> None:
    """Count a delivery attempt (and its error, if any) on still-pending messages."""
    ids = list(ids)
    if not ids:
        return
    stmt = (
        update(StaffMessage)
        .where(StaffMessage.id.in_(ids), StaffMessage.delivered_at.is_(None))
        .values(attempts=StaffMessage.attempts + 1, last_error=_clip(error, 500))
        .execution_options(synchronize_session="fetch")
    )
    session.execute(stmt)


# ---- staff and audit -----------------------------------------------------------------------------------


@_auto_session
def get_staff(session: Session, staff_id: int) -> StaffUser | None:
    return session.get(StaffUser, staff_id)


@_auto_session
def get_staff_by_username(session: Session, username: str) -> StaffUser | None:
    stmt = select(StaffUser).where(StaffUser.username == username)
    return session.execute(stmt).scalars().first()


@_auto_session
def list_staff(session: Session) -> list[StaffUser]:
    return list(session.execute(select(StaffUser).order_by(StaffUser.username)).scalars())


@_auto_session
def audit(
    session: Session, actor: str, action: str, target: str | None = None, detail: dict | None = None
) -> int:
    """Append one audit row. ``detail`` must not carry health information (ids, filters, counts)."""
    row = AuditEntry(actor=_clip(actor, 150), action=action[:64], target=_clip(target, 255), detail=detail)
    session.add(row)
    session.flush()
    return row.id


@_auto_session
def audit_throttled(
    session: Session, actor: str, action: str, target: str | None, *, minutes: int = 5, detail: Any = None
) -> int | None:
    """Audit unless the same actor/action/target was audited in the last ``minutes`` (for auto-refresh)."""
    since = utcnow() - dt.timedelta(minutes=minutes)
    stmt = select(func.count(AuditEntry.id)).where(
        AuditEntry.actor == actor,
        AuditEntry.action == action,
        AuditEntry.target == target,
        AuditEntry.at >= since,
    )
    if session.execute(stmt).scalar_one():
        return None
    return audit(session, actor, action, target, detail)


@_auto_session
def list_audit(
    session: Session, *, action: str | None = None, actor: str | None = None, limit: int = 500
) -> list[AuditEntry]:
    stmt = select(AuditEntry)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    if actor:
        stmt = stmt.where(AuditEntry.actor == actor)
    return list(session.execute(stmt.order_by(AuditEntry.id.desc()).limit(limit)).scalars())
