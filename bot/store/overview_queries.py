"""Aggregate figures for the console's Overview page, counted in SQL on SQLite and PostgreSQL.

Where each fact lives (plain columns only):

* conversations started, screenings opened, where people stop, who is still writing – ``conversation_activity``
  (one row per conversation, kept by the tracker store: start, channel, language, when the screening opened,
  the question open last, the last message; see ``bot.store.activity``)
* screenings completed, bands – ``screenings`` (a row is saved when a screening is completed)
* crisis answers – handoffs with ``reason = 'crisis'`` (every crisis answer opens or raises one: the dialogue's
  and the channel guard's; the tracker keeps no clear crisis action names, see ``bot.store.tracker_store``)
* urgent handoffs, handoffs by status, time to first staff reply – ``handoffs`` (its ``first_reply_at`` is
  ``MIN(staff_messages.created_at)``, kept by triggers) and ``staff_messages``

Counts are of people (distinct sender ids); reply times are per handoff. Channel: ``conversation_activity`` says
web or SMS; handoffs and screenings store the Rasa input channel. Language: each of the three tables has the
conversation's language (rows from before it was recorded have none and count only without the filter).

How (issue 19: under 1 s for a year of 100,000 conversations). :mod:`bot.store.overview_reference` keeps the plain
form, one aggregate query per figure: the definition these functions must equal (the integration tests compare
the two on seeded random data on SQLite and PostgreSQL; ``bench/overview_query.py`` times both).

* SQLite, whose DISTINCT, GROUP BY person and window functions sort every row through a temporary B-tree: each
  table is read once per view by one indexed range query whose short rows come straight from the driver, and
  the people are counted here with sets and dicts (most people have one row). Every value that decides a figure (period
  and filter tests, the UTC day, the clinic's local time, the wait in seconds) is still computed by SQLite with
  the same SQL expressions as the reference.
* PostgreSQL, which counts distinct people fast but costs more per row sent: the reference's conversation and
  screening queries, and the handoff figures in two aggregates instead of four queries.
* Both read the first staff reply from ``handoffs.first_reply_at`` (kept by triggers, migration 0006) instead of
  a subquery on ``staff_messages`` per handoff.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Date, Integer, and_, case, cast, distinct, false, func, literal, select
from sqlalchemy.orm import Session

from bot.conversation.channels import SMS_CHANNELS
from bot.conversation.hours import utc_offsets
from bot.store.models import STATUSES, ConversationActivity, Handoff, Screening

CHANNELS = ("web", "sms")
ACT = ConversationActivity


@dataclass(frozen=True)
class Period:
    """Half-open ``[start, end)`` in naive UTC, an optional channel ("web" / "sms") and language ("en", "es")."""

    start: dt.datetime
    end: dt.datetime
    channel: str | None = None
    language: str | None = None


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _activity_filter(period: Period, column):
    where = [column >= period.start, column < period.end]
    if period.channel:
        where.append(ACT.channel == period.channel)
    if period.language:
        where.append(ACT.language == period.language)
    return and_(*where)


def _row_filter(model, column, period: Period, *conditions):
    where = [column >= period.start, column < period.end, *conditions]
    if period.channel == "sms":
        where.append(model.channel.in_(SMS_CHANNELS))
    elif period.channel == "web":
        where.append(model.channel.not_in(SMS_CHANNELS))
    if period.language:
        where.append(model.language == period.language)
    return and_(*where)


def _count_people(session: Session, stmt) -> int:
    return session.execute(select(func.count()).select_from(stmt.distinct().subquery())).scalar_one()


def _day(session: Session):
    """The UTC day of a conversation's start, as the database computes it."""
    return cast(ACT.started_at, Date) if _dialect(session) == "postgresql" else func.date(ACT.started_at)


def _fetch(session: Session, stmt) -> list[tuple]:
    """All rows of ``stmt`` as the driver returns them (plain tuples, no SQLAlchemy row or type processing: on a
    year of data that processing costs several times the query itself). Values are raw: SQLite gives timestamps
    and days as text (ordered like the database orders them), PostgreSQL gives datetimes, dates and Decimals.
    Unlike ``session.execute`` it does not autoflush: the Overview runs in a session with nothing pending."""
    result = session.connection().execute(stmt)
    try:
        return result.cursor.fetchall()
    finally:
        result.close()


