"""Website chat widget: Rasa's socket.io channel with session persistence, plus the widget's files.

Credentials key ``bot.channels.web.WebChatInput`` (all optional; defaults shown)::

    bot.channels.web.WebChatInput:
      user_message_evt: user_uttered
      bot_message_evt: bot_uttered
      session_persistence: true

Served from the Rasa server itself, under ``/webhooks/socketio/``:

* ``demo`` — a demo page with the widget (Content-Security-Policy: nothing loads from another host);
* ``widget.js`` — the embed script: loads the rasa-webchat 1.0.1 bundle from this server, starts it against
  this server's socket.io endpoint, adds the "Talk to a person" control, the crisis line and keyboard /
  screen-reader labels;
* ``widget.css``, ``rasa-webchat-1.0.1.js`` — our styles and the npm bundle (its Google Fonts ``@import``
  removed, so embedding the widget sends no visitor request to a third party);
* ``POST end`` — "Clear this chat": the body is the widget's token; that conversation is restarted (a
  ``Restarted`` event marked ``iopbot_ended``) and ``session_request`` never resumes it again.

What the widget shows (``bot.channels.widget_text``): the clinic's numbers as tel: links, staff replies
labelled "<name>, intake team" and live-chat notices styled apart; the stored conversation is unchanged.

Differences from Rasa's ``SocketIOInput``: the server issues each conversation id together with a signed,
expiring token (``bot.channels.tokens``; the widget keeps the token as its session id); ``session_request``
resumes a conversation only with a valid token for it, anything else (missing, forged, expired, another
person's bare id) gets a new conversation and token, never an error; a message is accepted only with the
token confirmed for that socket; messages are rate limited per conversation and per client address
(``bot.channels.limits``; over the limit a short polite reply, crisis texts for a crisis); ``enter_room`` is
awaited (python-socketio 5 made it a coroutine; Rasa 3.6 does not await it, so its replies to the session
room went nowhere), messages are size-limited, and every message goes through
``guarded`` (crisis numbers whatever breaks). ``user_uttered`` may carry a ``message_id`` as REST does
(``bot.channels.replay``): a client whose socket broke before the answer came sends the message again with
the same id after reconnecting, and gets the stored answer if it had been handled. The replies to such a
message carry it as ``metadata.reply_to``, so a client can tell them from a late copy of an earlier answer
(a reply sent on another node reaches every socket of the conversation's room).
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import re
from pathlib import Path
from typing import Any, Awaitable, Callable

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import response
from sanic.request import Request
from socketio import AsyncServer

from bot.channels.empty_reply import empty_reply
from bot.channels.guard import guarded
from bot.channels.limits import RateLimiter
from bot.channels.release import ReleaseWatch
from bot.channels.replay import answered_before, arrival, send_again, spare_tokens, valid_message_id
from bot.channels.shared_state import room_manager, typing_board
from bot.channels.stored import stored_events
from bot.channels.tokens import DEFAULT_MAX_AGE, ConversationTokens, same_token
from bot.channels.typing import TypingBoard, add_typing
from bot.channels.widget_text import phone_links, widget_message

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
WEBCHAT_VERSION = "1.0.1"
WEBCHAT_BUNDLE = STATIC_DIR / "vendor" / f"rasa-webchat-{WEBCHAT_VERSION}" / "index.js"
GOOGLE_FONTS_IMPORT = "@import url(https://fonts.googleapis.com/css?family=Inter:400,500,700&display=swap);"
ENDED_MARK = {"iopbot_ended": "widget"}  # metadata of the Restarted event "Clear this chat" adds


@functools.lru_cache(maxsize=1)
def webchat_bundle() -> bytes:
    """The npm bundle as served: byte-identical except the Google Fonts @import, which is removed."""
    text = WEBCHAT_BUNDLE.read_text(encoding="utf-8")
    return text.replace(GOOGLE_FONTS_IMPORT, "").encode("utf-8")


@functools.lru_cache(maxsize=4)
def _static_text(name: str) -> str:
    return (STATIC_DIR / name).read_text(encoding="utf-8")


def widget_config(prefix: str) -> dict[str, Any]:
    """What widget.js needs: addresses, the clinic's numbers and its own words in every language."""
    from bot.config import get_settings
    from bot.texts import languages, text

    s = get_settings()
    values = {"clinic_name": s.clinic_name, "crisis_line": s.crisis_line, "emergency_number": s.emergency_number,
              "helpline_phone": s.helpline_phone}
    words = {lang: {key: str(value).format(**values) for key, value in (text(lang, "widget") or {}).items()}
             for lang in languages()}
    return {"prefix": prefix, "clinicName": s.clinic_name, "helplinePhone": s.helpline_phone,
            "crisisLine": s.crisis_line, "emergencyNumber": s.emergency_number,
            "bundle": f"rasa-webchat-{WEBCHAT_VERSION}.js", "texts": words}


