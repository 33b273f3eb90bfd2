"""The console as routers per area: one not-found answer, status actions from the repository's rule."""

from fastapi import FastAPI
from fastapi.testclient import TestClient

from bot.store import db
from bot.store import repositories as repo

MISSING = 987654


def _posts(web, client):
    token = web.csrf_of(client.get("/queue").text)
    for action in ("status", "assign", "notes", "reply", "deliver"):
        yield action, client.post(f"/handoffs/{MISSING}/{action}", follow_redirects=False,
                                  data={"csrf_token": token, "action": "close", "text": "x", "staff_id": ""})


def test_a_missing_handoff_is_one_answer_everywhere(web, app):
    client = TestClient(app)
    assert web.login(client, *web.STAFF).status_code == 303
    page = client.get(f"/handoffs/{MISSING}")
    assert page.status_code == 404
    assert "No such handoff." in page.text and web.STAFF[0] in page.text  # the page, with the staff nav
    fragment = client.get(f"/handoffs/{MISSING}/transcript")
    assert (fragment.status_code, fragment.text) == (404, "No such handoff.")
    for action, response in _posts(web, client):
        assert (response.status_code, response.text) == (404, "No such handoff."), action


def test_status_actions_offered_are_the_repositorys_rule(web, app, console_settings):
    with db.session_scope(console_settings) as s:
        first = repo.create_handoff(s, sender_id="p-1", channel="web")
        repo.change_status(s, first, "close", "ada")
        repo.create_handoff(s, sender_id="p-1", channel="web")  # a newer open one: no reopen
        other = repo.create_handoff(s, sender_id="p-2", channel="web")
        repo.change_status(s, other, "close", "ada")
    with db.session_scope(console_settings) as s:
        assert repo.allowed_actions(s, repo.get_handoff(s, first)) == []
        assert repo.allowed_actions(s, repo.get_handoff(s, other)) == ["reopen"]
    client = TestClient(app)
    web.login(client, *web.STAFF)
    assert 'value="reopen"' not in client.get(f"/handoffs/{first}").text
    assert 'value="reopen"' in client.get(f"/handoffs/{other}").text


def test_a_router_works_on_its_own(console_settings):
    from bot.console import admin, deps

    app = FastAPI()
    app.state.settings = console_settings
    app.state.engine = db.make_engine(settings=console_settings)
    app.state.sessions = db.make_session_factory(app.state.engine)
    deps.install_error_handlers(app)
    app.include_router(admin.router)
    try:
        assert TestClient(app).get("/healthz").json() == {"status": "ok"}
    finally:
        app.state.engine.dispose()
