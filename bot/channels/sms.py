"""The 24/7 SMS helpline: a Twilio channel named "twilio" (so actions use the SMS wording).

Webhook: ``POST /webhooks/twilio/webhook`` (point the Twilio number's "A message comes in" here).

* Every webhook must carry a valid ``X-Twilio-Signature`` (twilio's ``RequestValidator`` with the auth token
  from settings); otherwise 403 and nothing is stored or processed. Behind a proxy the URL Twilio signed is
  rebuilt from ``public_url`` (credentials) / ``settings.public_url`` when set, else from the request and
  its ``X-Forwarded-Proto`` / ``X-Forwarded-Host`` headers.
* A MessageSid seen before is acknowledged and ignored (Twilio can deliver twice). It is also the stored
  message's ``message_id``: a delivery repeated to another node (the first one died, Twilio retried) finds
  it in the conversation and sends its stored answer again instead of handling it twice
  (``bot.channels.replay``). A delivery's handling runs to its end even when Twilio hangs up (its webhook
  timeout is 15 s; ``bot.channels.uncancelled``), so the ignored copy loses nothing.
* STOP (and Twilio's other opt-out words) -> one confirmation, nothing goes to the bot, nothing is sent
  until START / UNSTOP / YES (the list is in the database, shared by every node: ``sms_state.OptOuts``).
  HELP / INFO -> clinic name, helpline number and crisis line.
* Bot buttons are rendered as "Reply 1 …, 2 …"; a reply "1", "#2" or an option's title is mapped back to
  that button's payload (the buttons of the bot's last turn in the stored conversation, so any node maps it
  the same way, also after a failover). A turn's messages are packed into SMS of at most 320 characters,
  split at sentence boundaries, with markdown and links removed.
* Rate limit per phone number (``bot.channels.limits``, ``rate_limit`` credentials): over it, nothing is
  sent (no SMS cost) and the bot does not run, except that a crisis still gets the crisis texts. STOP always
  works.
* Outgoing messages go through twilio's REST client (async) at ``settings.twilio_api_base``, each call with a
  time limit and retries; an SMS the API did not take waits in the database outbox and is tried again later,
  in order, by whichever node is up (``bot.channels.sms_sender``, ``bot.channels.sms_outbox``).
* ``get_output_channel()`` (Rasa's ``output_channel=latest``, used for staff takeover replies) sends at once
  through the same rendering and opt-out checks.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable, Iterable

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.twilio import TwilioInput
from sanic import Blueprint, response
from sanic.request import Request

from bot.channels.guard import guarded, last_turn
from bot.channels.limits import RateLimiter
from bot.channels.replay import answered_before, arrival, send_again, spare_tokens, valid_message_id
from bot.channels.sms_outbox import Outbox
from bot.channels.sms_sender import SmsSender
from bot.channels.sms_state import OptOuts, SeenMessages, ShownOptions
from bot.channels.sms_text import (
    SMS_LIMIT,
    already_numbered,
    keyword,
    keyword_language,
    match_option,
    pack,
    render,
    resubscribes,
)
from bot.channels.stored import agent_of, stored_events
from bot.channels.uncancelled import to_the_end

log = logging.getLogger(__name__)

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def shown_options(messages: Iterable[tuple[str, list[dict]]]) -> list[tuple[str, str]] | None:
    """[(title, payload)] a numbered reply refers to after a turn of (text, buttons) messages: those of the last
    message that offered numbered choices ([] when that one numbered its own text); None when none did."""
    numbered = [(text, buttons) for text, buttons in messages if buttons or already_numbered(text)]
    if not numbered:
        return None
    return [(str(b.get("title") or b.get("payload") or ""), str(b.get("payload") or b.get("title")))
            for b in numbered[-1][1]]


def _keyword_reply(name: str, settings, lang: str) -> str:
    """A carrier keyword's reply (help, stopped, started, no_text) in ``lang``, from data/texts."""
    from bot.texts import text

    return text(lang, "sms", name).format(clinic_name=settings.clinic_name, helpline_phone=settings.helpline_phone,
                                          crisis_line=settings.crisis_line, emergency_number=settings.emergency_number)


def help_text(settings, lang: str = "en") -> str:
    return _keyword_reply("help", settings, lang)


def stop_text(settings, lang: str = "en") -> str:
    return _keyword_reply("stopped", settings, lang)


def start_text(settings, lang: str = "en") -> str:
    return _keyword_reply("started", settings, lang)