def clinic_numbers() -> tuple[str, ...]:
    """The numbers a bot message may name, made tappable in the widget."""
    from bot.config import get_settings

    s = get_settings()
    return (s.crisis_line, s.emergency_number, s.helpline_phone, s.poison_control)


def _js_json(value: Any) -> str:
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def content_security_policy(request: Request) -> str:
    host = request.host
    return "; ".join([
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",  # the widget injects its <style> elements
        "img-src 'self' data:",
        "font-src 'self' data:",  # the widget's icon font is inlined as data: URIs
        f"connect-src 'self' ws://{host} wss://{host}",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ])


SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def demo_page(prefix: str) -> str:
    from html import escape

    from bot.config import get_settings

    s = get_settings()
    values = {"clinic": s.clinic_name, "helpline": s.helpline_phone, "crisis": s.crisis_line,
              "emergency": s.emergency_number, "prefix": prefix,
              "helpline_tel": re.sub(r"[^\d+]", "", s.helpline_phone),
              "crisis_tel": re.sub(r"[^\d+]", "", s.crisis_line)}
    html = _static_text("demo.html")
    for key, value in values.items():
        html = html.replace("{{" + key + "}}", escape(value, quote=True))
    return html


def _client_address(environ: dict) -> str:
    """The client's address as Sanic sees it (honours Sanic's proxy settings); engine.io's REMOTE_ADDR is fixed."""
    request = environ.get("sanic.request") if isinstance(environ, dict) else None
    return str(getattr(request, "remote_addr", "") or getattr(request, "ip", "") or "unknown")


def _metadata(given: Any) -> dict:
    """A message's metadata: a dict, or JSON text of one; anything else none."""
    if isinstance(given, str):
        try:
            given = json.loads(given)
        except ValueError:
            return {}
    return given if isinstance(given, dict) else {}


def _slow_down(text: str) -> str:
    """The short polite reply to a message over the rate limit, in the message's language."""
    from bot.config import get_settings
    from bot.text.language import guess_language
    from bot.texts import text as catalogue_text

    template = catalogue_text(guess_language(text, "en"), "channel", "slow_down") or "Please wait a moment."
    return template.format(crisis_line=get_settings().crisis_line)


async def end_conversation(agent: Any, conversation_id: str) -> None:
    """Restart the conversation, marked as ended by the person ("Clear this chat")."""
    from rasa.shared.core.events import Restarted

    async with agent.lock_store.lock(conversation_id):
        tracker = await agent.tracker_store.get_or_create_tracker(conversation_id)
        tracker.update(Restarted(metadata=dict(ENDED_MARK)))
        await agent.tracker_store.save(tracker)


async def was_ended(agent: Any, conversation_id: str) -> bool:
    """Whether the person cleared this conversation (its token then starts a new one); False if unreadable."""
    from rasa.shared.core.events import Restarted

    # an unreadable store must not stop the widget from connecting
    events = await stored_events(agent, conversation_id, "whether a conversation was cleared") or []
    return any(isinstance(e, Restarted) and (e.metadata or {}).get("iopbot_ended") for e in events)


