"""Clients for the multi-node test: each repeats a message cut off by a dying node the way its channel can.

* REST: the same ``message_id`` again (the channel's contract: a repeat returns the stored answer).
* SMS: the same webhook again, same ``MessageSid`` (what Twilio does with a retry connection override);
  the bot treats a MessageSid already in the conversation as a repeat. This client waits up to 130 s for an
  answer; Twilio waits 15 s, then its retry waits for the first copy (the conversation's lock). A repeat that
  reaches the node still running the first copy is acknowledged at once, and the replies come when that copy
  ends: the client waits for them at the fake Messages API.
* Widget (socket.io): reconnects (a new socket, likely on another node), asks for its session with its
  token, then sends a message whose answer did not arrive again with the same ``message_id``. It takes
  only replies whose ``metadata.reply_to`` is the message it waits for (or none, as staff messages), not a late copy
  of an earlier answer. Each widget
  client connects from its own loopback address (``loopback_address``), as real widgets come from many
  addresses: the balancer pins socket.io by client address, so the widgets spread over the nodes. A widget
  still without its session 45 s after connecting opens a new client, as a person reloads a hung page (seen
  for a widget opened during the failover; see ``CONFIRM_WAIT``).
"""

from __future__ import annotations

import collections
import json
import logging
import queue
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import requests
from requests.adapters import HTTPAdapter
from twilio.request_validator import RequestValidator

from tests.e2e.channel_support import AUTH_TOKEN, sms_params
from tests.e2e.conversation import asked_question, is_confirm_back

RETRY_FOR = 150  # seconds a client keeps repeating one message
# A conversation whose node died mid-message waits for the dead node's ticket to expire (its 30 s lease,
# bot.cluster.lock_store), so one answer can take most of a minute during a failover on a loaded machine.
CUT_OFF = {0, 502, 503, 504}  # no answer, or the balancer's answer for a node that died mid-request


