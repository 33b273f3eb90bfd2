"""Queue filters and paging, reassignment, the alerts feed, and the handoff snapshot (issue 17), over HTTP."""

from __future__ import annotations

import json
import re
import time

from fastapi.testclient import TestClient

from bot.store import db
from bot.store import repositories as repo
from bot.store.models import tracker_events


def _slot(settings, sender_id: str, name: str, value, ts: float | None = None) -> None:
    event = {"event": "slot", "name": name, "value": value, "timestamp": ts or time.time()}
    _event(settings, sender_id, event)


def _event(settings, sender_id: str, event: dict) -> None:
    event.setdefault("timestamp", time.time())
    data = json.dumps(event)  # the events column encrypts it, as for Rasa's tracker store
    with db.session_scope(settings) as s:
        s.execute(tracker_events.insert().values(sender_id=sender_id, type_name=event["event"],
                                                 timestamp=event["timestamp"], data=data))


def _rows(html: str) -> list[str]:
    return re.findall(r'data-handoff-id="(\d+)"', html)


def test_queue_filters_paging_and_assigned_to_me(web, app, console_settings):
    settings = console_settings
    with db.session_scope(settings) as s:
        sam = repo.get_staff_by_username(s, web.STAFF[0])
        for i in range(60):
            hid = repo.create_handoff(s, sender_id=f"q-{i}", channel="twilio" if i % 3 == 0 else "socketio",
                                      urgency="urgent" if i % 2 == 0 else "normal",
                                      language="es" if i % 4 == 0 else "en")
            if i % 10 == 0:
                repo.change_status(s, hid, "claim", sam)
    client = TestClient(app)
    web.login(client, *web.STAFF)

    first = client.get("/queue").text
    assert "1–25 of 60" in first and "(30 urgent)" in first and "Page 1 of 3" in first
    ids = _rows(first)
    assert len(ids) == 25
    third = client.get("/queue?page=3").text
    assert len(_rows(third)) == 10 and not set(_rows(third)) & set(ids)
    assert "URGENT" not in third  # urgent first: the 30 urgent ones fill pages 1 and 2

    spanish_sms = client.get("/queue?language=es&channel=twilio").text  # i % 12 == 0
    assert "of 5" in spanish_sms and len(_rows(spanish_sms)) == 5
    table = spanish_sms[spanish_sms.index('id="queue"'):spanish_sms.index("</table>")]
    assert "SMS · Spanish" in table and "twilio" not in table

    mine = client.get("/queue?assigned=me").text
    assert len(_rows(mine)) == 6 and "of 6" in mine
    assert len(_rows(client.get("/queue?assigned=none&urgency=urgent").text)) == 24  # 30 urgent - 6 claimed
    fragment = client.get("/queue/rows?assigned=me&status=claimed").text
    assert len(_rows(fragment)) == 6 and "<html" not in fragment
    assert "normal</td>" not in client.get("/queue?urgency=urgent&page=2").text

    with db.session_scope(settings) as s:
        audited = repo.list_audit(s, action="queue.view")
    assert {"assignee": str(sam.id), "page": 1, "count": 6} in [e.detail for e in audited]  # filters, no health data


def test_queue_shows_who_and_what_with_a_message_preview(web, app, console_settings):
    with db.session_scope(console_settings) as s:
        repo.create_handoff(s, sender_id="p-1", channel="socketio", first_name="Robin", contact_preference="text",
                            reason="end_of_screening", consent=True)
    _event(console_settings, "p-1", {"event": "user", "text": "I want to stop drinking before my new job starts"})
    _event(console_settings, "p-1", {"event": "user", "text": "/choose{\"choice\": \"yes\"}"})
    client = TestClient(app)
    web.login(client, *web.STAFF)
    page = client.get("/queue").text
    row = page[page.index("data-handoff-id"):]
    assert "Robin" in row and "Finished screening" in row and "Web chat" in row and "socketio" not in row
    assert "“I want to stop drinking before my new job starts”" in row  # the last typed message, not a button


def test_reassign_and_alerts_feed(web, app, console_settings):
    with db.session_scope(console_settings) as s:
        hid = repo.create_handoff(s, sender_id="r-1", channel="socketio", urgency="urgent", reason="crisis")
        sam = repo.get_staff_by_username(s, web.STAFF[0])
    client = TestClient(app)
    web.login(client, *web.ADMIN)
    page = client.get(f"/handoffs/{hid}").text
    client.post(f"/handoffs/{hid}/assign", data={"staff_id": str(sam.id), "csrf_token": web.csrf_of(page)})
    with db.session_scope(console_settings) as s:
        row = repo.get_handoff(s, hid)
        assert row.assignee_id == sam.id and row.status == "claimed"
        assert repo.list_audit(s, action="handoff.reassign")[0].detail == {"from": None, "to": sam.id}

    staff = TestClient(app)
    web.login(staff, *web.STAFF)
    before = staff.get("/alerts.json").json()
    assert before["urgent"] == [hid] and before["mine"] == {}
    _event(console_settings, "r-1", {"event": "user", "text": "are you there", "timestamp": 1_800_000_000.0})
    after = staff.get("/alerts.json").json()
    assert after["mine"] == {str(hid): 1_800_000_000.0}  # ids and times only, no text
    assert TestClient(app).get("/alerts.json").status_code == 401

    client.post(f"/handoffs/{hid}/assign", data={"staff_id": "", "csrf_token": web.csrf_of(page)})
    with db.session_scope(console_settings) as s:
        row = repo.get_handoff(s, hid)
        assert row.assignee_id is None and row.status == "waiting"