def _as_date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def conversations(session: Session, period: Period) -> dict[str, Any]:
    """People who started a conversation: total, per UTC day of their first one, per channel (one query). A
    person's day is the earliest of their conversations in the period and their channel the least of their
    channels ("sms" before "web"), as ``MIN`` gives them in SQL."""
    rows = _fetch(session, select(ACT.sender_id, _day(session), ACT.channel)
                  .where(_activity_filter(period, ACT.started_at)).order_by(ACT.started_at))
    # rows come in start order, so the first row of each person has their earliest day (later rows the same or
    # a later one); a dict built from the reversed rows keeps it
    first_day = {r[0]: r[1] for r in reversed(rows)}
    sms = len({r[0] for r in rows if r[2] == "sms"})  # "sms" is the least channel: anyone with an SMS one
    by_channel = {"web": len(first_day) - sms, "sms": sms}
    if {r[2] for r in rows if r[2] != "web" and r[2] != "sms"}:  # neither (no writer stores one): as MIN would
        least: dict[str, str] = {}
        for sender, _, channel in rows:
            least[sender] = min(channel, least.get(sender, channel))
        by_channel = dict.fromkeys(CHANNELS, 0)
        by_channel.update(Counter(least.values()))
    days: dict[dt.date, int] = {}
    for value, n in Counter(first_day.values()).items():
        date = _as_date(value)
        days[date] = days.get(date, 0) + n
    return {"total": len(first_day), "by_day": sorted(days.items()), "by_channel": by_channel}


def screenings(session: Session, period: Period, idle_since: dt.datetime) -> dict[str, Any]:
    """Started, completed, stopped (no result, silent since ``idle_since``), still going, where people stopped
    (the question open at the end of their last screening opened in the period; "none" if none was), and bands.
    A result saved after the period began counts as finishing a screening opened in the period. Three range
    queries: the screenings opened in the period, the results saved since it began (with whether each is in the
    period and filters), and who wrote since ``idle_since``."""
    opened = _fetch(session, select(ACT.sender_id, ACT.question, ACT.screening_opened_at, ACT.id)
                    .where(_activity_filter(period, ACT.screening_opened_at)).order_by(ACT.screening_opened_at))
    # in opening order, so the last row of each person wins; people with more than one row are settled by
    # (opened at, id) like the reference's ORDER BY ... DESC, id DESC
    latest = {r[0]: r[1] for r in opened}
    if len(latest) != len(opened):
        best: dict[str, tuple] = {}
        for sender, question, opened_at, row_id in opened:
            seen = best.get(sender)
            if seen is None or (opened_at, row_id) > seen[:2]:
                best[sender] = (opened_at, row_id, question)
        latest = {sender: row[2] for sender, row in best.items()}
    in_period = case((_row_filter(Screening, Screening.created_at, period), 1), else_=0)
    results = _fetch(session, select(Screening.sender_id, Screening.band, in_period)
                     .where(Screening.created_at >= period.start))
    finished = {r[0] for r in results}
    completed = {r[0] for r in results if r[2]}
    band_people = {(r[1], r[0]) for r in results if r[2]}
    recent = {r[0] for r in _fetch(session, select(ACT.sender_id).where(ACT.last_active_at >= idle_since))}
    open_people = latest.keys() - finished
    going = open_people & recent
    stopped_at = Counter((latest[sender] or "none") for sender in open_people - going)
    per_band = Counter(band for band, _ in band_people)
    return {
        "started": len(latest),
        "completed": len(completed),
        "stopped": sum(stopped_at.values()),
        "in_progress": len(going),
        "stopped_at": dict(sorted(stopped_at.items(), key=lambda kv: (-kv[1], kv[0]))),
        "bands": {band or "none": n for band, n in sorted(per_band.items(), key=lambda kv: (kv[0] is not None,
                                                                                              kv[0] or ""))},
    }


def _seconds_between(session: Session, later, earlier):
    if _dialect(session) == "postgresql":
        return func.extract("epoch", later - earlier)
    return (func.julianday(later) - func.julianday(earlier)) * 86400.0


