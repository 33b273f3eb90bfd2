"""Safety guard around Rasa's message handling, shared by every channel.

If handling a message fails, produces no reply at all (action server down, model not loaded) or runs while
the database cannot be reached (the dialogue then starts from a blank conversation), the person still gets
the crisis numbers and how to reach a person. If the crisis verdict (``bot.safety.assess``: rules, Spanish
rules, crisis model) is a crisis and the reply does not already carry the crisis line, the crisis texts are
added in the message's language and an urgent handoff is recorded.

While a staff member has taken the conversation over, the person's message is only recorded in the
conversation (the console shows it) and the bot stays silent - except for crisis help, which always goes out.
The first message after staff released it is preceded by "<name> has left" and "You're back with the
assistant" (``bot.conversation.live_chat``), recorded in the conversation.

A message a person types is text, never a command: a leading "/" (Rasa's ``/intent{entities}``) is honoured
only for a payload of a button the bot offered in its last turn (read from the tracker) or one of the
widget's own controls; any other such text gets an invisible WORD JOINER in front, so Rasa's
RegexMessageHandler leaves it alone and NLU (which drops the mark, ``bot.text.canonical``) reads it as text.

A message over a channel's rate limit (``limited=True``) does not reach the dialogue; a crisis in it still
gets the crisis texts and an urgent handoff.

A copy of a message handled before (``repeat``) is answered from the stored conversation, with the same net:
crisis texts for a crisis, the trouble reply instead of an empty answer (``_after_repeat``).
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Awaitable, Callable

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.shared.core.events import BotUttered, UserUttered

from bot.channels.replay import conversation_turn
from bot.channels.stored import agent_of, stored_events
from bot.text.canonical import valid_text

log = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 2000  # what NLU and the dialogue read; the crisis verdict reads the whole message
WIDGET_CONTROLS = frozenset({"/greet", "/request_human"})  # the widget's first message and "Talk to a person"
WIDGET_GREET = re.compile(r'/greet\{"language":"[a-z]{2}"\}')  # the widget's first message in another language
TEXT_MARK = "\u2060"  # WORD JOINER: invisible; makes a typed "/..." plain text for Rasa


def last_turn(events) -> list[tuple[str, list[dict]]]:
    """The bot's last turn (bot messages after the last user one), in order: (text, buttons and quick replies)."""
    turn: list[tuple[str, list[dict]]] = []
    for event in reversed(list(events or [])):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, BotUttered):
            data = event.data if isinstance(event.data, dict) else {}
            buttons = [b for b in [*(data.get("buttons") or []), *(data.get("quick_replies") or [])]
                       if isinstance(b, dict)]
            turn.insert(0, (event.text or "", buttons))
    return turn


def offered_payloads(events) -> set[str]:
    """Payloads of the buttons / quick replies in the bot's last turn (bot messages after the last user one)."""
    return {b["payload"].strip() for _text, buttons in last_turn(events) for b in buttons
            if isinstance(b.get("payload"), str)}


def as_text(text: str, offered: set[str]) -> str:
    """``text`` unchanged, unless it starts with "/" and is not an offered payload: then marked as plain text."""
    stripped = text.strip()
    if (not stripped.startswith("/") or stripped in offered or stripped in WIDGET_CONTROLS
            or WIDGET_GREET.fullmatch(stripped)):
        return text
    return TEXT_MARK + stripped


async def _offered_from_tracker(app, sender_id: str) -> set[str]:
    agent = agent_of(app)
    # unreadable: nothing counts as offered, the message is read as text
    events = await stored_events(agent, sender_id, "the buttons last offered") if agent is not None else None
    return offered_payloads(events) if events else set()


def _channel_kind(message: UserMessage) -> str:
    from bot.conversation.channels import channel_kind

    return channel_kind(message.input_channel)


