import json
import time

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from bot.store import db
from bot.store import repositories as repo
from bot.store.models import tracker_events

SCRIPT = "<script>alert('x')</script>"


@pytest.fixture
def handoff_id(console_settings):
    with db.session_scope(console_settings) as s:
        sc = repo.save_screening(
            s,
            sender_id="person-1",
            channel="web",
            answers={"q": SCRIPT},
            band="iop_good_fit",
            reasons=[{"text": f"reason {SCRIPT}", "source": "003_101b7585de3d740d.txt"}],
            criteria_version="1",
            summary={
                "red_flags": [{"text": "past withdrawal seizures", "source": "000_x.txt"}],
                "band": "iop_good_fit",
                "note": SCRIPT,
            },
        )
        hid = repo.create_handoff(
            s,
            sender_id="person-1",
            channel="web",
            screening_id=sc,
            first_name=SCRIPT,
            trigger_message=SCRIPT,
            best_time=SCRIPT,
        )
        repo.add_note(s, hid, "ada", SCRIPT)
        s.execute(
            tracker_events.insert().values(
                sender_id="person-1",
                type_name="user",
                timestamp=time.time(),
                data=json.dumps({"event": "user", "text": SCRIPT, "timestamp": time.time()}),
            )
        )
    return hid


def _routes(app, handoff_id):
    for route in app.routes:
        if isinstance(route, APIRoute):
            path = route.path.replace("{handoff_id}", str(handoff_id))
            for method in route.methods:
                yield method, path


PUBLIC = {("GET", "/healthz"), ("GET", "/login"), ("POST", "/login")}


def test_every_console_route_refuses_anonymous_access(web, app, handoff_id):
    client = TestClient(app)
    token = web.csrf_of(client.get("/login").text)  # even with a valid anonymous CSRF token
    checked = 0
    for method, path in _routes(app, handoff_id):
        if (method, path) in PUBLIC:
            continue
        if method == "GET":
            response = client.get(path, follow_redirects=False)
            assert response.status_code in (303, 401), (path, response.status_code)
            if response.status_code == 303:
                assert response.headers["location"] == "/login"
        else:
            response = client.post(
                path, data={"csrf_token": token, "text": "x", "action": "close"}, follow_redirects=False
            )
            assert response.status_code == 401, (path, response.status_code)
        assert "person-1" not in response.text and "alert" not in response.text
        checked += 1
    assert checked >= 12
    with db.session_scope(app.state.settings) as s:
        assert repo.get_handoff(s, handoff_id).status == "waiting"
        assert len(repo.list_notes(s, handoff_id)) == 1


def test_post_without_or_with_wrong_csrf_token_is_rejected(web, app, handoff_id):
    client = TestClient(app)
    anonymous = client.post(
        "/login", data={"username": web.ADMIN[0], "password": web.ADMIN[1]}, follow_redirects=False
    )
    assert anonymous.status_code == 403
    assert web.login(client, *web.ADMIN).status_code == 303
    posts = [path for method, path in _routes(app, handoff_id) if method == "POST" and path != "/login"]
    assert len(posts) >= 5
    for path in posts:
        for data in (
            {"text": "hello", "action": "close"},
            {"text": "hello", "action": "close", "csrf_token": "x"},
        ):
            response = client.post(path, data=data, follow_redirects=False)
            assert response.status_code == 403, (path, data)
    with db.session_scope(app.state.settings) as s:
        assert repo.get_handoff(s, handoff_id).status == "waiting"
        assert len(repo.list_notes(s, handoff_id)) == 1
        assert repo.pending_staff_messages(s, "person-1") == []
    assert client.get("/queue").status_code == 200  # still logged in: logout was refused too


def test_user_text_is_escaped_everywhere(web, app, handoff_id):
    client = TestClient(app)
    web.login(client, *web.STAFF)
    for path in (f"/handoffs/{handoff_id}", f"/handoffs/{handoff_id}/transcript", "/queue", "/queue/rows"):
        page = client.get(path)
        assert page.status_code == 200
        assert "<script>alert" not in page.text, path
    page = client.get(f"/handoffs/{handoff_id}").text
    assert page.count("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;") >= 5
    assert page.index("past withdrawal seizures") < page.index("iop good fit")  # red flags first
    assert "003_101b7585de3d740d.txt" in page


