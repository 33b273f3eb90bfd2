"""The console queue: open (or chosen) handoffs, filtered and paged, urgent first then longest waiting.

``QueueFilters(urgency, status, channel, language, assignee)``: ``assignee`` is a staff id, ``"none"``
(unassigned) or None (anyone). ``status`` None means every open status. ``queue_page(s, filters, page,
per_page) -> QueuePage`` and ``facet_values(s)`` (channels and languages present, for the drop-downs).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from bot.store.models import OPEN_STATUSES, Handoff

URGENCY_ORDER = case((Handoff.urgency == "urgent", 0), else_=1)


@dataclass(frozen=True)
class QueueFilters:
    urgency: str | None = None
    status: str | None = None
    channel: str | None = None
    language: str | None = None
    assignee: int | str | None = None

    def active(self) -> dict[str, str]:
        return {k: str(v) for k, v in self.__dict__.items() if v not in (None, "")}


@dataclass
class QueuePage:
    rows: list[Handoff]
    total: int
    page: int
    per_page: int
    urgent_total: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def first(self) -> int:
        return 0 if not self.total else (self.page - 1) * self.per_page + 1

    @property
    def last(self) -> int:
        return min(self.total, self.page * self.per_page)


def _where(stmt, f: QueueFilters):
    stmt = stmt.where(Handoff.status == f.status) if f.status else stmt.where(Handoff.status.in_(OPEN_STATUSES))
    if f.urgency:
        stmt = stmt.where(Handoff.urgency == f.urgency)
    if f.channel:
        stmt = stmt.where(Handoff.channel == f.channel)
    if f.language:
        stmt = stmt.where(Handoff.language == f.language)
    if f.assignee == "none":
        stmt = stmt.where(Handoff.assignee_id.is_(None))
    elif f.assignee is not None:
        stmt = stmt.where(Handoff.assignee_id == int(f.assignee))
    return stmt


def queue_page(session: Session, filters: QueueFilters = QueueFilters(), page: int = 1,
               per_page: int = 25) -> QueuePage:
    """One page of the filtered queue; ``page`` is clamped to the pages that exist."""
    total = session.execute(_where(select(func.count(Handoff.id)), filters)).scalar_one()
    urgent = session.execute(
        _where(select(func.count(Handoff.id)), filters).where(Handoff.urgency == "urgent")).scalar_one()
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    stmt = (_where(select(Handoff), filters)
            .order_by(URGENCY_ORDER, Handoff.created_at, Handoff.id)
            .offset((page - 1) * per_page).limit(per_page))
    rows = list(session.execute(stmt).scalars().unique())
    return QueuePage(rows=rows, total=total, page=page, per_page=per_page, urgent_total=urgent)


def facet_values(session: Session) -> dict[str, list[str]]:
    channels = session.execute(select(Handoff.channel).distinct()).scalars()
    languages = session.execute(select(Handoff.language).where(Handoff.language.is_not(None)).distinct()).scalars()
    return {"channels": sorted(set(channels)), "languages": sorted(set(languages))}