class _Recording(OutputChannel):
    """Passes every bot message on to the real output channel and remembers the texts sent."""

    def __init__(self, inner: OutputChannel) -> None:
        self.inner = inner
        self.texts: list[str] = []
        self.name = inner.name  # Rasa picks channel-specific response variants (SMS wording) by this name

    @classmethod
    def name(cls) -> str:
        return "recording"

    async def send_response(self, recipient_id: str, message: dict) -> None:
        self.texts.append(message.get("text") or "")
        await self.inner.send_response(recipient_id, message)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs) -> None:
        self.texts.append(text)
        await self.inner.send_text_message(recipient_id, text, **kwargs)

    async def send_text_with_buttons(self, recipient_id: str, text: str, buttons, **kwargs) -> None:
        self.texts.append(text)
        await self.inner.send_text_with_buttons(recipient_id, text, buttons, **kwargs)

    async def send_quick_replies(self, recipient_id: str, text: str, quick_replies, **kwargs) -> None:
        self.texts.append(text)
        await self.inner.send_quick_replies(recipient_id, text, quick_replies, **kwargs)

    async def send_image_url(self, recipient_id: str, image: str, **kwargs) -> None:
        await self.inner.send_image_url(recipient_id, image, **kwargs)

    async def send_attachment(self, recipient_id: str, attachment: str, **kwargs) -> None:
        await self.inner.send_attachment(recipient_id, attachment, **kwargs)

    async def send_elements(self, recipient_id: str, elements, **kwargs) -> None:
        await self.inner.send_elements(recipient_id, elements, **kwargs)

    async def send_custom_json(self, recipient_id: str, json_message, **kwargs) -> None:
        await self.inner.send_custom_json(recipient_id, json_message, **kwargs)

    def __getattr__(self, item):
        return getattr(self.inner, item)


async def _send_lines(message: UserMessage, lines: list[str]) -> None:
    for line in lines:
        await message.output_channel.send_text_message(message.sender_id, line)


def _taken_over(sender_id: str) -> bool | None:
    """Whether staff have taken the conversation over; None when the database cannot be reached."""
    try:
        from bot.store.repositories import is_taken_over

        return bool(is_taken_over(sender_id))
    except Exception:  # noqa: BLE001 - if the database is down, the bot answers as best it can
        log.exception("could not check for a staff takeover")
        return None


def _release_may_be_due(sender_id: str) -> bool:
    """Whether staff ever wrote here, so a "has left" notice may be owed: one indexed query instead of loading
    and decrypting the conversation on every message. True when the database cannot say (the notice check
    then reads the conversation, as before)."""
    try:
        from bot.store.repositories import has_staff_messages

        return bool(has_staff_messages(sender_id))
    except Exception:  # noqa: BLE001 - fall back to the full check
        log.exception("could not check for staff messages")
        return True


async def _crisis_first(message: UserMessage, app, limited: bool, lines: list[str]) -> None:
    """The crisis numbers before the dialogue runs, when it will not run (rate limited: never blocked from
    them, sent before any storage) or must first wait for the conversation's lock (an earlier message still
    running, or a node that died holding it: up to a minute)."""
    if limited or await asyncio.to_thread(_conversation_busy, app, message.sender_id):
        await _send_lines(message, lines)
        flush = getattr(getattr(message.output_channel, "inner", None), "flush", None)
        if flush is not None:  # an output that holds a turn's replies (widget, SMS): these go out now
            await flush(message.sender_id)
    if limited:
        await asyncio.to_thread(_raise_urgency, message)


def _conversation_busy(app, sender_id: str) -> bool:
    """Whether another message of this conversation holds or waits for its lock (False when unknown)."""
    agent = agent_of(app)
    try:
        return agent is not None and bool(agent.lock_store.is_someone_waiting(sender_id))
    except Exception:  # noqa: BLE001 - lock store down: the dialogue reports it, the guard answers a crisis
        log.warning("could not check a conversation's lock")
        return False


async def _record_only(app, message: UserMessage) -> None:
    """Add the person's message to the conversation without running NLU or the dialogue."""
    from rasa.shared.core.events import UserUttered

    agent = app.ctx.agent
    async with agent.lock_store.lock(message.sender_id):
        tracker = await agent.processor.fetch_tracker_and_update_session(
            message.sender_id, message.output_channel, message.metadata)
        tracker.update(UserUttered(message.text, input_channel=message.input_channel, metadata=message.metadata,
                                   message_id=message.message_id))  # a repeated delivery is then recognised
        await agent.processor.save_tracker(tracker)


Handler = Callable[[UserMessage], Awaitable[None]]


