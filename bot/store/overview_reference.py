"""The Overview's figures computed the plain way: each figure by its own aggregate query (one SQL statement per
section, distinct people counted by the database). This is the definition the fast path in
:mod:`bot.store.overview_queries` must equal exactly; the integration tests compare the two on seeded random
data on SQLite and PostgreSQL, and ``bench/overview_query.py`` times both. Not used by the console.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import and_, case, func, literal, select
from sqlalchemy.orm import Session

from bot.conversation.hours import utc_offsets
from bot.store.models import STATUSES, Handoff, Screening, StaffMessage
from bot.store.overview_queries import (
    ACT,
    CHANNELS,
    Period,
    _activity_filter,
    _count_people,
    _day,
    _in_hours,
    _row_filter,
    _seconds_between,
)


def conversations(session: Session, period: Period) -> dict[str, Any]:
    """People who started a conversation: total, per UTC day of their first one, per channel (one query)."""
    day = _day(session)
    people = select(func.min(day).label("day"), func.min(ACT.channel).label("channel")) \
        .where(_activity_filter(period, ACT.started_at)).group_by(ACT.sender_id).subquery()
    rows = session.execute(select(people.c.day, people.c.channel, func.count())
                           .group_by(people.c.day, people.c.channel)).all()
    by_day: dict[dt.date, int] = {}
    by_channel = dict.fromkeys(CHANNELS, 0)
    for value, chan, n in rows:
        date = value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
        by_day[date] = by_day.get(date, 0) + n
        by_channel[chan] += n
    return {"total": sum(by_channel.values()), "by_day": sorted(by_day.items()), "by_channel": by_channel}


def screenings(session: Session, period: Period, idle_since: dt.datetime) -> dict[str, Any]:
    """Started, completed, stopped (no result, silent since ``idle_since``), still going, where people stopped
    (the question open at the end of their last screening opened in the period; "none" if none was), and bands.
    A result saved after the period began counts as finishing a screening opened in the period."""
    latest = select(
        ACT.sender_id, ACT.question,
        func.row_number().over(partition_by=ACT.sender_id,
                               order_by=(ACT.screening_opened_at.desc(), ACT.id.desc())).label("rn"),
    ).where(_activity_filter(period, ACT.screening_opened_at)).subquery()
    finished = select(Screening.id).where(Screening.sender_id == latest.c.sender_id,
                                          Screening.created_at >= period.start).exists()
    recent = select(ACT.sender_id).where(ACT.last_active_at >= idle_since)
    state = case((finished, literal("finished")), (latest.c.sender_id.in_(recent), literal("going")),
                 else_=literal("stopped")).label("state")
    states = select(state, latest.c.question).where(latest.c.rn == 1) \
        .cte("screening_states").prefix_with("MATERIALIZED")  # each person's state worked out once
    rows = session.execute(select(states.c.state, states.c.question, func.count())
                           .group_by(states.c.state, states.c.question)).all()
    stopped_at: dict[str, int] = {}
    for kind, question, n in rows:
        if kind == "stopped":
            stopped_at[question or "none"] = stopped_at.get(question or "none", 0) + n
    completed = select(Screening.sender_id).where(_row_filter(Screening, Screening.created_at, period))
    band_rows = select(Screening.band, Screening.sender_id).where(
        _row_filter(Screening, Screening.created_at, period)).distinct().subquery()
    bands = session.execute(select(band_rows.c.band, func.count()).group_by(band_rows.c.band)).all()
    return {
        "started": sum(n for _, _, n in rows),
        "completed": _count_people(session, completed),
        "stopped": sum(stopped_at.values()),
        "in_progress": sum(n for kind, _, n in rows if kind == "going"),
        "stopped_at": dict(sorted(stopped_at.items(), key=lambda kv: (-kv[1], kv[0]))),
        "bands": {band or "none": n for band, n in bands},
    }


def crisis(session: Session, period: Period) -> dict[str, int]:
    """People given a crisis answer, and people whose handoff was urgent."""
    given = select(Handoff.sender_id).where(
        _row_filter(Handoff, Handoff.created_at, period, Handoff.reason == "crisis"))
    urgent = select(Handoff.sender_id).where(_row_filter(Handoff, Handoff.created_at, period,
                                                         Handoff.urgency == "urgent"))
    return {"answers_given": _count_people(session, given), "urgent_handoffs": _count_people(session, urgent)}


def handoffs(session: Session, period: Period) -> dict[str, Any]:
    """People with a handoff opened in the period, in total and by its current status."""
    where = _row_filter(Handoff, Handoff.created_at, period)
    rows = select(Handoff.status, Handoff.sender_id).where(where).distinct().subquery()
    by_status = dict(session.execute(select(rows.c.status, func.count()).group_by(rows.c.status)).all())
    return {
        "total": _count_people(session, select(Handoff.sender_id).where(where)),
        "by_status": {s: by_status.get(s, 0) for s in STATUSES},
    }


def reply_times(session: Session, period: Period, hours, offsets: list[tuple[dt.datetime, int]]
                ) -> dict[str, dict[str, Any]]:
    """Per handoff opened in the period: seconds to the first staff reply written in the console, median and
    90th percentile (nearest rank), split by whether the handoff came in during staffed hours (``hours``,
    local time with the UTC ``offsets`` from :func:`bot.conversation.hours.utc_offsets`)."""
    in_hours = _in_hours(session, Handoff.created_at, hours, offsets)
    first_reply = (select(func.min(StaffMessage.created_at)).where(StaffMessage.handoff_id == Handoff.id)
                   .scalar_subquery())
    base = select(  # materialised: each handoff's hours and wait are computed once
        case((in_hours, literal("staffed")), else_=literal("after_hours")).label("hours"),
        _seconds_between(session, first_reply, Handoff.created_at).label("wait"),
    ).where(_row_filter(Handoff, Handoff.created_at, period)).cte("handoff_waits").prefix_with("MATERIALIZED")
    window = {"partition_by": base.c.hours}
    ranked = select(
        base.c.hours, base.c.wait,
        func.row_number().over(order_by=(case((base.c.wait.is_(None), 1), else_=0), base.c.wait), **window)
        .label("rn"),
        func.count(base.c.wait).over(**window).label("replied"),
    ).subquery()
    answered = ranked.c.wait.is_not(None)
    rows = session.execute(select(
        ranked.c.hours, func.count(), func.max(ranked.c.replied),
        func.min(case((and_(answered, ranked.c.rn >= ranked.c.replied * 0.5), ranked.c.wait))),
        func.min(case((and_(answered, ranked.c.rn >= ranked.c.replied * 0.9), ranked.c.wait))),
    ).group_by(ranked.c.hours)).all()
    out = {h: {"handoffs": 0, "replied": 0, "median_seconds": None, "p90_seconds": None}
           for h in ("staffed", "after_hours")}
    for bucket, n, replied, median, p90 in rows:
        out[bucket].update(handoffs=n, replied=replied,
                          median_seconds=None if median is None else float(median),
                          p90_seconds=None if p90 is None else float(p90))
    return out


def overview_reference(session: Session, period: Period, *, hours, idle_since: dt.datetime) -> dict[str, Any]:
    """All figures (raw, before the small-cell rule) for ``period``."""
    return {
        "conversations": conversations(session, period),
        "screenings": screenings(session, period, idle_since),
        "crisis": crisis(session, period),
        "handoffs": handoffs(session, period),
        "reply_times": reply_times(session, period, hours, utc_offsets(hours, period.start, period.end)),
    }
