"""The Overview page, its CSV and JSON, on SQLite and PostgreSQL, against the known week in overview_seed."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from fastapi.testclient import TestClient

from bot.config import StaffedHours
from bot.store import db
from bot.store import overview_queries as q
from bot.store import repositories as repo
from bot.store.models import utcnow
from tests.integration.console import overview_seed as seed

TODAY = utcnow().date()
PERIOD = {"date_from": (TODAY - dt.timedelta(days=6)).isoformat(), "date_to": TODAY.isoformat()}


@pytest.fixture
def seeded(console_settings):
    settings = console_settings.copy(update={"staffed_hours": StaffedHours(**seed.STAFFED)})
    seed.seed(settings, TODAY)
    return settings


@pytest.fixture
def admin_client(seeded, web):
    from bot.console.app import create_app

    app = create_app(seeded)
    with TestClient(app) as client:
        assert web.login(client, *web.ADMIN).status_code == 303
        yield client
    app.state.engine.dispose()


def raw(settings, channel=None, language=None):
    start = dt.datetime.combine(TODAY - dt.timedelta(days=6), dt.time())
    end = dt.datetime.combine(TODAY + dt.timedelta(days=1), dt.time())
    with db.session_scope(settings) as s:
        return q.overview(s, q.Period(start, end, channel, language),
                          hours=settings.staffed_hours,
                          idle_since=utcnow() - dt.timedelta(minutes=settings.session_expiration_minutes))


def cells(payload: dict, section: str) -> dict[str, dict]:
    return {c["key"]: c for c in payload["sections"][section]["cells"]}


def test_each_raw_figure_from_sql(seeded):
    figures = raw(seeded)
    conv = figures["conversations"]
    assert conv["total"] == 15 and conv["by_channel"] == {"web": 12, "sms": 3}
    assert dict(conv["by_day"])[TODAY - dt.timedelta(days=2)] == 14
    assert sum(n for _, n in conv["by_day"]) == 15
    scr = figures["screenings"]
    assert (scr["started"], scr["completed"], scr["stopped"], scr["in_progress"]) == (13, 6, 6, 1)
    assert scr["stopped_at"] == {"substances": 5, "withdrawal": 1}
    assert scr["bands"] == {"iop_good_fit": 5, "medical_first": 1}
    assert figures["crisis"] == {"answers_given": 2, "urgent_handoffs": 2}
    assert figures["handoffs"] == {"total": 13, "by_status": {"waiting": 4, "claimed": 1, "in_conversation": 2,
                                                              "closed": 6}}
    staffed, after = figures["reply_times"]["staffed"], figures["reply_times"]["after_hours"]
    assert (staffed["handoffs"], staffed["replied"]) == (6, 5)
    assert staffed["median_seconds"] == pytest.approx(30 * 60, abs=1)
    assert staffed["p90_seconds"] == pytest.approx(50 * 60, abs=1)
    assert (after["handoffs"], after["replied"]) == (7, 5)
    assert after["median_seconds"] == pytest.approx(120 * 60, abs=1)
    assert after["p90_seconds"] == pytest.approx(600 * 60, abs=1)


def test_channel_filter(seeded):
    sms = raw(seeded, "sms")
    assert sms["conversations"]["total"] == 3
    assert (sms["screenings"]["started"], sms["screenings"]["completed"], sms["screenings"]["in_progress"]) == (1, 1, 0)
    assert sms["handoffs"]["total"] == 2
    assert sms["reply_times"]["after_hours"]["handoffs"] == 2 and sms["reply_times"]["staffed"]["handoffs"] == 0
    web_only = raw(seeded, "web")
    assert web_only["conversations"]["total"] == 12 and web_only["handoffs"]["total"] == 11
    assert web_only["screenings"]["in_progress"] == 1 and web_only["screenings"]["stopped"] == 6


def test_language_filter(seeded):
    spanish = raw(seeded, language="es")  # s1 (SMS, completed), x1 and x2 (web, stopped at substances)
    assert spanish["conversations"]["total"] == 3 and spanish["conversations"]["by_channel"] == {"web": 2, "sms": 1}
    scr = spanish["screenings"]
    assert (scr["started"], scr["completed"], scr["stopped"], scr["in_progress"]) == (3, 1, 2, 0)
    assert scr["stopped_at"] == {"substances": 2} and scr["bands"] == {"medical_first": 1}
    assert spanish["handoffs"]["total"] == 3 and spanish["crisis"] == {"answers_given": 0, "urgent_handoffs": 0}
    english = raw(seeded, language="en")
    assert english["conversations"]["total"] == 12 and english["screenings"]["stopped_at"] == {
        "substances": 3, "withdrawal": 1}
    assert english["crisis"] == {"answers_given": 2, "urgent_handoffs": 2}
    assert raw(seeded, "sms", "es")["conversations"]["total"] == 1


def test_language_filter_in_the_json_and_the_audit_log(admin_client, seeded):
    body = admin_client.get("/overview.json", params={**PERIOD, "language": "es"}).json()
    assert body["language"] == "es"
    assert cells(body, "conversations")["started"]["display"] == "< 5"
    assert admin_client.get("/overview.json", params={**PERIOD, "language": "xx"}).json()["language"] is None
    assert 'option value="es" selected' in admin_client.get("/overview", params={**PERIOD, "language": "es"}).text
    with db.session_scope(seeded) as s:
        assert sorted(str(e.detail["language"]) for e in repo.list_audit(s, action="overview.export")) == ["None", "es"]


def test_staffed_split_follows_the_clinic_hours(seeded):
    """Same handoffs, hours 00:00-06:00 only: the 03:00 handoffs become staffed, the 10:00 ones after hours."""
    night_shift = seeded.copy(update={"staffed_hours": StaffedHours(**{**seed.STAFFED, "start": "00:00",
                                                                        "end": "06:00"})})
    replies = raw(night_shift)["reply_times"]
    assert replies["staffed"]["handoffs"] == 7 and replies["after_hours"]["handoffs"] == 6
    assert replies["after_hours"]["median_seconds"] == pytest.approx(30 * 60, abs=1)


def test_json_applies_the_small_cell_rule(admin_client):
    response = admin_client.get("/overview.json", params=PERIOD)
    assert response.status_code == 200
    body = response.json()
    assert body["small_cell_threshold"] == 5 and body["period"]["from"] == PERIOD["date_from"]
    conv = cells(body, "conversations")
    assert conv["started"] == {**conv["started"], "value": 15, "suppressed": False}
    assert conv["sms"]["value"] is None and conv["sms"]["suppressed"] and conv["sms"]["display"] == "< 5"
    stopped_at = cells(body, "stopped_at")
    assert stopped_at["substances"]["value"] == 5
    assert stopped_at["withdrawal"] == {**stopped_at["withdrawal"], "value": None, "suppressed": True}
    assert cells(body, "screenings")["in_progress"]["display"] == "< 5"
    assert cells(body, "crisis")["answers_given"]["suppressed"]
    assert cells(body, "crisis")["urgent_handoffs"]["suppressed"]
    handoffs = cells(body, "handoffs")
    assert handoffs["closed"]["value"] == 6 and handoffs["waiting"]["display"] == "< 5"
    replies = cells(body, "reply_times")
    assert replies["staffed_median"]["value"] == 30 and replies["staffed_p90"]["value"] == 50
    assert replies["after_hours_median"]["value"] == 120 and replies["after_hours_p90"]["value"] == 600
    assert replies["staffed_unanswered"]["suppressed"] and replies["after_hours_handoffs"]["value"] == 7


def test_sms_filter_suppresses_reply_times_with_few_answers(admin_client):
    body = admin_client.get("/overview.json", params={**PERIOD, "channel": "sms"}).json()
    replies = cells(body, "reply_times")
    assert body["channel"] == "sms"
    assert replies["after_hours_handoffs"]["display"] == "< 5"
    assert replies["after_hours_median"]["value"] is None  # none answered: nothing to hide, nothing to show
    assert replies["staffed_handoffs"]["value"] == 0 and not replies["staffed_handoffs"]["suppressed"]


@pytest.mark.usefixtures("seeded")
def test_csv_matches_json_and_names_no_one(admin_client):
    body = admin_client.get("/overview.json", params=PERIOD).json()
    response = admin_client.get("/overview.csv", params=PERIOD)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    by_key = {(r["section"], r["key"]): r["value"] for r in rows}
    assert by_key[("conversations", "started")] == "15"
    assert by_key[("conversations", "sms")] == "< 5"
    assert by_key[("bands", "medical_first")] == "< 5" and by_key[("bands", "iop_good_fit")] == "5"
    assert by_key[("reply_times", "after_hours_median")] == "120"
    assert len(rows) == sum(len(s["cells"]) for s in body["sections"].values())
    page = admin_client.get("/overview", params=PERIOD).text
    for text in (response.text, json.dumps(body), page):
        for sender in [*seed.WEB, *seed.STOPPERS, *seed.SMS, "web-old1", "5550000001", "alcohol", "Sam"]:
            assert sender not in text


def test_views_and_downloads_are_audited(admin_client, seeded):
    admin_client.get("/overview", params={**PERIOD, "channel": "web"})
    admin_client.get("/overview.csv", params=PERIOD)
    admin_client.get("/overview.json", params=PERIOD)
    with db.session_scope(seeded) as s:
        views = repo.list_audit(s, action="overview.view")
        exports = repo.list_audit(s, action="overview.export")
    assert [e.detail["channel"] for e in views] == ["web"]
    assert views[0].detail["from"] == PERIOD["date_from"] and views[0].actor == "ada"
    assert sorted(e.detail["format"] for e in exports) == ["csv", "json"]


def test_page_shows_charts_and_tables(admin_client):
    response = admin_client.get("/overview", params=PERIOD)
    assert response.status_code == 200
    page = response.text
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart"') >= 7
    assert 'id="table-reply_times"' in page and "30 min" in page and "2.0 h" in page and "&lt; 5" in page
    assert '<a href="/overview">Overview</a>' in page
    assert "default-src 'none'" in response.headers["content-security-policy"]


def test_staff_role_cannot_see_the_overview(seeded, web):
    from bot.console.app import create_app

    app = create_app(seeded)
    with TestClient(app) as client:
        web.login(client, *web.STAFF)
        for path in ("/overview", "/overview.json", "/overview.csv"):
            assert client.get(path).status_code == 403
        assert 'href="/overview"' not in client.get("/queue").text
    app.state.engine.dispose()


def test_intake_lead_sees_the_overview_but_not_the_admin_pages(seeded, web):
    from bot.console.app import create_app
    from bot.store import admin

    admin.create_staff("lee", "lead password 123", role="lead", settings=seeded)
    app = create_app(seeded)
    with TestClient(app) as client:
        assert web.login(client, "lee", "lead password 123").status_code == 303
        assert client.get("/overview.json", params=PERIOD).json()["sections"]["conversations"]["cells"]
        assert 'href="/overview"' in client.get("/queue").text
        for path in ("/audit", "/export.csv"):
            assert client.get(path).status_code == 403
    app.state.engine.dispose()


def test_login_required(seeded):
    from bot.console.app import create_app

    app = create_app(seeded)
    with TestClient(app) as client:
        assert client.get("/overview.csv").status_code == 401
        assert client.get("/overview", follow_redirects=False).headers["location"] == "/login"
    app.state.engine.dispose()


def test_overview_indexes_are_migrated(console_settings):
    """The Overview reads plain, indexed columns; the tracker's events carry no Overview index any more."""
    import sqlalchemy as sa

    engine = sa.create_engine(console_settings.database_url, future=True)
    try:
        inspector = sa.inspect(engine)
        indexes = {t: {i["name"]: i["column_names"] for i in inspector.get_indexes(t)}
                   for t in ("events", "staff_messages", "conversation_activity", "screenings", "handoffs")}
    finally:
        engine.dispose()
    assert "ix_events_type_action_sender_time" not in indexes["events"]
    assert indexes["staff_messages"]["ix_staff_messages_handoff_created"] == ["handoff_id", "created_at"]
    assert indexes["conversation_activity"]["ix_conversation_activity_started"] == [
        "started_at", "sender_id", "channel", "language"]
    assert indexes["conversation_activity"]["ix_conversation_activity_opened"][:3] == [
        "screening_opened_at", "sender_id", "question"]
    assert indexes["screenings"]["ix_screenings_sender_created"] == ["sender_id", "created_at"]
    assert indexes["handoffs"]["ix_handoffs_created_cover"][:2] == ["created_at", "sender_id"]


