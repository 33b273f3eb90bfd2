"""The queue page (filters, paging, "assigned to me", message preview) and the alerts feed.

    GET /                        redirects to /queue
    GET /queue (+ /queue/rows)   filters: urgency, status, channel, language, assigned (me | none | <staff id>),
                                 page; 25 per page, urgent first then longest waiting
    GET /alerts.json             what the page's alerts need: ids of open urgent handoffs and, for handoffs
                                 assigned to the viewer, when the person last wrote (ids and times only)
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select

from bot.console.deps import CurrentUser, DbSession, DbSessions, render
from bot.console.snapshot import channel_label
from bot.store import repositories as repo
from bot.store.models import OPEN_STATUSES, STATUSES, TAKEN_OVER_STATUSES, URGENCIES, Handoff, StaffUser
from bot.store.queue import QueueFilters, facet_values, queue_page
from bot.store.slots import last_person_message, last_person_times

PER_PAGE = 25
PREVIEW_CHARS = 90
LANGUAGE_NAMES = {"en": "English", "es": "Spanish"}


def parse_queue_filters(request: Request, user: StaffUser) -> tuple[QueueFilters, int, str]:
    """Valid filters from the query string; unknown values are ignored. Returns (filters, page, assigned)."""
    q = request.query_params
    assigned = (q.get("assigned") or "")[:12]
    assignee: int | str | None = None
    if assigned == "me":
        assignee = user.id
    elif assigned == "none":
        assignee = "none"
    elif assigned.isdigit():
        assignee = int(assigned)
    else:
        assigned = ""
    filters = QueueFilters(
        urgency=q.get("urgency") if q.get("urgency") in URGENCIES else None,
        status=q.get("status") if q.get("status") in STATUSES else None,
        channel=(q.get("channel") or "")[:32] or None,
        language=(q.get("language") or "")[:8] or None,
        assignee=assignee,
    )
    page = int(q.get("page")) if (q.get("page") or "").isdigit() else 1
    return filters, max(1, page), assigned


def _previews(s, rows: list[Handoff]) -> dict[int, str]:
    out = {}
    for h in rows:
        found = last_person_message(s, h.sender_id)
        if found:
            text = " ".join(found[0].split())
            out[h.id] = text if len(text) <= PREVIEW_CHARS else text[: PREVIEW_CHARS - 1] + "…"
    return out


router = APIRouter()


def _context(request: Request, user: StaffUser, s) -> dict[str, Any]:
    filters, page, assigned = parse_queue_filters(request, user)
    result = queue_page(s, filters, page, PER_PAGE)
    previews = _previews(s, result.rows)
    facets = facet_values(s)
    staff = [u for u in repo.list_staff(s) if u.active]
    params = {k: v for k, v in request.query_params.items() if k != "page" and v}
    return dict(result=result, rows=result.rows, previews=previews, facets=facets, staff=staff,
                filters=filters, assigned=assigned, params=params, statuses=STATUSES, urgencies=URGENCIES,
                languages=LANGUAGE_NAMES, channel_label=channel_label)


@router.get("/")
def home(_user: CurrentUser):
    return RedirectResponse("/queue", status_code=303)


@router.get("/queue", response_class=HTMLResponse)
def queue_page_view(request: Request, user: CurrentUser, s: DbSession):
    ctx = _context(request, user, s)
    repo.audit(s, user.username, "queue.view", "queue",
               {**ctx["filters"].active(), "page": ctx["result"].page, "count": len(ctx["rows"])})
    return render(request, "queue.html", user, **ctx)


@router.get("/queue/rows", response_class=HTMLResponse)
def queue_rows(request: Request, user: CurrentUser, s: DbSession):
    ctx = _context(request, user, s)
    repo.audit_throttled(s, user.username, "queue.refresh", "queue")
    return render(request, "_queue_rows.html", user, **ctx)


@router.get("/alerts.json")
def alerts(user: CurrentUser, sessions: DbSessions):
    with sessions() as s:
        urgent = s.execute(select(Handoff.id).where(Handoff.status.in_(OPEN_STATUSES), Handoff.urgency == "urgent")
                           .order_by(Handoff.id.desc()).limit(200)).scalars().all()
        mine = s.execute(select(Handoff.id, Handoff.sender_id).where(
            Handoff.assignee_id == user.id, Handoff.status.in_(TAKEN_OVER_STATUSES))).all()
        times = last_person_times(s, [sender for _id, sender in mine])
    return {"urgent": list(urgent),
            "mine": {str(hid): times.get(sender) for hid, sender in mine if times.get(sender)}}