class SmsOutput(OutputChannel):
    """Collects a turn's bot messages (``messages``, read by the guard) and sends them as plain SMS.

    ``immediate=False`` (webhook turns): sent together by ``flush()`` after the turn, packed into few SMS.
    ``immediate=True`` (``output_channel=latest``, staff replies): each message is sent as it comes.
    """

    def __init__(self, channel: TwilioSmsInput, immediate: bool) -> None:
        self.channel = channel
        self.immediate = immediate
        self.messages: list[dict[str, Any]] = []
        self._pending: list[dict[str, Any]] = []

    @classmethod
    def name(cls) -> str:
        return "twilio"

    async def _add(self, recipient_id: str, text: str, buttons: list[dict] | None = None) -> None:
        message = {"recipient_id": recipient_id, "text": text or "", "buttons": list(buttons or [])}
        self.messages.append(message)
        self._pending.append(message)
        if self.immediate:
            await self.flush(recipient_id)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self._add(recipient_id, text)

    async def send_text_with_buttons(self, recipient_id: str, text: str, buttons: list[dict],
                                     **kwargs: Any) -> None:
        await self._add(recipient_id, text, buttons)

    async def send_quick_replies(self, recipient_id: str, text: str, quick_replies: list[dict],
                                 **kwargs: Any) -> None:
        await self._add(recipient_id, text, quick_replies)

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        log.debug("SMS channel drops an image")

    async def send_attachment(self, recipient_id: str, attachment: Any, **kwargs: Any) -> None:
        log.debug("SMS channel drops an attachment")

    async def send_elements(self, recipient_id: str, elements: Iterable[dict], **kwargs: Any) -> None:
        for element in elements:
            text = ". ".join(str(element.get(k)) for k in ("title", "subtitle") if element.get(k))
            if text:
                await self._add(recipient_id, text)

    async def send_custom_json(self, recipient_id: str, json_message: dict, **kwargs: Any) -> None:
        if isinstance(json_message, dict) and isinstance(json_message.get("text"), str):
            await self._add(recipient_id, json_message["text"], json_message.get("buttons"))

    async def flush(self, recipient_id: str) -> list[str]:
        """Render and send what is pending; returns the SMS bodies sent."""
        pending, self._pending = self._pending, []
        if not pending:
            return []
        options = shown_options((m["text"], m["buttons"]) for m in pending)
        if options is not None or not self.immediate:
            self.channel.shown.set(recipient_id, options or [])
        # None (the database cannot say) sends: Twilio itself refuses a number that replied STOP (21610)
        if await asyncio.to_thread(self.channel.opt_outs.is_opted_out, recipient_id):
            log.info("not sending %d message(s): the recipient has opted out (STOP)", len(pending))
            return []
        bodies = pack((render(m["text"], m["buttons"]) for m in pending), SMS_LIMIT)
        for body in bodies:
            await self.channel.sender.send(recipient_id, body)
        return bodies