def _local_time(session: Session, column, offsets: list[tuple[dt.datetime, int]]):
    """SQL: ``column`` (naive UTC) as the clinic's local wall time (the UTC ``offsets`` of :func:`utc_offsets`)."""
    offset = case(*((column >= since, seconds) for since, seconds in reversed(offsets[1:])),
                  else_=offsets[0][1]) if len(offsets) > 1 else literal(offsets[0][1])
    if _dialect(session) == "postgresql":
        return column + func.make_interval(0, 0, 0, 0, 0, 0, offset)
    return func.datetime(column, func.printf("%+d seconds", offset))


def _in_hours(session: Session, column, hours, offsets: list[tuple[dt.datetime, int]]):
    """SQL truth value: ``column`` (naive UTC) falls in the clinic's staffed hours (weekday and local time)."""
    days = [(d + 1) % 7 for d in hours.days]  # SQL weekdays: 0 = Sunday
    start, end = f"{hours.start}:00", f"{hours.end}:00"
    local = _local_time(session, column, offsets)
    if _dialect(session) == "postgresql":
        weekday, clock = cast(func.extract("dow", local), Integer), func.to_char(local, "HH24:MI:SS")
    else:
        weekday, clock = cast(func.strftime("%w", local), Integer), func.strftime("%H:%M:%S", local)
    return and_(weekday.in_(days), clock >= start, clock < end) if days else false()


class _StaffedTest:
    """:func:`_in_hours` applied in Python to the local time the database computed with :func:`_local_time`
    (SQLite: text ``YYYY-MM-DD HH:MM:SS``, whose ``strftime('%w')`` and ``'%H:%M:%S'`` are its date's weekday and
    characters 11-19; PostgreSQL: a datetime): the same weekday test and the same text comparisons of the clock
    with ``"{start}:00"`` and ``"{end}:00"``, one local-time computation per handoff instead of three."""

    def __init__(self, hours) -> None:
        self.days = {(d + 1) % 7 for d in hours.days}  # 0 = Sunday, as SQL's
        self.start, self.end = f"{hours.start}:00", f"{hours.end}:00"
        self._weekdays: dict[str, int] = {}

    def __call__(self, local) -> bool:
        if local is None or not self.days:
            return False
        if isinstance(local, str):
            day = local[:10]
            weekday = self._weekdays.get(day)
            if weekday is None:
                weekday = self._weekdays[day] = dt.date.fromisoformat(day).isoweekday() % 7
            clock = local[11:19]
        else:
            weekday, clock = local.isoweekday() % 7, f"{local.hour:02d}:{local.minute:02d}:{local.second:02d}"
        return weekday in self.days and self.start <= clock < self.end


def _nearest_rank(waits: list, share: float) -> Any:
    """The smallest wait whose rank (1-based, ascending) is at least ``share`` × the number of waits."""
    rank = max(1, math.ceil(len(waits) * share))
    return waits[rank - 1]


def handoff_figures(session: Session, period: Period, hours, offsets: list[tuple[dt.datetime, int]]
                    ) -> dict[str, Any]:
    """From one query over the handoffs opened in the period (one row each: person, status, urgency, reason,
    staffed hours or not, seconds to the first staff reply written in the console):

    * ``crisis``: people given a crisis answer, and people whose handoff was urgent;
    * ``handoffs``: people with a handoff, in total and by its current status;
    * ``reply_times``: per handoff, median and 90th percentile (nearest rank) of the wait, split by whether the
      handoff came in during staffed hours (``hours``, local time with the UTC ``offsets`` from
      :func:`bot.conversation.hours.utc_offsets`)."""
    first_reply = Handoff.first_reply_at  # MIN(staff_messages.created_at), kept by triggers (migration 0006)
    staffed = _StaffedTest(hours)
    rows = _fetch(session, select(
        Handoff.sender_id, Handoff.status, Handoff.urgency, Handoff.reason,
        _local_time(session, Handoff.created_at, offsets), _seconds_between(session, first_reply, Handoff.created_at))
        .where(_row_filter(Handoff, Handoff.created_at, period)))
    people = {r[0] for r in rows}
    crisis_people = {r[0] for r in rows if r[3] == "crisis"}
    urgent_people = {r[0] for r in rows if r[2] == "urgent"}
    by_status = Counter(status for status, _ in {(r[1], r[0]) for r in rows})
    counts = {"staffed": 0, "after_hours": 0}
    waits: dict[str, list] = {"staffed": [], "after_hours": []}
    for row in rows:
        when = "staffed" if staffed(row[4]) else "after_hours"
        counts[when] += 1
        if row[5] is not None:
            waits[when].append(row[5])
    replies = {}
    for when, values in waits.items():
        values.sort()
        replies[when] = {"handoffs": counts[when], "replied": len(values),
                         "median_seconds": float(_nearest_rank(values, 0.5)) if values else None,
                         "p90_seconds": float(_nearest_rank(values, 0.9)) if values else None}
    return {
        "crisis": {"answers_given": len(crisis_people), "urgent_handoffs": len(urgent_people)},
        "handoffs": {"total": len(people), "by_status": {s: by_status.get(s, 0) for s in STATUSES}},
        "reply_times": replies,
    }