def guarded(on_new_message: Handler, offered=_offered_from_tracker):
    """Wrap Rasa's handler. Call the result as ``await handle(message, app, limited=False, repeat=None)`` (app:
    the Sanic app; ``offered(app, sender_id)`` returns the payloads the bot last offered; ``repeat``, from
    ``bot.channels.replay.answered_before``, answers a copy of a message handled already)."""

    async def handle(message: UserMessage, app=None, limited: bool = False, repeat=None) -> None:
        from bot.config import get_settings
        from bot.safety.texts import crisis_message

        settings = get_settings()
        kind = _channel_kind(message)
        recorder = _Recording(message.output_channel)
        message.output_channel = recorder
        if message.text:  # JSON can carry lone surrogates; spaCy (and storing the text) would raise on them
            message.text = valid_text(message.text)
        verdict = _assess(message.text or "")  # the whole message, however long
        if message.text and len(message.text) > MAX_MESSAGE_CHARS:
            message.text = message.text[:MAX_MESSAGE_CHARS]  # the rest of the pipeline reads a bounded text
        crisis = verdict.category or "other" if verdict.crisis else None
        if crisis:
            await _crisis_first(message, app, limited,
                                crisis_message(crisis, channel=kind, settings=settings, lang=verdict.language))
        if limited and repeat is None:
            return
        async with conversation_turn(app, message.sender_id):  # one message of a conversation at a time
            replayed = await repeat() if repeat is not None else None
            if replayed is not None:  # a copy of a message handled already: answered from storage
                # what went out: crisis texts sent first (a busy conversation), then the stored answer
                await _after_repeat(message, app, verdict,
                                    recorder.texts + [r.get("text") or "" for r in replayed])
                return
            if not limited:
                await _dialogue(on_new_message, offered, message, app, verdict)

    return handle


async def _dialogue(on_new_message: Handler, offered, message: UserMessage, app, verdict) -> None:
    """Rasa's handling (or only recording, while staff hold the conversation), then the safety net."""
    recorder = message.output_channel  # the guard's _Recording
    failed = False
    if message.text and message.text.lstrip().startswith("/"):
        message.text = as_text(message.text, await offered(app, message.sender_id))
    # database calls run in a thread: a slow database must not hold up every conversation on this server
    taken_over = await asyncio.to_thread(_taken_over, message.sender_id)
    silent = app is not None and bool(taken_over)
    try:
        if silent:
            await _record_only(app, message)
        else:
            if (app is not None and taken_over is False
                    and await asyncio.to_thread(_release_may_be_due, message.sender_id)):
                from bot.channels.release import announce_release

                await announce_release(app, message.sender_id, message.output_channel)
            await on_new_message(message)
    except Exception:  # noqa: BLE001 - the person must get an answer whatever broke
        log.exception("handling a message failed")
        failed = True
    if verdict.crisis and (silent or not _has_crisis_line(recorder.texts)):
        await asyncio.to_thread(_raise_urgency, message)  # the dialogue did not (taken over, or it failed)
    # database down: Rasa answered from a blank conversation, so the person also gets the numbers
    await _safety_net(message, verdict, recorder.texts, silent=silent, failed=failed, degraded=taken_over is None)


async def _after_repeat(message: UserMessage, app, verdict, texts: list[str]) -> None:
    """The safety net for a copy answered from the stored conversation (``texts``, sent already): the stored
    turn holds only the bot's stored messages, not what the guard added the first time (crisis texts, the
    trouble reply when the dialogue said nothing)."""
    silent = app is not None and bool(await asyncio.to_thread(_taken_over, message.sender_id))
    await _safety_net(message, verdict, texts, silent=silent)


async def _safety_net(message: UserMessage, verdict, texts: list[str], *, silent: bool, failed: bool = False,  # noqa: PLR0913
                      degraded: bool = False) -> None:
    """What the person gets beyond ``texts`` (what went out): the crisis texts for a crisis they lack; else the
    trouble reply when handling failed, when nothing went out (unless staff hold the conversation: ``silent``),
    or when the database was down (``degraded``)."""
    from bot.config import get_settings
    from bot.safety.texts import crisis_message, fallback_safety_message

    settings = get_settings()
    kind = _channel_kind(message)
    answered = _has_crisis_line(texts)
    if verdict.crisis and not answered:
        await _send_lines(message, crisis_message(verdict.category or "other", channel=kind, settings=settings,
                                                  lang=verdict.language))
    elif failed or (not texts and not silent) or (degraded and not answered):
        await _send_lines(message, [fallback_safety_message(channel=kind, settings=settings,
                                                            lang=verdict.language)])


def _has_crisis_line(texts: list[str]) -> bool:
    from bot.config import get_settings

    return any(get_settings().crisis_line in t for t in texts)


def _raise_urgency(message: UserMessage) -> None:
    try:
        from bot.store.repositories import create_handoff

        create_handoff(sender_id=message.sender_id, channel=message.input_channel, urgency="urgent",
                       reason="crisis", trigger_message=message.text)
    except Exception:  # noqa: BLE001
        log.exception("could not mark the handoff urgent")


def _assess(text: str):
    """The crisis verdict; ``assess`` never raises, and a failure inside it counts as a possible crisis."""
    from bot.safety import Assessment, assess

    try:
        return assess(text)
    except Exception:  # noqa: BLE001 - even an import failure must not silence the crisis path
        log.exception("crisis assessment unavailable in the channel guard")
        return Assessment("crisis", None, "failure", "en")
