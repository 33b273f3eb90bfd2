"""REST channel (integrations and tests) with input validation and the safety guard.

Same URL and reply format as Rasa's built-in ``rest`` channel: POST /webhooks/rest/webhook with
``{"sender": "...", "message": "..."}`` returns a JSON list of bot messages. An optional ``message_id``
(1-64 letters, digits, ``_.:-``) makes a repeat safe: the same id again returns the stored answer
(``bot.channels.replay``; e.g. after a node of a cluster died mid-request). A message's handling runs to
its end even when the client hangs up (``bot.channels.uncancelled``), so that repeat finds the answer.

Every POST needs ``Authorization: Bearer <token>`` (``IOPBOT_REST_TOKEN``; locally generated into
``var/rest_token.txt``), else 401. A sender id shaped like another channel's conversation (a phone number,
a widget's 32-hex id) is refused (400), so REST cannot read SMS or widget conversations; so is one with a
character other than letters, digits and ``_.:@+-`` (it would need percent-encoding in URLs). Over the rate limit
(``bot.channels.limits``; per sender and per client address) the answer is 429, except for a crisis, which
gets the crisis texts.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.empty_reply import empty_reply
from bot.channels.guard import guarded
from bot.channels.limits import RateLimiter
from bot.channels.replay import answered_before, arrival, spare_tokens, valid_message_id
from bot.channels.tokens import same_token
from bot.channels.uncancelled import to_the_end

log = logging.getLogger(__name__)

OTHER_CHANNEL_IDS = re.compile(r"^\s*(\+?[\d\s().-]{7,}|[0-9a-fA-F]{32})\s*$")  # phone numbers, widget ids


def _rest_token() -> str:
    from bot.config import get_settings

    return get_settings().key("rest_token")


def authorized(request: Request, token: str) -> bool:
    header = request.headers.get("authorization", "")
    scheme, _, given = header.partition(" ")
    return scheme.lower() == "bearer" and same_token(given.strip(), token)


def _bad_request(reason: str):
    return response.json({"error": reason}, status=400)


MAX_SENDER = 128  # characters in a conversation id
# the id is part of URLs that Rasa reads undecoded (the console's staff relay): only characters that are never
# percent-encoded, so every REST conversation can be reached by URL
SENDER_CHARS = re.compile(r"[A-Za-z0-9_.:@+-]+")


def parse_message(body: Any) -> tuple[str, str] | str:
    """(sender, text) from a request body of any JSON shape, or why it is refused (never raises)."""
    if isinstance(body, dict) and body.get("message_id") is not None and not valid_message_id(body["message_id"]):
        return "message_id must be 1-64 letters, digits or _.:-"
    if not isinstance(body, dict):
        return "body must be a JSON object with sender and message"
    sender, text = body.get("sender"), body.get("message")
    refused = _sender_refused(sender)
    if refused:
        return refused
    if not isinstance(text, str):
        return "message must be a string"
    return sender, text.replace("\x00", "").strip()


def _sender_refused(sender: Any) -> str | None:
    if not isinstance(sender, str) or not sender.strip() or len(sender) > MAX_SENDER:
        return f"sender must be a non-empty string of at most {MAX_SENDER} characters"
    if not SENDER_CHARS.fullmatch(sender):
        return "sender may contain only letters, digits and _ . : @ + -"
    if OTHER_CHANNEL_IDS.match(sender):
        return "sender must not be a phone number or a 32-hex id (other channels' conversations)"
    return None


def _collect(collector: CollectingOutputChannel):
    """Put stored replies where the handler's own would go (the response body)."""
    async def collect(replies: list[dict]) -> None:
        collector.messages.extend(replies)
    return collect


class SafeRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials) -> SafeRestInput:
        channel = cls()
        channel.limiter = RateLimiter.from_credentials(credentials)
        return channel

    limiter = RateLimiter()

    def blueprint(self, on_new_message) -> Blueprint:
        handle = guarded(on_new_message)
        token = _rest_token()
        hook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @hook.route("/", methods=["GET"])
        async def health(_request: Request):
            return response.json({"status": "ok"})

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request):
            if not authorized(request, token):
                return response.json({"error": "send the REST token as: Authorization: Bearer <token>"}, status=401,
                                     headers={"WWW-Authenticate": "Bearer"})
            try:
                body = request.json
            except Exception:  # noqa: BLE001 - sanic raises on malformed JSON
                return _bad_request("body must be JSON: {\"sender\": \"...\", \"message\": \"...\"}")
            parsed = parse_message(body)
            if isinstance(parsed, str):
                return _bad_request(parsed)
            sender, text = parsed
            message = UserMessage(text, CollectingOutputChannel(), sender, input_channel=self.name(),
                                  message_id=body.get("message_id"), metadata=self.get_metadata(request))
            # to its end even if the client hangs up: its repeat (same message_id) then gets the stored answer
            return await to_the_end(self._take(request.app, message, request.remote_addr or request.ip, handle))

        return hook

    async def _take(self, app, message: UserMessage, address: str, handle) -> HTTPResponse:
        """One message, from its place in the conversation's queue to the response."""
        sender, collector = message.sender_id, message.output_channel
        async with arrival(app, sender):
            if not message.text:
                return response.json([{"recipient_id": sender, "text": await asyncio.to_thread(empty_reply, sender)}])
            limited = not await self.limiter.check(sender, address)
            repeat = answered_before(app, sender, message.message_id, _collect(collector))
            await handle(message, app, limited=limited, repeat=repeat)
            if not limited:
                await spare_tokens(self.limiter, repeat, sender, address)
            if limited and not collector.messages:
                return response.json({"error": "too many messages; please wait a moment"}, status=429,
                                     headers={"Retry-After": "2"})
            return response.json(collector.messages)
