"""Typing indicators both ways while a staff member holds a widget conversation (SMS has none).

The widget emits ``user_typing`` ``{"session_id": <its token>, "typing": bool}`` (at most every 2.5 s, and a
stop); from a socket bound to that token and a conversation under takeover it is kept in ``TypingBoard``:
in this process's memory (in Redis when there are several nodes: ``bot.channels.shared_state``), a time per
conversation, never any text. Two routes for the staff console,
under ``/webhooks/socketio/typing/``, need ``Authorization: Bearer <rasa_token>``:

    POST state  {"conversation_id"}                                  -> {"typing": bool}
    POST staff  {"conversation_id", "name", "language", "typing"}   -> 204; emits ``staff_typing``
                {"typing": bool, "text": "<name> from the intake team is typing…"} to the conversation's
                room while it is taken over (the console checks that the staff member claimed it)

Anything else (unbound or forged socket, no takeover, more than one event a second per socket, bad
input) is ignored without a word in the log about what was sent.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import time
from typing import Any, Callable

from sanic import response
from sanic.request import Request

log = logging.getLogger(__name__)
TYPING_EVENT = "user_typing"
STAFF_EVENT = "staff_typing"
MAX_ID = 200


class TypingBoard:
    """Who is typing where, in memory: ``ttl`` seconds after the last event; one event a second per key."""

    def __init__(self, ttl: float = 6.0, min_interval: float = 1.0, clock: Callable[[], float] = time.monotonic):
        self.ttl, self.min_interval, self.clock = ttl, min_interval, clock
        self._typing: dict[str, float] = {}  # conversation id -> when the person last typed
        self._events: dict[str, float] = {}  # socket id (or other key) -> when its last event was taken

    def allow(self, key: str) -> bool:
        """Take an event from ``key`` unless it sent one less than ``min_interval`` seconds ago."""
        now = self.clock()
        if now - self._events.get(key, -self.min_interval) < self.min_interval:
            return False
        self._prune(now)
        self._events[key] = now
        return True

    def set(self, conversation_id: str, typing: bool) -> None:
        if typing:
            self._typing[conversation_id] = self.clock()
        else:
            self._typing.pop(conversation_id, None)

    def is_typing(self, conversation_id: str) -> bool:
        at = self._typing.get(conversation_id)
        return at is not None and self.clock() - at < self.ttl

    async def mark(self, conversation_id: str, typing: bool) -> None:
        """``set`` for the event loop (a shared board also tells the other nodes)."""
        self.set(conversation_id, typing)

    async def typing_now(self, conversation_id: str) -> bool:
        """``is_typing`` for the event loop (a shared board asks Redis)."""
        return self.is_typing(conversation_id)

    def forget(self, key: str) -> None:
        self._events.pop(key, None)

    def _prune(self, now: float) -> None:
        for cid in [c for c, at in self._typing.items() if now - at >= self.ttl]:
            del self._typing[cid]
        for key in [k for k, at in self._events.items() if now - at >= self.min_interval]:
            del self._events[key]


def _taken_over(conversation_id: str) -> bool:
    from bot.store.repositories import is_taken_over

    try:
        return is_taken_over(conversation_id)
    except Exception:  # noqa: BLE001 - database down: no indicator, nothing else changes
        log.warning("typing: could not check whether a conversation is taken over")
        return False


def _authorised(request: Request) -> bool:
    from bot.config import get_settings

    given = request.headers.get("authorization", "")
    expected = "Bearer " + get_settings().key("rasa_token")
    return hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode())


def _conversation(body: Any) -> str | None:
    cid = body.get("conversation_id") if isinstance(body, dict) else None
    return cid if isinstance(cid, str) and 0 < len(cid) <= MAX_ID else None


def staff_typing_text(language: Any, name: Any) -> str:
    """The widget's words for a staff member typing, in the conversation's language."""
    from bot.conversation.live_chat import first_name, live_text
    from bot.texts import languages

    lang = language if language in languages() else "en"
    return live_text(lang, "typing", first_name(name if isinstance(name, str) else None))


def add_typing(hook: Any, sio: Any, namespace: str | None, board: TypingBoard,
               bound: Callable[[str, Any], str | None]) -> None:
    """Register the socket event and the console's routes; ``bound(sid, token)`` is the conversation the
    socket was confirmed for with that token, else None."""

    @sio.on(TYPING_EVENT, namespace=namespace)
    async def user_typing(sid: str, data: Any = None) -> None:
        if not isinstance(data, dict) or not board.allow(sid):
            return
        conversation_id = bound(sid, data.get("session_id"))
        if conversation_id is None:
            return
        typing = data.get("typing") is True
        if not typing or await asyncio.to_thread(_taken_over, conversation_id):
            await board.mark(conversation_id, typing)

    @hook.route("/typing/state", methods=["POST"])
    async def typing_state(request: Request):
        if not _authorised(request):
            return response.empty(status=401)
        conversation_id = _conversation(request.json if request.body else None)
        if conversation_id is None:
            return response.empty(status=400)
        return response.json({"typing": await board.typing_now(conversation_id)})

    @hook.route("/typing/staff", methods=["POST"])
    async def typing_staff(request: Request):
        if not _authorised(request):
            return response.empty(status=401)
        body = request.json if request.body else None
        conversation_id = _conversation(body)
        if conversation_id is None:
            return response.empty(status=400)
        typing = body.get("typing") is True
        allowed = not typing or board.allow(f"staff:{conversation_id}")
        if allowed and await asyncio.to_thread(_taken_over, conversation_id):
            text = staff_typing_text(body.get("language"), body.get("name")) if typing else ""
            await sio.emit(STAFF_EVENT, {"typing": typing, "text": text}, room=conversation_id, namespace=namespace)
        return response.empty(status=204)