class Retries:
    """Counts repeats per channel, for the failure messages and to prove the failover was exercised."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self._lock = threading.Lock()

    def add(self, channel: str) -> None:
        with self._lock:
            self.counts[channel] = self.counts.get(channel, 0) + 1


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=130) as reply:  # noqa: S310 - local server
            return reply.status, reply.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except OSError:
        return 0, b""


def repeat_until_answered(send, channel: str, retries: Retries) -> tuple[int, bytes]:
    deadline = time.monotonic() + RETRY_FOR
    while True:
        status, body = send()
        if status not in CUT_OFF or time.monotonic() > deadline:
            return status, body
        retries.add(channel)
        time.sleep(0.5)


class RestClient:
    def __init__(self, base: str, token: str, retries: Retries) -> None:
        self.url = f"{base}/webhooks/rest/webhook"
        self.headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
        self.retries = retries
        self.sent: dict[str, list[str]] = {}  # sender -> message ids in the order sent

    def send(self, sender: str, text: str) -> list[dict]:
        ids = self.sent.setdefault(sender, [])
        message_id = f"{sender}.{len(ids)}"
        ids.append(message_id)
        body = json.dumps({"sender": sender, "message": text, "message_id": message_id}).encode()
        status, answer = repeat_until_answered(lambda: _post(self.url, body, self.headers), "rest", self.retries)
        assert status == 200, (sender, text, status, answer[:300])
        return json.loads(answer)


class SmsClient:
    """Twilio's side: signed webhooks to the balancer; the bot's replies arrive at the fake Messages API."""

    def __init__(self, base: str, twilio, retries: Retries) -> None:
        self.url = f"{base}/webhooks/twilio/webhook"
        self.twilio = twilio
        self.retries = retries
        self.sent: dict[str, list[str]] = {}  # sender -> MessageSids in the order sent
        self.traces: dict[str, list[str]] = collections.defaultdict(list)  # sender -> what each post got
        self._began = time.monotonic()

    def send(self, sender: str, body: str) -> list[str]:
        before = len(self.twilio.to(sender))
        params = sms_params(sender, body)
        self.sent.setdefault(sender, []).append(params["MessageSid"])
        signature = RequestValidator(AUTH_TOKEN).compute_signature(self.url, params)
        headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature}
        form = urllib.parse.urlencode(params).encode()
        status, _ = repeat_until_answered(lambda: self._post(sender, form, headers), "sms", self.retries)
        assert status == 200, (sender, body, status)
        replies = self._replies(sender, before)
        self._note(sender, f"{len(replies)} SMS back for {body[:30]!r}")
        return replies

    def trace(self, sender: str) -> str:
        return "\n".join(self.traces[sender][-16:])  # the last posts: the failure is at the end

    def _post(self, sender: str, form: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        posted = time.monotonic()
        status, answer = _post(self.url, form, headers)
        self._note(sender, f"webhook answered {status} after {time.monotonic() - posted:.1f} s")
        return status, answer

    def _note(self, sender: str, what: str) -> None:
        self.traces[sender].append(f"{time.monotonic() - self._began:7.1f} s: {what}")

    def _replies(self, sender: str, before: int) -> list[str]:
        """The turn's SMS. Sent before the webhook's answer, except after a repeat that the node ignored as a
        duplicate while the first copy was still running (then they come when it ends): wait for them, then
        for the rest of the turn (about a second with nothing new)."""
        if len(self.twilio.to(sender)) > before:
            return self.twilio.to(sender)[before:]
        deadline = time.monotonic() + RETRY_FOR
        quiet_since, seen = time.monotonic(), before
        while time.monotonic() < deadline:
            count = len(self.twilio.to(sender))
            if count != seen:
                quiet_since, seen = time.monotonic(), count
            if count > before and time.monotonic() - quiet_since > 1:
                break
            time.sleep(0.2)
        return self.twilio.to(sender)[before:]


def turn_done(texts: list[str]) -> bool:
    """The bot finished its turn: it asked a screening question or anything else ending in "?" (consent,
    for whom, "is that right?"), or offered a person (the end of the screening)."""
    replies = [{"text": t} for t in texts]
    joined = " ".join(texts).lower()
    return (asked_question(replies) is not None or is_confirm_back(replies) or "someone from our team" in joined
            or texts[-1].rstrip().endswith("?"))


def loopback_address(n: int) -> str:
    """The ``n``-th test client address after 127.0.0.1: Linux accepts any 127.0.0.0/8 address as a source
    address without setup (the loopback interface holds the whole /8)."""
    assert 0 <= n < 250, n
    return f"127.0.0.{n + 2}"


class _FromAddress(HTTPAdapter):
    """A requests adapter whose connections leave from one local address."""

    def __init__(self, source: str, **kwargs) -> None:
        self.source = source  # before HTTPAdapter.__init__, which builds the pool manager
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs) -> None:
        kwargs["source_address"] = (self.source, 0)
        super().init_poolmanager(*args, **kwargs)


def session_from(source: str) -> requests.Session:
    """A requests session that connects from ``source`` (straight to the server: no proxy from the environment)."""
    session = requests.Session()
    session.trust_env = False
    adapter = _FromAddress(source)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


# How long a widget waits for its session (first connect or reconnect): the node's event loop may be busy with
# other conversations' messages (100 screenings on 2 CPUs), and after a kill the sockets of the dead node's
# addresses all reconnect at once; a browser widget keeps retrying as long as the page is open.
CONNECT_WAIT = 180
CONFIRM_WAIT = 45  # seconds a connected widget waits for its session before it connects again
STARTED = time.monotonic()


class _Trace(logging.Handler):
    """A widget's recent history (its own steps and socket.io's warnings), for the failure message."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: collections.deque[str] = collections.deque(maxlen=80)

    def add(self, what: str) -> None:
        self.lines.append(f"{time.monotonic() - STARTED:7.1f} {what}")

    def emit(self, record: logging.LogRecord) -> None:
        self.add(f"{record.name}: {record.getMessage()[:200]}")

    def __str__(self) -> str:
        return "\n".join(self.lines)


