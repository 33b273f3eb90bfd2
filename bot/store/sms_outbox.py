"""SMS waiting for a later try (table ``sms_outbox``, see ``bot.store.models.SmsOutbox``).

Callers pass the number's digest (``bot.channels.sms_state.OptOuts.digest``) besides the number. One number's SMS
go out in the order they were added; ``lease`` hands them to one node at a time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from bot.store.models import SmsOutbox, utcnow


@dataclass(frozen=True)
class Waiting:
    id: int
    number: str
    body: str
    tries: int


def add(session: Session, digest: str, number: str, body: str, next_try_at: dt.datetime) -> int:
    """Keep an SMS for a later try; behind SMS already waiting for the number, it goes at their next try."""
    waiting = session.execute(select(func.min(SmsOutbox.next_try_at)).where(SmsOutbox.digest == digest)).scalar()
    next_try_at = waiting or next_try_at
    row = SmsOutbox(digest=digest, number=number, body=body, next_try_at=next_try_at, created_at=utcnow())
    session.add(row)
    session.flush()
    return row.id


def has_waiting(session: Session, digest: str) -> bool:
    return session.execute(select(SmsOutbox.id).where(SmsOutbox.digest == digest).limit(1)).first() is not None


def _free(now: dt.datetime):
    return or_(SmsOutbox.leased_until.is_(None), SmsOutbox.leased_until < now)


def due_digests(session: Session, now: dt.datetime | None = None, limit: int = 50) -> list[str]:
    """Numbers (digests) with an SMS due for its try that no node holds."""
    now = now or utcnow()
    stmt = (select(SmsOutbox.digest).where(SmsOutbox.next_try_at <= now, _free(now))
            .group_by(SmsOutbox.digest).limit(limit))
    return [digest for (digest,) in session.execute(stmt)]


def lease(session: Session, digest: str, seconds: float, now: dt.datetime | None = None) -> list[Waiting]:
    """Hold every SMS to this number for ``seconds`` and return them in order; [] when another node holds any of
    them (of two nodes asking at once, the second's UPDATE finds them held)."""
    now = now or utcnow()
    other = select(SmsOutbox.id).where(SmsOutbox.digest == digest, SmsOutbox.leased_until >= now).limit(1)
    if session.execute(other).first() is not None:
        return []
    held = session.execute(update(SmsOutbox).where(SmsOutbox.digest == digest, _free(now))
                           .values(leased_until=now + dt.timedelta(seconds=seconds))
                           .execution_options(synchronize_session=False)).rowcount
    if not held:
        return []
    rows = session.execute(select(SmsOutbox).where(SmsOutbox.digest == digest).order_by(SmsOutbox.id)).scalars()
    return [Waiting(r.id, r.number, r.body, r.tries) for r in rows]


def remove(session: Session, sms_id: int) -> None:
    session.execute(delete(SmsOutbox).where(SmsOutbox.id == sms_id))


def retry_at(session: Session, digest: str, head_id: int, tries: int, next_try_at: dt.datetime) -> None:
    """After a failed later try of ``head_id``: count it, and free the number's SMS until ``next_try_at``."""
    session.execute(update(SmsOutbox).where(SmsOutbox.id == head_id).values(tries=tries)
                    .execution_options(synchronize_session=False))
    session.execute(update(SmsOutbox).where(SmsOutbox.digest == digest)
                    .values(next_try_at=next_try_at, leased_until=None).execution_options(synchronize_session=False))


def give_up(session: Session, digest: str) -> int:
    """Drop every SMS waiting for this number (after the last try); how many there were."""
    return session.execute(delete(SmsOutbox).where(SmsOutbox.digest == digest)).rowcount
