"""Typing indicators on a handoff page, for web-chat conversations under takeover (SMS and REST have none).

    GET  /handoffs/{id}/typing.json   {"typing": bool}: the person is typing in the widget right now
    POST /handoffs/{id}/typing        form: csrf_token, typing=1|0. 204: passed on to the widget; 409: the
                                      viewer has not claimed this conversation (nothing is sent); 404, 502

Both ask the Rasa server (``bot.channels.typing``) with the Rasa token; when it cannot be reached there is
simply no indicator. Only whether someone types travels, never what they type.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import httpx
from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from bot.console.deps import CurrentUser, DbSessions, csrf
from bot.conversation.live_chat import first_name
from bot.store import repositories as repo

WEB_CHANNELS = ("socketio", "web")


def ask_chat_server(settings, route: str, body: dict[str, Any]) -> httpx.Response | None:
    """POST ``body`` to the Rasa server's typing ``route`` ("state" or "staff"); None if unreachable."""
    url = f"http://{settings.host}:{settings.rasa_port}/webhooks/socketio/typing/{route}"
    try:
        return httpx.post(url, json=body, timeout=2.0,
                          headers={"Authorization": f"Bearer {settings.key('rasa_token')}"})
    except httpx.HTTPError:
        return None


router = APIRouter()


def _web_handoff(sessions, handoff_id: int):
    with sessions() as s:
        handoff = repo.get_handoff(s, handoff_id)
        if handoff is not None and handoff.channel in WEB_CHANNELS:
            s.expunge(handoff)
            return handoff
    return None


@router.get("/handoffs/{handoff_id}/typing.json")
def person_typing(handoff_id: int, request: Request, sessions: DbSessions, _user: CurrentUser):
    handoff = _web_handoff(sessions, handoff_id)
    if handoff is None or not handoff.is_taken_over:
        return {"typing": False}
    reply = ask_chat_server(request.app.state.settings, "state", {"conversation_id": handoff.sender_id})
    typing = reply is not None and reply.status_code == HTTPStatus.OK and reply.json().get("typing") is True
    return {"typing": typing}


@router.post("/handoffs/{handoff_id}/typing", dependencies=[csrf])
def staff_typing(handoff_id: int, request: Request, sessions: DbSessions, user: CurrentUser,
                 typing: str = Form("")):
    handoff = _web_handoff(sessions, handoff_id)
    if handoff is None:
        return Response(status_code=404)
    if not handoff.is_taken_over or handoff.assignee_id != user.id:
        return Response(status_code=409)
    body = {"conversation_id": handoff.sender_id, "name": first_name(user.username),
            "language": handoff.language or "en", "typing": typing == "1"}
    reply = ask_chat_server(request.app.state.settings, "staff", body)
    delivered = reply is not None and reply.status_code == HTTPStatus.NO_CONTENT
    return Response(status_code=HTTPStatus.NO_CONTENT.value if delivered else HTTPStatus.BAD_GATEWAY.value)
