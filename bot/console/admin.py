"""Search, export, the audit log and the processes' health.

    GET /search        handoffs by date_from, date_to, band, channel, status, urgency (all staff)
    GET /export.csv    the same filters as CSV (admins)
    GET /audit         the audit log, by action and actor (admins)
    GET /healthz       {"status": "ok"} after a database check (no login)
    GET /health        each process's status and restart count, from `iopbot run`'s /healthz
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from bot.console.deps import AdminUser, CurrentUser, DbSession, render
from bot.console.exports import handoffs_csv
from bot.health import fetch as fetch_health
from bot.store import db
from bot.store import repositories as repo
from bot.store.models import STATUSES, URGENCIES, utcnow

router = APIRouter()


def _parse_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _filters(request: Request) -> dict[str, Any]:
    q = request.query_params
    return {
        "date_from": _parse_date(q.get("date_from")),
        "date_to": _parse_date(q.get("date_to")),
        "band": (q.get("band") or "")[:64] or None,
        "channel": (q.get("channel") or "")[:32] or None,
        "status": q.get("status") if q.get("status") in STATUSES else None,
        "urgency": q.get("urgency") if q.get("urgency") in URGENCIES else None,
    }


def _filters_for_audit(filters: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in filters.items() if v}


@router.get("/search", response_class=HTMLResponse)
def search(request: Request, user: CurrentUser, s: DbSession):
    filters = _filters(request)
    rows = repo.search_handoffs(s, **filters)
    known = repo.known_values(s)
    repo.audit(s, user.username, "search", "handoffs", {**_filters_for_audit(filters), "count": len(rows)})
    return render(request, "search.html", user, rows=rows, filters=filters, known=known,
                  statuses=STATUSES, urgencies=URGENCIES, query=request.url.query)


@router.get("/export.csv")
def export(request: Request, user: AdminUser, s: DbSession):
    filters = _filters(request)
    rows = repo.search_handoffs(s, **filters, limit=100_000)
    body = handoffs_csv(rows)
    repo.audit(s, user.username, "export", "handoffs", {**_filters_for_audit(filters), "count": len(rows)})
    stamp = utcnow().strftime("%Y%m%d-%H%M")
    return Response(body, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="handoffs-{stamp}.csv"'})


@router.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request, user: AdminUser, s: DbSession):
    action = (request.query_params.get("action") or "")[:64] or None
    actor = (request.query_params.get("actor") or "")[:150] or None
    entries = repo.list_audit(s, action=action, actor=actor, limit=500)
    repo.audit(s, user.username, "audit.view", "audit_log", {"action": action, "actor": actor})
    return render(request, "audit.html", user, entries=entries, action=action or "", actor=actor or "")


@router.get("/healthz")
def healthz(request: Request):
    try:
        db.check(request.app.state.engine)
    except Exception:  # noqa: BLE001 - health check reports, never raises
        return JSONResponse({"status": "error", "database": "unreachable"}, status_code=503)
    return {"status": "ok"}


@router.get("/health", response_class=HTMLResponse)
def health_page(request: Request, user: CurrentUser):
    """The supervisor's /healthz as a page: status and restart count of each process, where its log is."""
    conf = request.app.state.settings
    report = fetch_health(conf.local_health_url)
    return render(request, "health.html", user, report=report, log_dir=conf.data_dir / "logs",
                  health_port=conf.health_port)
