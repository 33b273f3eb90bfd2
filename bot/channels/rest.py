"""REST channel (integrations and tests) with input validation and the safety guard.

Same URL and reply format as Rasa's built-in ``rest`` channel: POST /webhooks/rest/webhook with
``{"sender": "...", "message": "..."}`` returns a JSON list of bot messages.
"""

from __future__ import annotations

import logging

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request

from bot.channels.guard import guarded

log = logging.getLogger(__name__)


def _bad_request(reason: str):
    return response.json({"error": reason}, status=400)


class SafeRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message) -> Blueprint:
        handle = guarded(on_new_message)
        hook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @hook.route("/", methods=["GET"])
        async def health(request: Request):
            return response.json({"status": "ok"})

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request):
            try:
                body = request.json
            except Exception:  # noqa: BLE001 - sanic raises on malformed JSON
                return _bad_request("body must be JSON: {\"sender\": \"...\", \"message\": \"...\"}")
            if not isinstance(body, dict):
                return _bad_request("body must be a JSON object with sender and message")
            sender, text = body.get("sender"), body.get("message")
            if not isinstance(sender, str) or not sender.strip() or len(sender) > 128:
                return _bad_request("sender must be a non-empty string of at most 128 characters")
            if not isinstance(text, str):
                return _bad_request("message must be a string")
            text = text.replace("\x00", "").strip()
            collector = CollectingOutputChannel()
            if not text:
                return response.json([{"recipient_id": sender,
                                       "text": "I didn't get any text - could you type your message again?"}])
            await handle(UserMessage(text, collector, sender, input_channel=self.name(),
                                     metadata=self.get_metadata(request)), request.app)
            return response.json(collector.messages)

        return hook
