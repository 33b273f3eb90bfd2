"""Ask the Rasa server to deliver pending staff replies to the person, on the channel they last used.

``deliver(settings, sender_id)`` POSTs ``{"name": "action_relay_staff_messages"}`` to
``http://{host}:{rasa_port}/conversations/{sender_id}/execute?output_channel=latest&token=…``. The action
(written in ``actions/``) sends the outbox messages and marks them delivered. Failures never raise: the
messages stay pending and the caller shows ``DeliveryResult.error``.
"""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus
from urllib.parse import quote

import httpx

RELAY_ACTION = "action_relay_staff_messages"


@dataclass
class DeliveryResult:
    ok: bool
    error: str | None = None
    status_code: int | None = None


def execute_url(settings, sender_id: str) -> str:
    # Sanic 21.12 decodes no path parameter (Rasa's id for "a%20b" is "a%20b"): phone numbers, widget ids and
    # REST ids (only letters, digits and _.:@+-, bot.channels.rest) go as they are, nothing is quoted
    return f"http://{settings.host}:{settings.rasa_port}/conversations/{quote(sender_id, safe='+:@')}/execute"


def deliver(settings, sender_id: str, timeout: float = 15.0) -> DeliveryResult:
    """Trigger delivery; returns ok=False with a short reason instead of raising."""
    params = {"output_channel": "latest"}
    params["token"] = settings.key("rasa_token")
    try:
        response = httpx.post(
            execute_url(settings, sender_id), params=params, json={"name": RELAY_ACTION}, timeout=timeout
        )
    except httpx.HTTPError as exc:
        return DeliveryResult(False, f"the chat server could not be reached ({type(exc).__name__})")
    if response.status_code >= HTTPStatus.BAD_REQUEST:
        return DeliveryResult(False, f"the chat server answered {response.status_code}", response.status_code)
    return DeliveryResult(True, None, response.status_code)
