"""The console snapshot's pure helpers: clinic time, source titles from data, readable values."""

import datetime as dt
from types import SimpleNamespace

from bot.console.snapshot import channel_label, local_time, partial_summary, snapshot, source_title


def _handoff(**kw):
    base = dict(urgency="normal", reason="asked_for_person", channel="rest", contact_preference=None, best_time=None,
                first_name=None, phone=None, consent=False, created_at=dt.datetime(2026, 1, 15, 14, 5),
                trigger_message=None)
    return SimpleNamespace(**{**base, **kw})


def test_times_are_shown_in_the_clinic_zone_with_daylight_saving():
    assert local_time(dt.datetime(2026, 1, 15, 14, 5), "America/New_York") == "2026-01-15 09:05 EST"
    assert local_time(dt.datetime(2026, 7, 15, 14, 5), "America/Los_Angeles") == "2026-07-15 07:05 PDT"
    assert local_time(dt.datetime(2026, 7, 15, 14, 5), "Not/AZone") == "2026-07-15 14:05 UTC"
    assert local_time(None, "America/New_York") == ""


def test_sources_by_title_from_data_and_channels_in_words():
    assert source_title("004_d7033eaf91989fec.txt").startswith("Could Intensive Outpatient (IOP) Care")
    assert source_title("999_unknown.txt") == "999_unknown.txt"
    assert (channel_label("socketio"), channel_label("rest"), channel_label("twilio")) == \
        ("Web chat", "Partner (REST)", "SMS")


def test_snapshot_without_answers_says_not_asked_not_no():
    snap = snapshot(_handoff(), None, "America/New_York")
    assert snap["consent"].startswith("Not asked") and snap["band"] is None and snap["substances"] is None
    assert snap["waiting_since"] == "2026-01-15 09:05 EST" and snap["channel"] == "Partner (REST)"
    assert snapshot(_handoff(consent=True), None, "UTC")["consent"] == "Yes, agreed to be contacted"


def test_partial_summary_scores_the_answers_given_so_far():
    assert partial_summary({}) is None and partial_summary(None) is None
    summary = partial_summary({"suicidal_thoughts": "no", "harm_others": "yes", "substances": ["cannabis"]})
    snap = snapshot(_handoff(urgency="urgent", reason="crisis"), summary, "UTC")
    assert snap["partial"] and snap["complete"] is False and snap["unanswered_count"] > 0
    assert snap["red_flags"] and snap["substances"].startswith("Cannabis")
    assert snap["reason"] == "Crisis" and snap["last_use"] is None
