"""The Overview's fast path (bot.store.overview_queries.overview) equals the plain one-aggregate-per-figure queries
(bot.store.overview_reference) on seeded random data, on SQLite and PostgreSQL: people with several conversations,
screenings and handoffs, ties, results after the period, odd channels and languages, timestamps with and without
microseconds, a DST change, several clinic hours, and staff replies added, deleted and changed."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from sqlalchemy import inspect, select

from bot.config import StaffedHours
from bot.store import activity, db
from bot.store import overview_queries as q
from bot.store.models import Handoff, Screening, StaffMessage
from bot.store.overview_reference import overview_reference

# around the 2026-11-01 DST change in New York, so periods cross it
BASE = dt.datetime(2026, 10, 5)
DAYS = 60
QUESTIONS = ["safety", "substances", "withdrawal", "", None]
BANDS = ["iop_good_fit", "medical_first", "outpatient", None]
HANDOFF_CHANNELS = ["socketio", "twilio", "rest", "sms", "TWILIO"]
HOURS = [
    {"timezone": "America/New_York", "days": [0, 1, 2, 3, 4], "start": "08:00", "end": "20:00"},
    {"timezone": "America/New_York", "days": [0, 1, 2, 3, 4, 5, 6], "start": "00:00", "end": "24:00"},
    {"timezone": "Europe/Berlin", "days": [5, 6], "start": "09:30", "end": "17:45"},
    {"timezone": "America/New_York", "days": [], "start": "08:00", "end": "20:00"},
]


def _moment(rng: random.Random) -> dt.datetime:
    when = BASE + dt.timedelta(seconds=rng.uniform(0, DAYS * 86400))
    if rng.random() < 0.2:
        when = when.replace(microsecond=0)  # whole seconds too (stored without a fraction by some writers)
    if rng.random() < 0.05:
        when = when.replace(hour=rng.choice([0, 7, 8, 19, 20, 23]), minute=rng.choice([0, 59]),
                            second=rng.choice([0, 59]))  # near day and clinic-hour edges
    return when


def _seed(settings, rng: random.Random, people: int = 160) -> dt.datetime:
    now = BASE + dt.timedelta(days=DAYS - 2)
    with db.session_scope(settings) as s:
        for i in range(people):
            sms = rng.random() < 0.3
            sender = f"+1555{i:07d}" if sms else f"web-{i}"
            language = rng.choice(["en", "es", None])
            starts = sorted({_moment(rng) for _ in range(rng.choice([1, 1, 1, 2, 3]))})
            prev_opened = None
            for k, start in enumerate(starts):
                opened = None
                if rng.random() < 0.75:
                    opened = start + dt.timedelta(seconds=rng.choice([0, 10, 3600 * 30]))
                    if k and rng.random() < 0.3:
                        opened = prev_opened or opened  # the same opening time as before: a tie
                prev_opened = opened
                last = now - dt.timedelta(minutes=rng.choice([5, 30, 600])) if rng.random() < 0.15 else start
                activity.record(s, activity.Activity(
                    sender_id=sender, started_at=start, channel="sms" if sms else "web",
                    last_active_at=last, language=language if rng.random() < 0.9 else rng.choice(["en", "es"]),
                    screening_opened_at=opened, question=rng.choice(QUESTIONS) if opened else None))
            for _ in range(rng.choice([0, 1, 1, 2])):
                when = _moment(rng)
                s.add(Screening(sender_id=sender, channel=rng.choice(HANDOFF_CHANNELS), answers={},
                                band=rng.choice(BANDS), reasons=[], started_at=when, completed_at=when, created_at=when,
                                language=rng.choice([language, "en", None])))
            handoffs = rng.choice([0, 0, 1, 1, 2, 3])
            for n in range(handoffs):
                when = _moment(rng)
                status = rng.choice(["waiting", "claimed", "in_conversation"]) if n == handoffs - 1 else "closed"
                row = Handoff(sender_id=sender, channel=rng.choice(HANDOFF_CHANNELS), status=status,
                              urgency=rng.choice(["urgent", "normal", "normal"]),
                              reason=rng.choice(["crisis", "asked_for_person", "end_of_screening"]),
                              created_at=when, updated_at=when, language=rng.choice([language, "es", None]))
                s.add(row)
                s.flush()
                replies = rng.choice([0, 1, 1, 2, 3])
                for _ in range(replies):
                    after = rng.choice([rng.expovariate(1 / 900), rng.randint(1, 5) * 60.0, -30.0])
                    s.add(StaffMessage(handoff_id=row.id, sender_id=sender, author="sam", text="hello",
                                       created_at=when + dt.timedelta(seconds=after)))
            s.flush()
        # replies deleted (as the purge does), moved in time and moved to another handoff: the first reply time
        # the fast path reads (kept by triggers, migration 0006) must follow
        messages = list(s.execute(select(StaffMessage)).scalars())
        handoff_ids = [h for (h,) in s.execute(select(Handoff.id))]
        for message in rng.sample(messages, len(messages) // 10):
            s.delete(message)
        s.flush()
        for message in rng.sample([m for m in messages if m not in s.deleted and inspect(m).persistent],
                                  len(messages) // 10):
            if rng.random() < 0.5:
                message.created_at += dt.timedelta(minutes=rng.choice([-90, -5, 5, 600]))
            else:
                message.handoff_id = rng.choice(handoff_ids)
        s.flush()
    return now


def _periods(rng: random.Random):
    yield BASE - dt.timedelta(days=1), BASE + dt.timedelta(days=DAYS + 2)
    for _ in range(6):
        start = BASE + dt.timedelta(days=rng.randint(-3, DAYS))
        yield start, start + dt.timedelta(days=rng.randint(1, 40))


@pytest.mark.parametrize("seed", [19, 2026])
def test_fast_figures_equal_the_reference_queries(store_settings, seed):
    rng = random.Random(seed)
    now = _seed(store_settings, rng)
    checked = 0
    with db.session_scope(store_settings) as s:
        for start, end in _periods(rng):
            for channel in (None, *q.CHANNELS):
                for language in (None, "en", "es"):
                    for spec in HOURS:
                        hours = StaffedHours(**spec)
                        period = q.Period(start, end, channel, language)
                        idle = now - dt.timedelta(minutes=rng.choice([10, 60, 60 * 24 * 30]))
                        fast = q.overview(s, period, hours=hours, idle_since=idle)
                        plain = overview_reference(s, period, hours=hours, idle_since=idle)
                        assert fast == plain, (start, end, channel, language, spec)
                        checked += 1
    assert checked == 7 * 3 * 3 * len(HOURS)


def test_the_random_data_exercises_what_the_fast_path_must_get_right(store_settings):
    """Sanity of the seed itself: people with several conversations and handoffs, ties, stops, answers."""
    rng = random.Random(19)
    now = _seed(store_settings, rng)
    with db.session_scope(store_settings) as s:
        period = q.Period(BASE - dt.timedelta(days=1), BASE + dt.timedelta(days=DAYS + 2))
        figures = overview_reference(s, period, hours=StaffedHours(**HOURS[0]),
                                     idle_since=now - dt.timedelta(hours=1))
    scr, conv = figures["screenings"], figures["conversations"]
    assert conv["by_channel"]["sms"] and conv["by_channel"]["web"]
    assert scr["started"] and scr["completed"] and scr["stopped"] and scr["in_progress"]
    assert "none" in scr["stopped_at"] and "none" in scr["bands"]
    replies = figures["reply_times"]
    assert replies["staffed"]["replied"] >= 5 and replies["after_hours"]["replied"] >= 5