def _handoff_figures_postgresql(session: Session, period: Period, hours, offsets: list[tuple[dt.datetime, int]]
                                ) -> dict[str, Any]:
    """:func:`handoff_figures` aggregated by PostgreSQL, which counts distinct people cheaply and sends back two
    short results: one pass with a ``count(DISTINCT sender_id) FILTER (...)`` per figure, and one per hours
    group with ``percentile_disc``, whose pick (the first wait at rank >= ceil(fraction × answered)) is the
    nearest rank."""
    where = _row_filter(Handoff, Handoff.created_at, period)

    def people(condition=None):
        counted = func.count(distinct(Handoff.sender_id))
        return counted if condition is None else counted.filter(condition)

    row = session.execute(select(people(), people(Handoff.reason == "crisis"), people(Handoff.urgency == "urgent"),
                                 *(people(Handoff.status == s) for s in STATUSES)).where(where)).one()
    staffed = case((_in_hours(session, Handoff.created_at, hours, offsets), literal("staffed")),
                   else_=literal("after_hours")).label("hours")
    first_reply = Handoff.first_reply_at  # MIN(staff_messages.created_at), kept by triggers (migration 0006)
    waits = select(staffed, _seconds_between(session, first_reply, Handoff.created_at).label("wait")) \
        .where(where).subquery()
    replies = {h: {"handoffs": 0, "replied": 0, "median_seconds": None, "p90_seconds": None}
               for h in ("staffed", "after_hours")}
    for when, n, replied, median, p90 in session.execute(select(
            waits.c.hours, func.count(), func.count(waits.c.wait),
            func.percentile_disc(0.5).within_group(waits.c.wait),
            func.percentile_disc(0.9).within_group(waits.c.wait)).group_by(waits.c.hours)):
        replies[when].update(handoffs=n, replied=replied, median_seconds=None if median is None else float(median),
                             p90_seconds=None if p90 is None else float(p90))
    return {
        "crisis": {"answers_given": row[1], "urgent_handoffs": row[2]},
        "handoffs": {"total": row[0], "by_status": dict(zip(STATUSES, row[3:], strict=True))},
        "reply_times": replies,
    }


def overview(session: Session, period: Period, *, hours, idle_since: dt.datetime) -> dict[str, Any]:
    """All figures (raw, before the small-cell rule) for ``period``. SQLite: five range queries whose rows are
    counted here. PostgreSQL, whose DISTINCT and window functions are fast (and whose rows cost more to send
    and convert): the reference's conversation and screening queries, and the handoffs in two aggregates."""
    offsets = utc_offsets(hours, period.start, period.end)
    if _dialect(session) == "postgresql":
        from bot.store import overview_reference as reference

        handed_off = _handoff_figures_postgresql(session, period, hours, offsets)
        return {
            "conversations": reference.conversations(session, period),
            "screenings": reference.screenings(session, period, idle_since),
            **handed_off,
        }
    handed_off = handoff_figures(session, period, hours, offsets)
    return {
        "conversations": conversations(session, period),
        "screenings": screenings(session, period, idle_since),
        **handed_off,
    }
