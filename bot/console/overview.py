"""Overview page: how many people, what outcomes, how fast staff answer (intake leads and admins).

    GET /overview        charts (inline SVG) and the same numbers as tables
    GET /overview.csv    the figures as CSV          } filters: date_from, date_to (UTC days, inclusive),
    GET /overview.json   the figures as JSON          } channel (web | sms), language (en | es);
                                                       } default the last 30 days

Aggregates only, small cells shown as "< 5" (see :mod:`bot.console.overview_report`); every view and
download is audit-logged with its filters.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from bot import texts
from bot.console import overview_report as report
from bot.console.svg_chart import bar_chart, column_chart
from bot.store import overview_queries as q
from bot.store import repositories as repo
from bot.store import sms_opt_outs
from bot.store.models import StaffUser, utcnow

DEFAULT_DAYS = 30
MAX_DAYS = 731


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def parse_filters(request: Request, today: dt.date) -> dict[str, Any]:
    """Valid filters from the query string (bad values fall back to the defaults)."""
    params = request.query_params
    date_to = _date(params.get("date_to")) or today
    date_from = _date(params.get("date_from")) or date_to - dt.timedelta(days=DEFAULT_DAYS - 1)
    if date_from > date_to:
        date_from, date_to = date_to, date_from
    date_from = max(date_from, date_to - dt.timedelta(days=MAX_DAYS - 1))
    channel = params.get("channel") if params.get("channel") in q.CHANNELS else None
    language = params.get("language") if params.get("language") in texts.languages() else None
    return {"date_from": date_from, "date_to": date_to, "channel": channel, "language": language}


def figures(session, settings, filters: dict[str, Any]) -> tuple[list[report.Group], dict[str, Any]]:
    """Compute the groups of cells and the metadata for ``filters``."""
    start = dt.datetime.combine(filters["date_from"], dt.time())
    end = dt.datetime.combine(filters["date_to"] + dt.timedelta(days=1), dt.time())
    now = utcnow()
    raw = q.overview(session, q.Period(start, end, filters["channel"], filters["language"]),
                     hours=settings.staffed_hours,
                     idle_since=now - dt.timedelta(minutes=settings.session_expiration_minutes))
    opted_out = 0 if filters["channel"] == "web" else sms_opt_outs.count_between(session, start, end)
    groups = report.build(raw, settings.overview_min_cell, opted_out)
    meta = {
        "generated_at": now.replace(microsecond=0).isoformat() + "Z",
        "period": {"from": filters["date_from"].isoformat(), "to": filters["date_to"].isoformat()},
        "channel": filters["channel"],
        "small_cell_threshold": settings.overview_min_cell,
        "language": filters["language"],
    }
    return groups, meta


def chart(group: report.Group):
    cells = [c for c in group.cells if c.unit == "minutes"] or group.cells  # reply times: chart the waits
    rows = [(c.label, None if c.suppressed else (c.value or 0), c.display) for c in cells
            if c.value is not None or c.suppressed]
    if group.chart == "columns":
        return column_chart(f"chart-{group.key}", group.title, rows)
    if group.chart == "bars" and rows:
        return bar_chart(f"chart-{group.key}", group.title, rows)
    return None


def overview_router(*, settings, sessions, render: Callable, reports_user: Callable) -> APIRouter:
    router = APIRouter()

    def run(request: Request, user: StaffUser, action: str, fmt: str):
        filters = parse_filters(request, utcnow().date())
        with sessions.begin() as s:
            groups, meta = figures(s, settings, filters)
            repo.audit(s, user.username, action, "overview",
                       {"from": meta["period"]["from"], "to": meta["period"]["to"],
                        "channel": filters["channel"], "language": filters["language"], "format": fmt})
        return filters, groups, meta

    @router.get("/overview", response_class=HTMLResponse)
    def overview_page(request: Request, user: StaffUser = Depends(reports_user)):
        filters, groups, meta = run(request, user, "overview.view", "html")
        charts = {g.key: chart(g) for g in groups}
        return render(request, "overview.html", user, groups=groups, charts=charts, meta=meta, filters=filters,
                      channels=q.CHANNELS, languages=texts.languages(), query=request.url.query)

    @router.get("/overview.json")
    def overview_json(request: Request, user: StaffUser = Depends(reports_user)):
        _filters, groups, meta = run(request, user, "overview.export", "json")
        return JSONResponse(report.as_json(groups, meta))

    @router.get("/overview.csv")
    def overview_csv(request: Request, user: StaffUser = Depends(reports_user)):
        _filters, groups, meta = run(request, user, "overview.export", "csv")
        name = f"overview-{meta['period']['from']}-{meta['period']['to']}.csv"
        return Response(report.as_csv(groups, meta), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    return router