def test_crisis_handoff_shows_the_answers_given_before_it(web, app, console_settings):
    """No screening row yet: the snapshot scores the answers so far (safety, substances) instead of 'none'."""
    settings = console_settings
    answers = {"suicidal_thoughts": "yes", "suicide_plan": "no", "suicide_behavior": "no", "harm_others": "no",
               "substances": ["alcohol", "opioids"], "last_use": 1, "alcohol_frequency": "4_plus_week"}
    _slot(settings, "c-1", "language", "es")
    _slot(settings, "c-1", "screening_answers", answers)
    with db.session_scope(settings) as s:
        hid = repo.create_handoff(s, sender_id="c-1", channel="socketio", urgency="urgent", reason="crisis",
                                  trigger_message="I can't go on")
        assert repo.get_handoff(s, hid).language == "es"
    client = TestClient(app)
    web.login(client, *web.STAFF)
    page = client.get(f"/handoffs/{hid}").text
    snap = page[page.index('id="snapshot"'):page.index('id="conversation"')]
    assert "partial: the screening stopped early" in snap
    assert '<dd id="snap-substances">Alcohol, Opioids: heroin' in snap
    assert '<dd id="snap-last-use">yesterday / 1 day ago</dd>' in snap
    assert re.search(r"AUDIT-C</dt><dd[^>]*>4 of 12 <span class=\"hint\">\(incomplete: 1 of 3 items", snap)
    assert 'id="snap-red-flags"' in snap and "thoughts of suicide" in snap
    assert "Not asked yet" in snap and "Consent to contact" in snap and ">no<" not in snap
    assert "Crisis" in snap and "Web chat" in snap
    assert "No screening" not in page
    assert page.index('id="snapshot"') < page.index('id="action-claim"') < page.index('id="reply-text"') \
        < page.index('id="summary"')


def test_snapshot_times_in_clinic_zone_and_sources_by_title(web, app, console_settings):
    from bot.screening import load_criteria, load_questionnaire, score
    from bot.screening.summary import build_summary

    q, c = load_questionnaire(), load_criteria()
    answers = {"suicidal_thoughts": "no", "suicide_plan": "no", "suicide_behavior": "no", "harm_others": "no",
               "substances": ["alcohol", "cannabis"], "last_use": 20, "phq_interest": "several_days",
               "phq_mood": "more_than_half", "readiness": "unclear"}
    result = score(answers, q, c)
    summary = build_summary(result, answers, q)
    with db.session_scope(console_settings) as s:
        sid = repo.save_screening(s, sender_id="t-1", channel="socketio", answers=answers, band=result.band,
                                  reasons=summary["reasons"], criteria_version=result.criteria_version,
                                  summary=summary)
        hid = repo.create_handoff(s, sender_id="t-1", channel="socketio", screening_id=sid, consent=True,
                                  contact_preference="call", best_time="after 5pm", phone="+15550100")
        import datetime as dt

        repo.get_handoff(s, hid).created_at = dt.datetime(2026, 7, 1, 16, 30)  # UTC
    client = TestClient(app)
    web.login(client, *web.STAFF)
    page = client.get(f"/handoffs/{hid}").text
    assert "2026-07-01 12:30 EDT" in page and "UTC" not in page  # America/New_York by default
    assert re.search(r'PHQ-2</dt><dd class="snap-score" title="A score of 3 or more[^"]*">3 of 6</dd>', page)
    assert "Readiness to make a change" in page[page.index('id="snap-unclear"'):][:200]
    assert "Phone call" in page and "after 5pm" in page and "Yes, agreed to be contacted" in page
    assert "<cite title=\"003_101b7585de3d740d.txt\">[Intensive Outpatient Program: goals" in page
    assert ">003_101b7585de3d740d.txt<" not in page
    reason = page[page.index("More than one substance"):][:1200]
    assert "Points to IOP (over standard outpatient)" in reason
    assert "Intensive Outpatient Programs are better for people who still need a higher level of care" in reason
    for raw in ("urgent False", "complete True", ">False<", ">True<"):
        assert raw not in page
