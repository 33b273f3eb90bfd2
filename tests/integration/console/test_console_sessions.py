"""Server-side console sessions: logout revokes the cookie, idle and absolute timeouts, password change and
deactivation end every session of the user, Secure cookie on an https console URL (SQLite and PostgreSQL)."""

import datetime as dt

import sqlalchemy as sa
from fastapi.testclient import TestClient

from bot.store import admin, db
from bot.store.models import ConsoleSession, utcnow


def _logged_in(web, app, who):
    client = TestClient(app)
    assert web.login(client, *who).status_code == 303
    assert client.get("/queue", follow_redirects=False).status_code == 200
    return client


def _refused(client) -> bool:
    response = client.get("/queue", follow_redirects=False)
    return response.status_code == 303 and response.headers["location"] == "/login"


def _shift_clock(monkeypatch, **delta):
    later = utcnow() + dt.timedelta(**delta)
    monkeypatch.setattr("bot.store.console_sessions.utcnow", lambda: later)


def test_cookie_captured_before_logout_no_longer_opens_the_queue(web, app):
    client = _logged_in(web, app, web.STAFF)
    captured = dict(client.cookies)
    token = web.csrf_of(client.get("/queue").text)
    assert client.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    replay = TestClient(app)
    replay.cookies.update(captured)
    assert _refused(replay)


def test_only_the_token_hash_is_stored(web, app, console_settings):
    client = _logged_in(web, app, web.STAFF)
    with db.session_scope(console_settings) as s:
        rows = s.execute(sa.select(ConsoleSession)).scalars().all()
    assert len(rows) == 1 and rows[0].revoked_at is None and len(rows[0].token_hash) == 64
    assert rows[0].token_hash not in str(client.cookies.get("iopbot_console"))


def test_idle_timeout(web, app, monkeypatch):
    client = _logged_in(web, app, web.STAFF)
    _shift_clock(monkeypatch, minutes=app.state.settings.console_session_minutes - 1)
    assert client.get("/queue", follow_redirects=False).status_code == 200  # activity keeps it alive
    _shift_clock(monkeypatch, minutes=2 * app.state.settings.console_session_minutes + 1)
    assert _refused(client)
    monkeypatch.undo()
    assert _refused(client)  # revoked, not merely expired on the clock


def test_absolute_timeout_despite_activity(web, app, monkeypatch):
    client = _logged_in(web, app, web.STAFF)
    step = app.state.settings.console_session_minutes - 5
    elapsed = 0
    while elapsed + step < app.state.settings.console_session_max_hours * 60:
        elapsed += step
        _shift_clock(monkeypatch, minutes=elapsed)
        assert client.get("/queue", follow_redirects=False).status_code == 200
    _shift_clock(monkeypatch, minutes=elapsed + step)
    assert _refused(client)


def test_password_change_revokes_every_session_of_that_user(web, app, console_settings):
    first, second = _logged_in(web, app, web.STAFF), _logged_in(web, app, web.STAFF)
    other = _logged_in(web, app, web.ADMIN)
    admin.set_staff_password(web.STAFF[0], "a brand new password 456", settings=console_settings)
    assert _refused(first) and _refused(second)
    assert other.get("/queue", follow_redirects=False).status_code == 200
    assert web.login(TestClient(app), web.STAFF[0], "a brand new password 456").status_code == 303


def test_deactivation_revokes_sessions(web, app, console_settings):
    client = _logged_in(web, app, web.STAFF)
    admin.set_staff_active(web.STAFF[0], False, settings=console_settings)
    admin.set_staff_active(web.STAFF[0], True, settings=console_settings)
    assert _refused(client)  # reactivation does not bring old sessions back


def test_cookie_flags(web, console_settings):
    from bot.console.app import create_app

    for url, secure in (("http://127.0.0.1:8000", False), ("https://console.clinic.example", True)):
        app = create_app(console_settings.copy(update={"console_url": url}))
        client = TestClient(app, base_url="https://testserver")
        response = web.login(client, *web.STAFF)
        cookie = response.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie
        assert ("; secure" in cookie) is secure
        app.state.engine.dispose()


def test_logging_in_again_ends_the_browser_s_earlier_session(web, app):
    client = _logged_in(web, app, web.STAFF)
    earlier = dict(client.cookies)
    assert web.login(client, *web.ADMIN).status_code == 303
    replay = TestClient(app)
    replay.cookies.update(earlier)
    assert _refused(replay)
    assert client.get("/queue", follow_redirects=False).status_code == 200