class _WidgetBlueprint(SocketBlueprint):
    """Rasa's socket.io blueprint that also remembers the Sanic app (the guard needs it for takeovers)."""

    def register(self, app: Any, options: dict[str, Any]) -> None:
        self.ctx.sanic_app = app
        super().register(app, options)


class WebChatOutput(SocketIOOutput):
    """Rasa's socket.io output that also keeps what it sent (``messages``) for the safety guard."""

    def __init__(self, sio: AsyncServer, bot_message_evt: str, watch: ReleaseWatch | None = None) -> None:
        super().__init__(sio, bot_message_evt)
        self.messages: list[dict[str, Any]] = []
        self.watch = watch
        self.reply_to: str | None = None  # the message_id answered (metadata.reply_to on each reply)
        self.held: list[tuple[str, Any]] | None = None  # while a turn runs: its replies, sent once it is stored

    def hold(self) -> None:
        """Keep replies until ``flush``: a node that dies mid-turn (before Rasa stores it) has shown nothing,
        so the widget sends the message again rather than answering a turn the conversation never had."""
        self.held = []

    async def flush(self, _recipient_id: str | None = None) -> None:
        """Send what was held (later replies of the turn are held again)."""
        held, self.held = self.held or [], [] if self.held is not None else None
        for socket_id, reply in held:
            await super()._send_message(socket_id, reply)

    async def _send_message(self, socket_id: str, response: Any, linked: bool = False) -> None:
        if isinstance(response, dict):
            self.messages.append(response)
            if not linked and isinstance(response.get("text"), str):
                response = {**response, "text": phone_links(response["text"], clinic_numbers())}
            if self.reply_to:  # in "metadata": rasa-webchat shows only messages without other keys
                response = {**response, "metadata": {**(response.get("metadata") or {}), "reply_to": self.reply_to}}
        if self.held is not None:
            self.held.append((socket_id, response))
            return
        await super()._send_message(socket_id, response)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """A staff reply or a live-chat notice goes out whole, labelled / styled; anything else as Rasa does."""
        if kwargs.get("iopbot_from") == "staff" or kwargs.get("iopbot_notice"):
            if kwargs.get("iopbot_notice") == "joined" and self.watch is not None:
                self.watch.watch(recipient_id)  # "has left" is said as soon as staff release it
            await self._send_message(recipient_id, widget_message(text, clinic_numbers(), **kwargs), linked=True)
            return
        await super().send_text_message(recipient_id, text, **kwargs)


