"""A small, known week of conversations, screenings and handoffs for the Overview tests.

Period: the last 7 UTC days up to today. Day B (two days ago) holds most of it; clinic hours in the tests
are 08:00-20:00 America/New_York every day, so 10:00 New York is staffed and 03:00 is after hours.

people            conversation  screening                          handoff (created on B)
w1..w5  (web)     yes           completed, band iop_good_fit       staffed; replies after 10..50 min
w6      (web)     yes           stopped at "withdrawal"            staffed; no reply
w7      (web)     yes (now)     still going (events minutes ago)   —
x1..x5  (web)     yes           stopped at "substances"            after hours; replies 60..600 min
s1      (sms)     yes           completed, band medical_first      after hours; no reply
s2, s3  (sms)     yes           —                                  s2: after hours; no reply
old1    (web)     20 days ago   stopped 20 days ago                20 days ago (outside the period)
Crisis answers: crisis handoffs for w1 and w5 (urgent); the tracker keeps no clear crisis action names.
Languages: s1, x1 and x2 wrote in Spanish, everyone else in English (old1: unknown, from before languages).
Each conversation's ``conversation_activity`` row is written as the tracker store writes it.
"""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

from bot.store import activity, db
from bot.store.models import Handoff, Screening, StaffMessage, tracker_events, utcnow

NY = ZoneInfo("America/New_York")
STAFFED = {"timezone": "America/New_York", "days": [0, 1, 2, 3, 4, 5, 6], "start": "08:00", "end": "20:00"}
WEB = [f"web-w{i}" for i in range(1, 8)]
STOPPERS = [f"web-x{i}" for i in range(1, 6)]
SMS = ["+15550000001", "+15550000002", "+15550000003"]
SPANISH = {SMS[0], STOPPERS[0], STOPPERS[1]}


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """A clinic-local wall time as naive UTC."""
    when = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=NY)
    return when.astimezone(dt.timezone.utc).replace(tzinfo=None)


def _ts(value: dt.datetime) -> float:
    return value.replace(tzinfo=dt.timezone.utc).timestamp()


def _event(s, sender: str, when: dt.datetime, event: str, **fields) -> None:
    data = {"event": event, "timestamp": _ts(when), **fields}
    s.execute(tracker_events.insert().values(
        sender_id=sender, type_name=event, timestamp=data["timestamp"], action_name=data.get("name"),
        intent_name=None, data=json.dumps(data)))


def _language(sender: str) -> str | None:
    return None if sender == "web-old1" else "es" if sender in SPANISH else "en"


def _conversation(s, sender: str, when: dt.datetime, questions: list[str] | None = None) -> None:
    _event(s, sender, when, "action", name="action_session_start")
    _event(s, sender, when, "session_started")
    _event(s, sender, when + dt.timedelta(seconds=5), "user", text="hello", parse_data={"intent": {"name": "greet"}})
    if questions is not None:
        _event(s, sender, when + dt.timedelta(seconds=10), "active_loop", name="screening_form")
        for k, question in enumerate(questions):
            _event(s, sender, when + dt.timedelta(seconds=20 + k), "slot", name="screening_current", value=question)
    activity.record(s, activity.Activity(
        sender_id=sender, started_at=when, channel="sms" if sender.startswith("+") else "web",
        last_active_at=when + dt.timedelta(seconds=5), language=_language(sender),
        screening_opened_at=None if questions is None else when + dt.timedelta(seconds=10),
        question=questions[-1] if questions else None))
    s.flush()


def _handoff(s, sender: str, created: dt.datetime, status: str, replies_after: list[int] = (),
             urgency: str = "normal", reason: str = "asked_for_person", channel: str = "socketio") -> None:
    row = Handoff(sender_id=sender, channel=channel, urgency=urgency, reason=reason, status=status,
                  created_at=created, updated_at=created, language=_language(sender))
    s.add(row)
    s.flush()
    for minutes in replies_after:
        s.add(StaffMessage(handoff_id=row.id, sender_id=sender, author="sam", text="Hi, this is Sam",
                           created_at=created + dt.timedelta(minutes=minutes)))


def _screening(s, sender: str, when: dt.datetime, band: str, channel: str = "socketio") -> None:
    s.add(Screening(sender_id=sender, channel=channel, answers={"substances": ["alcohol"]}, band=band,
                    reasons=[], started_at=when, completed_at=when, created_at=when, language=_language(sender)))


def seed(settings, today: dt.date) -> None:
    day_b = today - dt.timedelta(days=2)
    old = today - dt.timedelta(days=20)
    morning, night = local(day_b, 10), local(day_b, 3)
    with db.session_scope(settings) as s:
        for i, sender in enumerate(WEB[:5]):
            _conversation(s, sender, morning - dt.timedelta(hours=1), ["safety", "substances"])
            _screening(s, sender, morning - dt.timedelta(minutes=30), "iop_good_fit")
            urgent = sender in (WEB[0], WEB[4])
            _handoff(s, sender, morning + dt.timedelta(minutes=i), ["closed", "in_conversation", "in_conversation",
                                                                    "claimed", "waiting"][i],
                     [10 * (i + 1)] + ([90] if i == 1 else []), urgency="urgent" if urgent else "normal",
                     reason="crisis" if urgent else "end_of_screening")
        _conversation(s, WEB[0], morning + dt.timedelta(hours=8))  # second conversation, same person
        _conversation(s, WEB[5], morning - dt.timedelta(hours=2), ["safety", "withdrawal"])
        _handoff(s, WEB[5], morning + dt.timedelta(minutes=7), "waiting")
        _conversation(s, WEB[6], utcnow() - dt.timedelta(minutes=10), ["safety", "withdrawal"])
        for i, (sender, minutes) in enumerate(zip(STOPPERS, [60, 90, 120, 240, 600], strict=True)):
            _conversation(s, sender, night - dt.timedelta(hours=1), ["safety", "substances"])
            _handoff(s, sender, night + dt.timedelta(minutes=i), "closed", [minutes])
        _conversation(s, SMS[0], night - dt.timedelta(hours=2), ["safety"])
        _screening(s, SMS[0], night - dt.timedelta(hours=1), "medical_first", channel="twilio")
        _handoff(s, SMS[0], night + dt.timedelta(minutes=20), "waiting", channel="twilio")
        _conversation(s, SMS[1], night - dt.timedelta(hours=2))
        _handoff(s, SMS[1], night + dt.timedelta(minutes=21), "waiting", channel="twilio")
        _conversation(s, SMS[2], night - dt.timedelta(hours=2))
        _conversation(s, "web-old1", local(old, 12), ["safety"])
        _handoff(s, "web-old1", local(old, 12), "waiting", [5])
        _screening(s, "web-old1", local(old, 12), "iop_good_fit")
