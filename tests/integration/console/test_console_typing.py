"""The console's typing routes: staff pings reach the chat server only from the staff member who claimed a
web-chat conversation; the person's typing is asked for only while it is taken over; SMS has neither."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from bot.console import typing_routes
from bot.store import db
from bot.store import repositories as repo


@pytest.fixture
def chat_server(monkeypatch):
    """The Rasa server's typing routes, faked: records each call, answers "typing" for the state route."""

    class Fake:
        calls: list[tuple[str, dict]] = []
        reachable = True

        def __call__(self, _settings, route, body):
            self.calls.append((route, body))
            if not self.reachable:
                return None
            return type("Reply", (), {"status_code": 200 if route == "state" else 204,
                                      "json": lambda _self: {"typing": True}})()

    fake = Fake()
    monkeypatch.setattr(typing_routes, "ask_chat_server", fake)
    return fake


def _handoff(settings, sender: str, channel: str, language: str = "es") -> int:
    with db.session_scope(settings) as s:
        return repo.create_handoff(s, sender_id=sender, channel=channel, language=language)


def _claim(settings, handoff_id: int, username: str) -> None:
    with db.session_scope(settings) as s:
        repo.change_status(s, handoff_id, "claim", repo.get_staff_by_username(s, username))


def _client(app, web, user) -> tuple[TestClient, str]:
    client = TestClient(app)
    web.login(client, *user)
    return client, web.csrf_of(client.get("/queue").text)


def test_staff_typing_goes_out_only_for_the_claiming_staff_member(web, app, console_settings, chat_server):
    hid = _handoff(console_settings, "web-1", "socketio")
    sam, token = _client(app, web, web.STAFF)
    ping = {"csrf_token": token, "typing": "1"}
    assert sam.post(f"/handoffs/{hid}/typing", data=ping).status_code == 409  # waiting: nobody claimed it
    _claim(console_settings, hid, web.ADMIN[0])
    assert sam.post(f"/handoffs/{hid}/typing", data=ping).status_code == 409  # claimed by someone else
    assert chat_server.calls == []
    ada, ada_token = _client(app, web, web.ADMIN)
    assert ada.post(f"/handoffs/{hid}/typing", data={"csrf_token": ada_token, "typing": "1"}).status_code == 204
    assert ada.post(f"/handoffs/{hid}/typing", data={"csrf_token": ada_token, "typing": "0"}).status_code == 204
    assert chat_server.calls == [
        ("staff", {"conversation_id": "web-1", "name": "Ada", "language": "es", "typing": True}),
        ("staff", {"conversation_id": "web-1", "name": "Ada", "language": "es", "typing": False})]
    chat_server.reachable = False
    assert ada.post(f"/handoffs/{hid}/typing", data={"csrf_token": ada_token, "typing": "1"}).status_code == 502
    assert ada.post("/handoffs/999999/typing", data={"csrf_token": ada_token, "typing": "1"}).status_code == 404


def test_the_person_typing_is_asked_for_only_under_takeover(web, app, console_settings, chat_server):
    hid = _handoff(console_settings, "web-2", "socketio")
    sam, _token = _client(app, web, web.STAFF)
    assert sam.get(f"/handoffs/{hid}/typing.json").json() == {"typing": False}
    assert chat_server.calls == []
    _claim(console_settings, hid, web.ADMIN[0])
    assert sam.get(f"/handoffs/{hid}/typing.json").json() == {"typing": True}  # any staff viewing the handoff
    assert chat_server.calls == [("state", {"conversation_id": "web-2"})]
    chat_server.reachable = False
    assert sam.get(f"/handoffs/{hid}/typing.json").json() == {"typing": False}


def test_sms_handoffs_have_no_typing_indicator(web, app, console_settings, chat_server):
    hid = _handoff(console_settings, "+15550001111", "twilio")
    _claim(console_settings, hid, web.STAFF[0])
    sam, token = _client(app, web, web.STAFF)
    assert sam.get(f"/handoffs/{hid}/typing.json").json() == {"typing": False}
    assert sam.post(f"/handoffs/{hid}/typing", data={"csrf_token": token, "typing": "1"}).status_code == 404
    page = sam.get(f"/handoffs/{hid}").text
    assert "person-typing" not in page and "data-typing-post" not in page
    assert chat_server.calls == []


def test_the_handoff_page_has_the_indicator_and_pings_only_for_the_claimer(web, app, console_settings):
    hid = _handoff(console_settings, "web-3", "socketio")
    _claim(console_settings, hid, web.STAFF[0])
    sam, _ = _client(app, web, web.STAFF)
    page = sam.get(f"/handoffs/{hid}").text
    assert 'id="person-typing" aria-live="polite"' in page
    assert f'data-typing-post="/handoffs/{hid}/typing"' in page
    ada, _ = _client(app, web, web.ADMIN)
    assert "data-typing-post" not in ada.get(f"/handoffs/{hid}").text