class WebChatInput(SocketIOInput):
    """The website widget's channel (named "socketio", like Rasa's)."""

    @classmethod
    def name(cls) -> str:
        return "socketio"

    limiter = RateLimiter()
    token_max_age = DEFAULT_MAX_AGE
    release_watch: ReleaseWatch | None = None  # made with the blueprint (its loop runs in the server's)
    typing = TypingBoard()  # replaced with the blueprint: the person's typing during a takeover

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> WebChatInput:
        credentials = credentials or {}
        channel = cls(
            credentials.get("user_message_evt", "user_uttered"),
            credentials.get("bot_message_evt", "bot_uttered"),
            credentials.get("namespace"),
            credentials.get("session_persistence", True),
            credentials.get("socketio_path", "/socket.io"),
            credentials.get("jwt_key"),
            credentials.get("jwt_method", "HS256"),
            credentials.get("metadata_key", "metadata"),
        )
        channel.limiter = RateLimiter.from_credentials(credentials)
        channel.token_max_age = int(credentials.get("token_max_age_hours", DEFAULT_MAX_AGE / 3600) * 3600)
        return channel

    def get_output_channel(self) -> WebChatOutput | None:
        if self.sio is None:
            return None
        return WebChatOutput(self.sio, self.bot_message_evt, self.release_watch)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> SocketBlueprint:
        """socket.io events plus the widget's files; every message goes through ``guarded``."""
        handle = guarded(on_new_message)
        # allow_upgrades=False: Sanic 21.12's websocket code fails on Python 3.11 ("Passing coroutines is
        # forbidden" in asyncio.wait), so the widget stays on HTTP long-polling, which works everywhere.
        # several nodes: rooms shared through Redis, so a reply sent on one node reaches a socket on another
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=[], allow_upgrades=False,
                          client_manager=room_manager())
        hook = _WidgetBlueprint(sio, self.socketio_path, f"custom_webhook_{type(self).__name__}", __name__)
        self.sio = sio
        self.release_watch = ReleaseWatch()
        self.typing = typing_board()
        sessions: dict[str, tuple[str, str]] = {}  # socket id -> (conversation id, token confirmed to it)
        addresses: dict[str, str] = {}  # socket id -> client address (for the per-client rate limit)
        tokens: list[ConversationTokens] = []  # made on first use (the key is read from settings then)

        def signer() -> ConversationTokens:
            if not tokens:
                from bot.config import get_settings

                tokens.append(ConversationTokens(get_settings().key("secret_key"), self.token_max_age))
            return tokens[0]

        def agent() -> Any:
            """Rasa's agent once the server runs (None before)."""
            return getattr(getattr(getattr(hook.ctx, "sanic_app", None), "ctx", None), "agent", None)

        prefix = f"/webhooks/{self.url_prefix()}"

        @hook.route("/", methods=["GET"])
        async def health(_: Request):
            return response.json({"status": "ok"})

        @hook.route("/demo", methods=["GET"])
        async def demo(request: Request):
            headers = {"Content-Security-Policy": content_security_policy(request), **SECURITY_HEADERS}
            return response.html(demo_page(prefix), headers=headers)

        @hook.route("/widget.js", methods=["GET"])
        async def widget_js(_: Request):
            script = _static_text("widget.js").replace("/*IOPBOT_CONFIG*/null", _js_json(widget_config(prefix)))
            return response.text(script, content_type="text/javascript; charset=utf-8",
                                 headers={"Cache-Control": "no-cache", **SECURITY_HEADERS})

        @hook.route("/demo.js", methods=["GET"])
        async def demo_js(_: Request):
            return response.text(_static_text("demo.js"), content_type="text/javascript; charset=utf-8",
                                 headers={"Cache-Control": "no-cache", **SECURITY_HEADERS})

        @hook.route("/widget.css", methods=["GET"])
        async def widget_css(_: Request):
            return response.text(_static_text("widget.css"), content_type="text/css; charset=utf-8",
                                 headers={"Cache-Control": "no-cache", **SECURITY_HEADERS})

        @hook.route(f"/rasa-webchat-{WEBCHAT_VERSION}.js", methods=["GET"])
        async def bundle(_: Request):
            return response.raw(webchat_bundle(), content_type="text/javascript; charset=utf-8",
                                headers={"Cache-Control": "public, max-age=86400", **SECURITY_HEADERS})

        @hook.route("/end", methods=["POST"])
        async def end(request: Request):
            """"Clear this chat": the widget posts its token (text/plain, so no CORS preflight is needed);
            that conversation is restarted and its token never resumes it again."""
            conversation_id = signer().conversation_of(request.body.decode("utf-8", "replace").strip())
            current = agent()
            if conversation_id is None or current is None:
                return response.empty(status=400 if conversation_id is None else 503)
            await end_conversation(current, conversation_id)
            return response.empty(status=204, headers=SECURITY_HEADERS)

        @hook.listener("before_server_stop")
        async def stop_release_watch(*_: Any) -> None:
            await self.release_watch.stop()

        @sio.on("connect", namespace=self.namespace)
        async def connect(sid: str, environ: dict, auth: dict | None = None) -> bool:
            if self.jwt_key:
                from rasa.core.channels.channel import decode_bearer_token

                token = (auth or {}).get("token") if isinstance(auth, dict) else None
                if not (token and decode_bearer_token(token, self.jwt_key, self.jwt_algorithm)):
                    return False
            addresses[sid] = _client_address(environ)
            watch = self.release_watch
            watch.start(lambda: getattr(hook.ctx, "sanic_app", None),
                        lambda: WebChatOutput(sio, self.bot_message_evt, watch))
            return True

        @sio.on("disconnect", namespace=self.namespace)
        async def disconnect(sid: str) -> None:
            sessions.pop(sid, None)
            addresses.pop(sid, None)
            self.typing.forget(sid)

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: Any = None) -> None:
            session = signer().session_for(data.get("session_id") if isinstance(data, dict) else None)
            current = agent()
            if session.resumed and current is not None and await was_ended(current, session.conversation_id):
                session = signer().session_for(None)  # cleared on this device: a new conversation
            previous = sessions.get(sid)
            if previous and previous[0] != session.conversation_id and self.session_persistence:
                await sio.leave_room(sid, previous[0], namespace=self.namespace)
            sessions[sid] = (session.conversation_id, session.token)
            if self.session_persistence:
                await sio.enter_room(sid, session.conversation_id, namespace=self.namespace)
            # the token is what the widget stores and sends back as its "session id"
            await sio.emit("session_confirm", session.token, room=sid, namespace=self.namespace)

        async def bind_by_token(sid: str, given: Any) -> tuple[str, str] | None:
            """Bind ``sid`` to the conversation of a valid, unexpired token that was not ended ("Clear this
            chat"), as ``session_request`` would; None for anything else. A message is never dropped just
            because its socket reconnected (a person in crisis on a bad connection must get an answer)."""
            conversation_id = signer().conversation_of(given)
            current = agent()
            if conversation_id is None or (current is not None and await was_ended(current, conversation_id)):
                return None
            bound = (conversation_id, str(given))
            if sid not in addresses:  # the socket closed before its message was handled: answer in the
                return bound  # conversation's room, where the widget's new socket may already be
            sessions[sid] = bound
            try:
                await sio.enter_room(sid, conversation_id, namespace=self.namespace)
            except KeyError:  # closed meanwhile
                sessions.pop(sid, None)
            log.info("socket.io message on a reconnected socket: bound to its conversation by its token")
            return bound

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: str, data: Any = None) -> None:
            if not isinstance(data, dict):
                return
            bound = sessions.get(sid)
            given = data.get("session_id")
            if self.session_persistence:
                if bound is None:  # a socket that reconnected (slow network, server restart) before its
                    bound = await bind_by_token(sid, given)  # session_request: its valid token is enough
                if not (bound and same_token(given, bound[1])):
                    log.warning("socket.io message without the token confirmed for its socket ignored")
                    return
                sender_id = bound[0]
            else:
                sender_id = sid
            async with arrival(getattr(hook.ctx, "sanic_app", None), sender_id):  # its place in the queue
                await self.typing.mark(sender_id, False)
                output = WebChatOutput(sio, self.bot_message_evt, self.release_watch)
                message_id = data.get("message_id") if valid_message_id(data.get("message_id")) else None
                output.reply_to = message_id
                text = data.get("message")
                if not isinstance(text, str):
                    text = ""
                text = text.replace("\x00", "").strip()
                if not text:
                    await output.send_text_message(sender_id, await asyncio.to_thread(empty_reply, sender_id))
                    return
                metadata = _metadata(data.get(self.metadata_key))
                app = getattr(hook.ctx, "sanic_app", None)
                limited = not await self.limiter.check(sender_id, addresses.get(sid, sid))
                repeat = answered_before(app, sender_id, message_id,
                                         lambda replies: send_again(output, sender_id, replies))
                output.hold()
                try:
                    await handle(UserMessage(text, output, sender_id, input_channel=self.name(), metadata=metadata,
                                             message_id=message_id), app, limited=limited, repeat=repeat)
                    if not limited:
                        await spare_tokens(self.limiter, repeat, sender_id, addresses.get(sid, sid))
                    if limited and not output.messages:
                        await output.send_text_message(sender_id, _slow_down(text))
                finally:
                    await output.flush()

        def bound_to(sid: str, given: Any) -> str | None:
            """The conversation ``sid`` was confirmed for, if ``given`` is its token."""
            bound = sessions.get(sid)
            return bound[0] if bound and same_token(given, bound[1]) else None

        add_typing(hook, sio, self.namespace, self.typing, bound_to)
        return hook
