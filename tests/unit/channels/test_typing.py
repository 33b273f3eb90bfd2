"""Typing indicators on the chat server: expiry, one event a second per socket, only bound sockets and
conversations under takeover count, the console's routes need the Rasa token, nothing typed is logged."""

from __future__ import annotations

import asyncio
import json
import logging
from types import SimpleNamespace

import pytest

from bot.channels import typing as typing_mod
from bot.channels.typing import TypingBoard, add_typing

TOKEN = "rasa-token-for-tests"


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Hook:
    def __init__(self) -> None:
        self.routes: dict[str, object] = {}

    def route(self, path: str, **_options):
        def register(fn):
            self.routes[path] = fn
            return fn
        return register


class Sio:
    def __init__(self) -> None:
        self.handlers: dict[str, object] = {}
        self.emitted: list[tuple[str, dict, str]] = []

    def on(self, event: str, **_options):
        def register(fn):
            self.handlers[event] = fn
            return fn
        return register

    async def emit(self, event, data, room=None, **_options):
        self.emitted.append((event, data, room))


def request(body, token: str | None = TOKEN):
    raw = json.dumps(body).encode() if body is not None else b""
    headers = {"authorization": f"Bearer {token}"} if token else {}
    return SimpleNamespace(headers=headers, body=raw, json=body)


@pytest.fixture
def server(monkeypatch):
    clock = Clock()
    board = TypingBoard(ttl=6.0, min_interval=1.0, clock=clock)
    hook, sio = Hook(), Sio()
    taken = {"c1"}
    monkeypatch.setattr(typing_mod, "_taken_over", lambda cid: cid in taken)
    monkeypatch.setattr("bot.config.get_settings", lambda: SimpleNamespace(key=lambda _name: TOKEN))
    sockets = {"s1": ("c1", "tok1"), "s2": ("c2", "tok2")}
    add_typing(hook, sio, None, board,
               lambda sid, given: sockets[sid][0] if sid in sockets and sockets[sid][1] == given else None)
    return SimpleNamespace(clock=clock, board=board, hook=hook, sio=sio, taken=taken)


def typed(server, sid: str, data) -> None:
    asyncio.run(server.sio.handlers["user_typing"](sid, data))


def state(server, conversation_id="c1", token=TOKEN):
    reply = asyncio.run(server.hook.routes["/typing/state"](request({"conversation_id": conversation_id}, token)))
    return reply.status, (json.loads(reply.body) if reply.status == 200 else None)


def test_board_expires_after_ttl_and_a_stop_clears_at_once():
    clock = Clock()
    board = TypingBoard(ttl=6.0, clock=clock)
    board.set("c1", True)
    clock.now += 5.9
    assert board.is_typing("c1")
    clock.now += 0.2
    assert not board.is_typing("c1")
    board.set("c1", True)
    board.set("c1", False)
    assert not board.is_typing("c1")


def test_board_allows_one_event_a_second_per_key_and_forgets_old_entries():
    clock = Clock()
    board = TypingBoard(ttl=6.0, min_interval=1.0, clock=clock)
    assert board.allow("s1") and board.allow("s2")
    clock.now += 0.5
    assert not board.allow("s1")
    clock.now += 0.5
    assert board.allow("s1")
    board.set("old", True)
    clock.now += 10
    assert board.allow("s1")  # taking an event prunes what expired
    assert board._typing == {} and list(board._events) == ["s1"]


def test_the_person_typing_under_takeover_is_seen_until_stop_or_expiry(server):
    typed(server, "s1", {"session_id": "tok1", "typing": True})
    assert state(server) == (200, {"typing": True})
    server.clock.now += 1.0
    typed(server, "s1", {"session_id": "tok1", "typing": False})
    assert state(server) == (200, {"typing": False})
    server.clock.now += 1.0
    typed(server, "s1", {"session_id": "tok1", "typing": True})
    server.clock.now += 6.0
    assert state(server) == (200, {"typing": False})


@pytest.mark.parametrize("sid, data", [
    ("s9", {"session_id": "tok1", "typing": True}),  # unbound socket
    ("s1", {"session_id": "forged", "typing": True}),  # another token
    ("s1", {"typing": True}),  # no token
    ("s2", {"session_id": "tok2", "typing": True}),  # bound, but c2 is not taken over
    ("s1", "typing"), ("s1", None), ("s1", ["x"]), ("s1", {"session_id": 5, "typing": True}),
])
def test_bad_typing_events_are_ignored_silently(server, sid, data, caplog):
    with caplog.at_level(logging.DEBUG):
        typed(server, sid, data)
    assert state(server, "c1") == (200, {"typing": False})
    assert state(server, "c2") == (200, {"typing": False})
    assert "tok" not in caplog.text and "forged" not in caplog.text


def test_more_than_one_event_a_second_per_socket_is_ignored(server):
    typed(server, "s1", {"session_id": "tok1", "typing": False})
    server.clock.now += 0.3
    typed(server, "s1", {"session_id": "tok1", "typing": True})  # too soon after the last one
    assert state(server) == (200, {"typing": False})
    server.clock.now += 1.0
    typed(server, "s1", {"session_id": "tok1", "typing": True})
    assert state(server) == (200, {"typing": True})


def test_the_console_routes_need_the_token_and_a_conversation_id(server):
    assert state(server, token=None)[0] == 401
    assert state(server, token="wrong")[0] == 401
    for body in (None, {}, {"conversation_id": ""}, {"conversation_id": 7}, {"conversation_id": "x" * 201}):
        assert asyncio.run(server.hook.routes["/typing/state"](request(body))).status == 400
    staff = server.hook.routes["/typing/staff"]
    assert asyncio.run(staff(request({"conversation_id": "c1", "typing": True}, "wrong"))).status == 401
    assert server.sio.emitted == []


def test_staff_typing_reaches_the_room_only_under_takeover_in_the_conversation_language(server):
    staff = server.hook.routes["/typing/staff"]
    body = {"conversation_id": "c1", "name": "dana.reyes", "language": "es", "typing": True}
    assert asyncio.run(staff(request(body))).status == 204
    assert server.sio.emitted == [
        ("staff_typing", {"typing": True, "text": "Dana, del equipo de admisión, está escribiendo…"}, "c1")]
    assert asyncio.run(staff(request(body))).status == 204  # a second ping within a second: not sent
    assert asyncio.run(staff(request({**body, "typing": False}))).status == 204  # a stop always goes
    assert server.sio.emitted[-1] == ("staff_typing", {"typing": False, "text": ""}, "c1")
    assert len(server.sio.emitted) == 2
    unclaimed = {"conversation_id": "c2", "name": "dana", "language": "en", "typing": True}
    assert asyncio.run(staff(request(unclaimed))).status == 204
    assert len(server.sio.emitted) == 2  # nothing for a conversation nobody took over
