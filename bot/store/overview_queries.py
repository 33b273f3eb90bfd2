"""Aggregate figures for the console's Overview page, counted in SQL on SQLite and PostgreSQL.

Where each fact lives (plain columns only, except one field noted below):

* conversations started – tracker ``events`` of type ``session_started`` (``timestamp``, epoch seconds)
* screenings started – ``events`` of type ``active_loop`` with ``action_name = 'screening_form'``
* screenings completed, bands – ``screenings`` (a row is saved when a screening is completed)
* where people stop – the last ``screening_current`` slot event of each person who stopped; its value (a
  question id, never an answer) is inside the encrypted ``data`` and read for those rows only
* crisis answers – handoffs with ``reason = 'crisis'`` (every crisis answer opens or raises one: the dialogue's
  and the channel guard's; the tracker keeps no clear crisis action names, see ``bot.store.tracker_store``)
* urgent handoffs, handoffs by status, time to first staff reply – ``handoffs`` and ``staff_messages``

Counts are of people (distinct sender ids); reply times are per handoff. Channel: the SMS channel's sender
id is the phone number (E.164, ``+…``), so events count as SMS when ``sender_id`` starts with ``+``;
handoffs and screenings store the Rasa input channel. The conversation's language is not stored outside the
encrypted events, so there is no language filter.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, Text, and_, case, cast, false, func, literal, select, type_coerce
from sqlalchemy.orm import Session

from bot.conversation.channels import SMS_CHANNELS
from bot.conversation.hours import utc_offsets
from bot.store.crypto import DecryptionError
from bot.store.models import STATUSES, Handoff, Screening, StaffMessage, tracker_events

CHANNELS = ("web", "sms")
EV = tracker_events.c


@dataclass(frozen=True)
class Period:
    """Half-open ``[start, end)`` in naive UTC, an optional channel ("web" / "sms")."""

    start: dt.datetime
    end: dt.datetime
    channel: str | None = None


def _epoch(value: dt.datetime) -> float:
    return float(calendar.timegm(value.timetuple()))


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _event_filter(period: Period, *conditions):
    where = [EV.timestamp >= _epoch(period.start), EV.timestamp < _epoch(period.end), *conditions]
    if period.channel == "sms":
        where.append(EV.sender_id.like("+%"))
    elif period.channel == "web":
        where.append(~EV.sender_id.like("+%"))
    return and_(*where)


def _row_filter(model, column, period: Period, *conditions):
    where = [column >= period.start, column < period.end, *conditions]
    if period.channel == "sms":
        where.append(model.channel.in_(SMS_CHANNELS))
    elif period.channel == "web":
        where.append(model.channel.not_in(SMS_CHANNELS))
    return and_(*where)


def _count_people(session: Session, stmt) -> int:
    return session.execute(select(func.count()).select_from(stmt.distinct().subquery())).scalar_one()


def conversations(session: Session, period: Period) -> dict[str, Any]:
    """People who started a conversation: total, per UTC day of their first one, per channel (one query)."""
    where = _event_filter(period, EV.type_name == "session_started", EV.action_name.is_(None))
    day = (func.floor(EV.timestamp / 86400) if _dialect(session) == "postgresql"  # CAST rounds there
           else cast(EV.timestamp / 86400, Integer))
    channel = case((EV.sender_id.like("+%"), "sms"), else_="web")
    people = select(func.min(day).label("day"), func.min(channel).label("channel")).where(where) \
        .group_by(EV.sender_id).subquery()
    rows = session.execute(select(people.c.day, people.c.channel, func.count())
                           .group_by(people.c.day, people.c.channel)).all()
    by_day: dict[dt.date, int] = {}
    by_channel = dict.fromkeys(CHANNELS, 0)
    for number, chan, n in rows:
        date = dt.date(1970, 1, 1) + dt.timedelta(days=int(number))
        by_day[date] = by_day.get(date, 0) + n
        by_channel[chan] += n
    return {"total": sum(by_channel.values()), "by_day": sorted(by_day.items()), "by_channel": by_channel}


def screenings(session: Session, period: Period, idle_since: dt.datetime) -> dict[str, Any]:
    """Started, completed, stopped (no result, silent since ``idle_since``), still going, where people stopped,
    and bands. A result saved after the period began counts as finishing a screening opened in the period."""
    opened = _event_filter(period, EV.type_name == "active_loop", EV.action_name == "screening_form")
    starters = select(EV.sender_id).where(opened).distinct().subquery()
    recent = select(EV.sender_id).where(_event_filter(
        Period(idle_since, dt.datetime.max, period.channel), EV.type_name == "user", EV.action_name.is_(None)),
    ).distinct().subquery()
    opened_by = tracker_events.alias("opened")
    going = select(func.count()).select_from(recent).where(
        select(opened_by.c.id).where(opened_by.c.sender_id == recent.c.sender_id,
                                     opened_by.c.type_name == "active_loop",
                                     opened_by.c.action_name == "screening_form",
                                     opened_by.c.timestamp >= _epoch(period.start),
                                     opened_by.c.timestamp < _epoch(period.end)).exists(),
        ~_finished(recent.c.sender_id, period))
    stopped = select(starters.c.sender_id).where(
        ~_finished(starters.c.sender_id, period), starters.c.sender_id.not_in(select(recent.c.sender_id)))
    completed = select(Screening.sender_id).where(_row_filter(Screening, Screening.created_at, period))
    band_rows = select(Screening.band, Screening.sender_id).where(
        _row_filter(Screening, Screening.created_at, period)).distinct().subquery()
    bands = session.execute(select(band_rows.c.band, func.count()).group_by(band_rows.c.band)).all()
    stopped_at = _stop_questions(session, stopped.subquery(), period)
    return {
        "started": session.execute(select(func.count()).select_from(starters)).scalar_one(),
        "completed": _count_people(session, completed),
        "stopped": sum(stopped_at.values()),
        "in_progress": session.execute(going).scalar_one(),
        "stopped_at": stopped_at,
        "bands": {band or "none": n for band, n in bands},
    }


def _finished(sender_id, period: Period):
    return select(Screening.id).where(Screening.sender_id == sender_id, Screening.created_at >= period.start) \
        .exists()


class _QuestionCache:
    """Question id per stored ciphertext. Tracker events never change and each Fernet token is unique, so a
    token read once need not be decrypted again; bounded (oldest dropped), holds no health information."""

    def __init__(self, limit: int = 200_000) -> None:
        self._items: OrderedDict[str, str] = OrderedDict()
        self._limit = limit
        self._lock = threading.Lock()

    def question(self, token: str | None, dialect) -> str:
        if not token:
            return "none"
        with self._lock:
            hit = self._items.get(token)
        if hit is None:
            try:
                hit = str(json.loads(EV.data.type.process_result_value(token, dialect)).get("value") or "none")
            except (TypeError, ValueError, AttributeError, DecryptionError):
                hit = "none"
            with self._lock:
                self._items[token] = hit
                while len(self._items) > self._limit:
                    self._items.popitem(last=False)
        return hit


QUESTIONS = _QuestionCache()


def _stop_questions(session: Session, stopped, period: Period) -> dict[str, int]:
    """Per person who stopped: the question open at the end (their last ``screening_current`` slot event since the
    period began; "none" if no question was open). Only that event's value is read, never an answer."""
    slot, row = tracker_events.alias("slot"), tracker_events.alias("row")
    last_id = select(func.max(slot.c.id)).where(
        slot.c.type_name == "slot", slot.c.action_name == "screening_current",
        slot.c.sender_id == stopped.c.sender_id, slot.c.timestamp >= _epoch(period.start),
    ).correlate_except(slot).scalar_subquery()
    last = select(type_coerce(row.c.data, Text)).where(row.c.id == last_id).correlate_except(row).scalar_subquery()
    dialect = session.get_bind().dialect
    counts: dict[str, int] = {}
    for (token,) in session.execute(select(last).select_from(stopped)):
        question = QUESTIONS.question(token, dialect)
        counts[question] = counts.get(question, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


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


def _seconds_between(session: Session, later, earlier):
    if _dialect(session) == "postgresql":
        return func.extract("epoch", later - earlier)
    return (func.julianday(later) - func.julianday(earlier)) * 86400.0


def _in_hours(session: Session, column, hours, offsets: list[tuple[dt.datetime, int]]):
    """SQL truth value: ``column`` (naive UTC) falls in the clinic's staffed hours (weekday and local time)."""
    offset = case(*((column >= since, seconds) for since, seconds in reversed(offsets[1:])),
                  else_=offsets[0][1]) if len(offsets) > 1 else literal(offsets[0][1])
    days = [(d + 1) % 7 for d in hours.days]  # SQL weekdays: 0 = Sunday
    start, end = f"{hours.start}:00", f"{hours.end}:00"
    if _dialect(session) == "postgresql":
        local = column + func.make_interval(0, 0, 0, 0, 0, 0, offset)
        weekday, clock = cast(func.extract("dow", local), Integer), func.to_char(local, "HH24:MI:SS")
    else:
        local = func.datetime(column, func.printf("%+d seconds", offset))
        weekday, clock = cast(func.strftime("%w", local), Integer), func.strftime("%H:%M:%S", local)
    return and_(weekday.in_(days), clock >= start, clock < end) if days else false()


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
    for hours, n, replied, median, p90 in rows:
        out[hours].update(handoffs=n, replied=replied,
                          median_seconds=None if median is None else float(median),
                          p90_seconds=None if p90 is None else float(p90))
    return out


def overview(session: Session, period: Period, *, hours, idle_since: dt.datetime) -> dict[str, Any]:
    """All figures (raw, before the small-cell rule) for ``period``."""
    return {
        "conversations": conversations(session, period),
        "screenings": screenings(session, period, idle_since),
        "crisis": crisis(session, period),
        "handoffs": handoffs(session, period),
        "reply_times": reply_times(session, period, hours, utc_offsets(hours, period.start, period.end)),
    }