class TwilioSmsInput(TwilioInput):
    """Rasa input channel for the SMS helpline (see the module docstring)."""

    @classmethod
    def name(cls) -> str:
        return "twilio"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> TwilioSmsInput:
        """Values from credentials.yml win; otherwise Settings (environment / data/clinic.yml)."""
        from bot.config import get_settings

        credentials = credentials or {}
        settings = get_settings()
        return cls(
            account_sid=credentials.get("account_sid") or settings.twilio_account_sid,
            auth_token=credentials.get("auth_token") or settings.twilio_auth_token,
            twilio_number=credentials.get("twilio_number") or settings.twilio_number,
            api_base=credentials.get("api_base") or settings.twilio_api_base,
            public_url=credentials.get("public_url") or getattr(settings, "public_url", "") or "",
            limiter=RateLimiter.from_credentials(credentials),
        )

    def __init__(self, account_sid: str, auth_token: str, twilio_number: str,
                 api_base: str = "https://api.twilio.com", public_url: str = "",
                 limiter: RateLimiter | None = None) -> None:
        super().__init__(account_sid, auth_token, twilio_number, debug_mode=False)
        self.public_url = (public_url or "").rstrip("/")
        self.sender = SmsSender(account_sid or "", auth_token or "", twilio_number or "", api_base, outbox=Outbox())
        self.seen = SeenMessages()
        self.limiter = limiter or RateLimiter()
        self.shown = ShownOptions()
        self._opt_outs: OptOuts | None = None

    @property
    def opt_outs(self) -> OptOuts:
        if self._opt_outs is None:
            from bot.config import get_settings

            settings = get_settings()
            self._opt_outs = OptOuts(settings.key("secret_key"), data_dir=settings.data_dir)
        return self._opt_outs

    def get_output_channel(self) -> OutputChannel:
        return SmsOutput(self, immediate=True)

    # -- signature --------------------------------------------------------------------------------
    def signed_urls(self, request: Request) -> list[str]:
        """The URLs Twilio may have signed: configured public base, as received, as forwarded by a proxy."""
        path = request.path + (f"?{request.query_string}" if request.query_string else "")
        urls = []
        if self.public_url:
            urls.append(self.public_url + path)
        urls.append(request.url)
        proto = request.headers.get("x-forwarded-proto", "").split(",")[0].strip()
        host = request.headers.get("x-forwarded-host", "").split(",")[0].strip() or request.headers.get("host", "")
        if proto or request.headers.get("x-forwarded-host"):
            urls.append(f"{proto or request.scheme}://{host}{path}")
        return urls

    def signature_ok(self, request: Request) -> bool:
        from twilio.request_validator import RequestValidator

        signature = request.headers.get("x-twilio-signature", "")
        if not self.auth_token:
            log.error("Twilio webhook refused: twilio_auth_token is not set")
            return False
        if not signature:
            return False
        validator = RequestValidator(self.auth_token)
        params = request.form or {}
        return any(validator.validate(url, params, signature) for url in self.signed_urls(request))

    # -- webhook ----------------------------------------------------------------------------------
    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        handle = guarded(on_new_message)
        hook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @hook.route("/", methods=["GET"])
        async def health(_request: Request):
            return response.json({"status": "ok"})

        @hook.listener("after_server_start")
        async def later_tries(*_: Any) -> None:
            self.sender.start_later_tries()  # SMS a stopped or dead node left in the outbox go out from here too

        @hook.listener("before_server_stop")
        async def stop_later_tries(*_: Any) -> None:
            await self.sender.stop_later_tries()

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request):
            if not self.signature_ok(request):
                log.warning("Twilio webhook with a missing or invalid signature refused")
                return response.text("invalid signature", status=403)
            form = request.form
            sender = (form.get("From") or "").strip()
            if not sender:
                return response.text("From is required", status=400)
            message_sid = form.get("MessageSid") or form.get("SmsSid") or ""
            if not valid_message_id(message_sid):
                message_sid = ""
            if message_sid and not self.seen.first_time(message_sid):
                log.info("duplicate delivery of a message ignored")
                return _twiml()
            text = (form.get("Body") or "").replace("\x00", "").strip()
            # to its end even if Twilio hangs up (after 15 s): its retry of this MessageSid is ignored above
            await to_the_end(self._take(request.app, sender, text, message_sid, handle))
            return _twiml()

        return hook

    async def _take(self, app: Any, sender: str, text: str, message_sid: str,
                    handle: Callable[..., Awaitable[None]]) -> None:
        """One delivery, from its place in the conversation's queue to the last SMS sent."""
        async with arrival(app, sender):
            metadata = {"message_sid": message_sid} if message_sid else None
            await self.process(sender, text, handle, metadata=metadata, app=app, message_id=message_sid or None)

    async def process(self, sender: str, text: str, handle: Callable[..., Awaitable[None]],  # noqa: PLR0913
                      metadata: dict | None = None, app: Any = None, message_id: str | None = None) -> None:
        """Carrier keywords first, then the bot; a number reply is mapped to the last shown buttons."""
        from bot.config import get_settings

        settings = get_settings()
        word = keyword(text)
        lang = keyword_language(text)
        # None: the database cannot say. Then the message is handled as from a subscribed number, so a crisis is
        # still answered; a STOP is confirmed though it could not be stored, and START reaches the bot as text.
        # Twilio itself keeps its own opt-out list and refuses to text a number that replied STOP (error 21610,
        # logged by SmsSender), so nothing reaches someone who opted out while our list is unreadable.
        # Database calls run in a thread, as in the guard: a slow database must not hold up every conversation.
        opted_out = await asyncio.to_thread(self.opt_outs.is_opted_out, sender)
        if word == "stop":
            if not opted_out:
                await asyncio.to_thread(self.opt_outs.opt_out, sender)
                self.shown.set(sender, [])
                await self.sender.send(sender, stop_text(settings, lang))
            return
        if not await self.limiter.check(sender):
            output = SmsOutput(self, immediate=False)
            await handle(UserMessage(text or " ", output, sender, input_channel=self.name(), metadata=metadata,
                                     message_id=message_id), app, limited=True)  # only a crisis is answered
            await output.flush(sender)
            return
        if word == "help":
            await self.sender.send(sender, help_text(settings, lang))
            return
        if opted_out:
            if resubscribes(text):
                await asyncio.to_thread(self.opt_outs.opt_in, sender)
                await self.sender.send(sender, start_text(settings, lang))
            else:
                log.info("message from an opted-out number not processed (START to resubscribe)")
            return
        if not text:
            await self.sender.send(sender, _keyword_reply("no_text", settings, "en"))
            return
        payload = match_option(text, await self.options_for(sender, app))
        output = SmsOutput(self, immediate=False)
        repeat = answered_before(app, sender, message_id, lambda replies: send_again(output, sender, replies))
        await handle(UserMessage(payload or text, output, sender, input_channel=self.name(), metadata=metadata,
                                 message_id=message_id), app, repeat=repeat)
        await spare_tokens(self.limiter, repeat, sender)
        await output.flush(sender)

    async def options_for(self, sender: str, app: Any) -> list[tuple[str, str]]:
        """The numbered choices of the bot's last turn, read from the stored conversation (another node may
        have sent them, and this process's memory may be from before a failover); memory when unreadable."""
        agent = agent_of(app)
        events = await stored_events(agent, sender, "the last numbered choices") if agent is not None else None
        if events is not None:
            return shown_options(last_turn(events)) or []
        return self.shown.get(sender)  # unreadable: this process's memory of them


def _twiml():
    return response.text(EMPTY_TWIML, content_type="text/xml")