@pytest.mark.usefixtures("handoff_id")
def test_staff_cannot_export_or_read_audit_admin_can(web, app):
    staff = TestClient(app)
    web.login(staff, *web.STAFF)
    assert staff.get("/export.csv").status_code == 403
    assert staff.get("/audit").status_code == 403
    assert "Export CSV" not in staff.get("/search").text

    admin = TestClient(app)
    web.login(admin, *web.ADMIN)
    export = admin.get("/export.csv?status=waiting")
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    lines = export.text.strip().splitlines()
    assert lines[0].startswith("handoff_id,") and len(lines) == 2
    assert "003_101b7585de3d740d.txt" in lines[1] and "iop_good_fit" in lines[1]
    assert "<script>" in lines[1]  # CSV is data, not HTML; but formulas are neutralised:
    with db.session_scope(app.state.settings) as s:
        hid = repo.create_handoff(s, sender_id="p-formula", channel="web", first_name='=HYPERLINK("x")')
    export = admin.get("/export.csv").text
    assert "'=HYPERLINK" in export and str(hid) in export
    assert admin.get("/audit").status_code == 200


def test_views_searches_and_exports_are_audited(web, app, handoff_id):
    client = TestClient(app)
    web.login(client, *web.ADMIN)
    client.get(f"/handoffs/{handoff_id}")
    client.get("/search?channel=web&date_from=2020-01-01")
    client.get("/export.csv?band=iop_good_fit")
    with db.session_scope(app.state.settings) as s:
        entries = {(e.actor, e.action, e.target) for e in repo.list_audit(s)}
        export = repo.list_audit(s, action="export")[0]
        search = repo.list_audit(s, action="search")[0]
    assert ("ada", "handoff.view", f"handoff:{handoff_id}") in entries
    assert ("ada", "login", "staff:ada") in entries
    assert export.detail == {"band": "iop_good_fit", "count": 1}
    assert search.detail == {"channel": "web", "date_from": "2020-01-01", "count": 1}


def test_login_failures_are_throttled_and_deactivated_users_are_out(web, app, console_settings):
    from bot.store import admin

    client = TestClient(app)
    for _ in range(5):
        assert web.login(client, web.STAFF[0], "wrong password!!").status_code == 401
    assert web.login(client, *web.STAFF).status_code == 429
    other = TestClient(app)
    assert web.login(other, *web.ADMIN).status_code == 303
    assert other.get("/queue").status_code == 200
    admin.set_staff_active(web.ADMIN[0], False, settings=console_settings)
    assert other.get("/queue", follow_redirects=False).status_code == 303


def test_security_headers_and_no_api_docs(app):
    client = TestClient(app)
    response = client.get("/login")
    csp = response.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["x-frame-options"] == "DENY"
    assert "http" not in response.text.split("<body>")[0].replace("http-equiv", "")  # no external assets
    for path in ("/docs", "/redoc", "/openapi.json"):
        assert client.get(path).status_code == 404


def test_healthz(app, console_settings):
    from bot.console.app import create_app

    assert TestClient(app).get("/healthz").json() == {"status": "ok"}
    broken = console_settings.copy(update={"database_url": "postgresql+psycopg2://nobody@127.0.0.1:9/none"})
    response = TestClient(create_app(broken)).get("/healthz")
    assert response.status_code == 503 and response.json()["status"] == "error"


@pytest.mark.usefixtures("app")
def test_failed_delivery_keeps_reply_pending_and_says_so(web, handoff_id, console_settings):
    from bot.console.app import create_app

    dead = create_app(console_settings.copy(update={"rasa_port": 9}))  # nothing listens on port 9
    client = TestClient(dead)
    web.login(client, *web.STAFF)
    page = client.get(f"/handoffs/{handoff_id}")
    response = client.post(
        f"/handoffs/{handoff_id}/reply",
        data={"csrf_token": web.csrf_of(page.text), "text": "Hello, I'm Sam from intake."},
    )
    assert response.status_code == 200
    assert "Not delivered yet" in response.text and "Retry delivery" in response.text
    with db.session_scope(console_settings) as s:
        pending = repo.pending_staff_messages(s, "person-1")
        assert [m.text for m in pending] == ["Hello, I'm Sam from intake."]
        assert pending[0].attempts == 1 and "could not be reached" in pending[0].last_error
        handoff = repo.get_handoff(s, handoff_id)
        assert handoff.status == "in_conversation" and handoff.assignee.username == "sam"
        assert repo.is_taken_over(s, "person-1")
    dead.state.engine.dispose()