def test_sms_opt_outs_are_counted_in_the_period_from_the_table(admin_client, seeded):
    from bot.store import sms_opt_outs

    with db.session_scope(seeded) as s:
        for n in range(6):  # six STOPs in the period, one before it, one in it but START since
            sms_opt_outs.opt_out(s, f"{n:064x}", dt.datetime.combine(TODAY - dt.timedelta(days=n), dt.time(12)))
        sms_opt_outs.opt_out(s, "e" * 64, dt.datetime.combine(TODAY - dt.timedelta(days=10), dt.time(12)))
        sms_opt_outs.opt_out(s, "f" * 64, dt.datetime.combine(TODAY, dt.time(1)))
        sms_opt_outs.opt_in(s, "f" * 64)
    cell = cells(admin_client.get("/overview.json", params=PERIOD).json(), "sms_opt_outs")["opted_out"]
    assert cell["value"] == 6 and "in the period" in cell["label"]
    longer = {**PERIOD, "date_from": (TODAY - dt.timedelta(days=10)).isoformat()}
    assert cells(admin_client.get("/overview.json", params=longer).json(), "sms_opt_outs")["opted_out"]["value"] == 7
    two_days = {**PERIOD, "date_from": (TODAY - dt.timedelta(days=1)).isoformat()}
    assert cells(admin_client.get("/overview.json", params=two_days).json(),
                 "sms_opt_outs")["opted_out"]["display"] == "< 5"
    web = cells(admin_client.get("/overview.json", params={**PERIOD, "channel": "web"}).json(), "sms_opt_outs")
    assert web["opted_out"]["value"] == 0
    assert "Numbers that opted out in the period" in admin_client.get("/overview", params=PERIOD).text