class WidgetClient:
    """The widget's socket.io protocol over long polling (the only transport the channel offers), through the
    balancer (sticky by client address), from ``source`` (a loopback address; None: the default, 127.0.0.1)."""

    def __init__(self, base: str, retries: Retries, name: str, source: str | None = None) -> None:
        self.base, self.retries, self.name, self.source = base, retries, name, source
        self.inbox: queue.Queue = queue.Queue()
        self.token: str | None = None
        self.sent: list[str] = []  # message ids in the order sent
        self.http = session_from(source) if source else None
        http = {"http_session": self.http} if self.http else {}
        self.trace = _Trace()
        loggers = {}
        for kind in ("socketio", "engineio"):
            logger = logging.getLogger(f"tests.widget.{name}.{kind}")
            logger.setLevel(logging.WARNING)
            logger.propagate = False
            logger.handlers = [self.trace]
            loggers["logger" if kind == "socketio" else "engineio_logger"] = logger
        self.loggers, self.http_options = loggers, http
        self.confirmed = threading.Event()
        self.confirms = 0  # session_confirm answers: 1 + the reconnects
        self.resumed_other: list[str] = []  # tokens of another conversation after a reconnect (must stay empty)
        deadline = time.monotonic() + CONNECT_WAIT
        while True:
            self._connect(deadline)
            if self.confirmed.wait(min(CONFIRM_WAIT, max(1.0, deadline - time.monotonic()))):
                break
            assert time.monotonic() < deadline, f"no session_confirm:\n{self.trace}"
            # seen in failovers: connected, then no session_confirm for minutes (cause not found yet): a person
            # reloads the page; so does this client (a new socket.io client, its session asked for again)
            eio = self.client.eio
            self.trace.add(f"no session_confirm within {CONFIRM_WAIT} s on socket {eio.sid} (state {eio.state}, "
                           f"transport {eio.current_transport}): a new client")
            print(f"\n{self.name}: no session_confirm; trace:\n{self.trace}", flush=True)
            self.retries.add("socket.io session asked again")
            threading.Thread(target=self.client.disconnect, daemon=True).start()

    def _connect(self, deadline: float):
        """A socket.io client connected (retried until ``deadline``, as a page retries its first connection;
        socket.io itself retries only after one)."""
        import socketio

        client = socketio.Client(reconnection=True, reconnection_delay=0.5, reconnection_delay_max=2,
                                 request_timeout=30, **self.loggers, **self.http_options)
        self.client = client  # the one whose events count (a replaced client's late disconnect does not)
        client.on("connect", lambda: self._connected(client))
        client.on("session_confirm", lambda token: self._confirm(token) if client is self.client else None)
        client.on("bot_uttered", lambda data: self.inbox.put(("bot", data)))
        client.on("disconnect", lambda *reason: self._disconnected(*reason) if client is self.client else None)
        while True:
            try:
                client.connect(self.base, transports=["polling"], socketio_path="/socket.io", wait_timeout=60)
                return client
            except socketio.exceptions.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                self.retries.add("socket.io")
                time.sleep(1)

    def _connected(self, client) -> None:
        self.trace.add(f"connected, socket {client.eio.sid} (socket.io {client.get_sid()})")
        client.emit("session_request", {"session_id": self.token})

    def _confirm(self, token) -> None:
        if self.token is not None and token != self.token:
            self.resumed_other.append(token)
        self.token = self.token or token
        self.confirms += 1
        self.trace.add(f"session confirmed ({self.confirms})")
        self.confirmed.set()

    def _disconnected(self, *reason) -> None:
        self.trace.add(f"disconnected {reason}")
        self.confirmed.clear()
        self.inbox.put(("disconnect", None))

    @property
    def conversation(self) -> str:
        return str(self.token).split(".")[0]

    def send(self, _sender: str, text: str) -> list[dict]:
        message_id = f"{self.name}.{len(self.sent)}"
        self.sent.append(message_id)
        deadline = time.monotonic() + RETRY_FOR
        while time.monotonic() < deadline:
            texts = self._exchange(text, message_id)
            if texts is not None:
                return [{"text": t} for t in texts]
            self.retries.add("socket.io")
        raise AssertionError(f"{self.name}: no answer to {text!r} within {RETRY_FOR} s; its trace "
                             f"(seconds since the test began):\n{self.trace}")

    def _exchange(self, text: str, message_id: str) -> list[str] | None:
        """Send once; the bot's texts for the turn, or None when the socket broke first (then: send again)."""
        if not self.confirmed.is_set():
            self._await_reconnect()
        stale = self._drain()
        self.trace.add(f"send {message_id} on socket {self.client.eio.sid}" + (f" ({stale} dropped)" if stale else ""))
        try:
            self.client.emit("user_uttered", {"message": text, "session_id": self.token, "message_id": message_id})
        except Exception as exc:  # noqa: BLE001 - socketio raises while it is not connected
            self.trace.add(f"send failed: {exc!r}"[:200])
            self._await_reconnect()
            return None
        texts: list[str] = []
        while True:
            try:  # a turn that ends in no question: when the bot is quiet for 15 s (a last resort)
                kind, data = self.inbox.get(timeout=60 if not texts else 15)
            except queue.Empty:
                self.trace.add(f"quiet; {len(texts)} messages")
                return texts or None
            if kind == "bot" and _reply_to(data) not in (None, message_id):
                self.trace.add(f"ignored a late reply to {_reply_to(data)}")  # another turn's, via the room
            elif kind == "bot":
                texts.append((data or {}).get("text") or "")
                if turn_done(texts):
                    self.trace.add(f"answered ({len(texts)} messages)")
                    return self._settle(texts, message_id)
            elif kind == "disconnect":
                self._await_reconnect()
                return None

    def _settle(self, texts: list[str], message_id: str) -> list[str]:
        """Anything the bot still says right after the question (e.g. its buttons' text)."""
        while True:
            try:
                kind, data = self.inbox.get(timeout=0.3)
            except queue.Empty:
                return texts
            if kind == "bot" and _reply_to(data) in (None, message_id):
                texts.append((data or {}).get("text") or "")

    def _drain(self) -> int:
        """Drop what arrived between turns; returns how many bot messages that was."""
        dropped = 0
        while True:
            try:
                kind, _ = self.inbox.get_nowait()
            except queue.Empty:
                return dropped
            dropped += kind == "bot"

    def _await_reconnect(self) -> None:
        assert self.confirmed.wait(CONNECT_WAIT), f"{self.name}: no reconnect within {CONNECT_WAIT} s:\n{self.trace}"

    def close(self) -> None:
        self.client.disconnect()
        if self.http is not None:
            self.http.close()


def _reply_to(data) -> str | None:
    """The message_id a widget reply answers (None: not a reply to a message, e.g. staff's)."""
    return ((data or {}).get("metadata") or {}).get("reply_to")


def tracker_events(base: str, rasa_token: str, sender: str) -> list[dict]:
    query = urllib.parse.urlencode({"token": rasa_token})
    url = f"{base}/conversations/{urllib.parse.quote(sender, safe='+')}/tracker?{query}"
    with urllib.request.urlopen(url, timeout=60) as reply:  # noqa: S310 - local server
        return json.loads(reply.read())["events"]


def user_message_ids(events: list[dict], key: str = "message_id") -> list[str]:
    """The id of every user message stored, in stored order (``key``: a field of the event or its metadata)."""
    out = []
    for event in events:
        if event.get("event") == "user":
            out.append(event.get(key) or (event.get("metadata") or {}).get(key))
    return out
