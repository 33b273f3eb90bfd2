"""Safety guard around Rasa's message handling, shared by every channel.

If handling a message fails, or produces no reply at all (action server down, database down, model not
loaded), the person still gets the crisis numbers and how to reach a person. If our rule layer sees a
crisis and the reply does not already carry the crisis line, the crisis texts are added.
"""

from __future__ import annotations

import logging
from typing import Awaitable, Callable

from rasa.core.channels.channel import UserMessage

log = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 2000


def _channel_kind(message: UserMessage) -> str:
    from bot.conversation.channels import channel_kind

    return channel_kind(message.input_channel)


def _sent_texts(output) -> list[str] | None:
    messages = getattr(output, "messages", None)
    if messages is None:
        return None
    return [m.get("text") or "" for m in messages]


async def _send_lines(message: UserMessage, lines: list[str]) -> None:
    for line in lines:
        await message.output_channel.send_text_message(message.sender_id, line)


def guarded(on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Callable[[UserMessage], Awaitable[None]]:
    async def handle(message: UserMessage) -> None:
        from bot.config import get_settings
        from bot.safety.texts import crisis_message, fallback_safety_message

        settings = get_settings()
        kind = _channel_kind(message)
        before = len(_sent_texts(message.output_channel) or [])
        failed = False
        try:
            await on_new_message(message)
        except Exception:  # noqa: BLE001 - the person must get an answer whatever broke
            log.exception("handling a message failed")
            failed = True
        sent = _sent_texts(message.output_channel)
        new = sent[before:] if sent is not None else None
        crisis = _detect(message.text or "")
        if crisis and (new is None or not any(settings.crisis_line in t for t in new)):
            await _send_lines(message, crisis_message(crisis, channel=kind, settings=settings))
        elif failed or new == []:
            await _send_lines(message, fallback_safety_message(channel=kind, settings=settings))

    return handle


def _detect(text: str) -> str | None:
    try:
        from bot.safety import detect_crisis

        signal = detect_crisis(text)
        return signal.category if signal else None
    except Exception:  # noqa: BLE001
        log.exception("crisis detector failed in the channel guard")
        return None
