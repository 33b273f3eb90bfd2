"""Channel security against the real Rasa and action servers, with the product's own rate limits: each attack
fails - borrowed, guessed, expired or forged widget ids, REST without or with a wrong token, REST reading an
SMS conversation, typed slash commands, script floods - while a person at human pace is never limited and a
crisis is always answered with the crisis numbers."""

from __future__ import annotations

import json
import queue
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from itsdangerous import TimestampSigner

from bot.channels.guard import TEXT_MARK
from bot.channels.tokens import SALT
from tests.e2e.channel_support import ChannelStack, FakeTwilio, post_sms, sms_params
from tests.support.stack import stack_settings

pytestmark = pytest.mark.e2e
DEGRADED = "trouble"  # words of the degraded-mode reply (bot/texts: safety.fallback)


@pytest.fixture(scope="module")
def secured(tmp_path_factory, model):
    fake = FakeTwilio().start()
    settings = stack_settings(tmp_path_factory.mktemp("security"), rasa_token="security-tests-rasa-token")
    running = ChannelStack(settings, model, twilio_url=fake.url, product_limits=True)
    try:
        running.start()
        yield running, fake
    finally:
        running.stop()
        fake.stop()


def rest(stack, sender: str, text: str, token: str | None = "default", raw_body: bytes | None = None):
    """(status, parsed body) of a POST to the REST channel; ``token=None`` sends no Authorization header."""
    headers = {"Content-Type": "application/json"}
    if token == "default":
        token = stack.settings.key("rest_token")
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    body = raw_body if raw_body is not None else json.dumps({"sender": sender, "message": text}).encode()
    request = urllib.request.Request(stack.rest_url, data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as reply:  # noqa: S310 - local server
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def said(replies) -> str:
    return "\n".join(r.get("text") or "" for r in replies if isinstance(r, dict)).lower()


def tracker(stack, sender: str) -> dict:
    query = urllib.parse.urlencode({"token": stack.settings.rasa_token})
    url = f"{stack.base_url}/conversations/{urllib.parse.quote(sender, safe='+')}/tracker?{query}"
    with urllib.request.urlopen(url, timeout=60) as reply:  # noqa: S310 - local server
        return json.loads(reply.read())


class Widget:
    """A socket.io client speaking the widget's protocol (session_request / user_uttered / bot_uttered)."""

    def __init__(self, base_url: str) -> None:
        import socketio

        self.inbox: queue.Queue = queue.Queue()
        self.client = socketio.Client()
        self.client.on("session_confirm", lambda data: self.inbox.put(("confirm", data)))
        self.client.on("bot_uttered", lambda data: self.inbox.put(("bot", data)))
        self.client.connect(base_url, transports=["polling"], socketio_path="/socket.io", wait_timeout=30)
        self.token: str | None = None

    def request(self, session_id=None) -> str:
        self.client.emit("session_request", {"session_id": session_id})
        kind, token = self.inbox.get(timeout=30)
        assert kind == "confirm"
        self.token = token
        return token

    @property
    def conversation(self) -> str:
        return str(self.token).split(".")[0]

    def send(self, text: str, session_id: str | None = None) -> None:
        self.client.emit("user_uttered", {"message": text, "session_id": session_id or self.token})

    def replies(self, quiet: float = 2.0, first: float = 60) -> list[str]:
        """Bot texts until nothing came for ``quiet`` seconds (waiting up to ``first`` for the first one)."""
        texts, wait = [], first
        while True:
            try:
                kind, data = self.inbox.get(timeout=wait)
            except queue.Empty:
                return texts
            if kind == "bot":
                texts.append((data or {}).get("text") or "")
            wait = quiet

    def close(self) -> None:
        self.client.disconnect()


# -- REST ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("token", [None, "", "wrong-token", "Bearer"])
def test_rest_without_the_right_token_is_refused(secured, token):
    stack, _ = secured
    status, body = rest(stack, "rest-no-token", "hi", token=token)
    assert status == 401 and "error" in body
    basic = urllib.request.Request(stack.rest_url, data=b'{"sender": "x", "message": "hi"}',
                                   headers={"Authorization": f"Basic {stack.settings.key('rest_token')}"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(basic, timeout=30)  # noqa: S310 - local server
    assert refused.value.code == 401
    assert not [e for e in tracker(stack, "rest-no-token")["events"] or [] if e["event"] == "user"]


def test_rest_with_the_token_is_answered(secured):
    status, body = rest(secured[0], "rest-ok", "hi")
    assert status == 200 and "not medical advice" in said(body)


def test_a_lone_surrogate_gets_an_ordinary_reply(secured):
    status, body = rest(secured[0], "surrogate-1", "hi \ud800 there")  # JSON allows it; spaCy raised on it
    assert status == 200 and "not medical advice" in said(body) and DEGRADED not in said(body), body


def test_rest_cannot_read_or_write_an_sms_conversation(secured):
    stack, fake = secured
    phone = "+15550107001"
    assert post_sms(stack.sms_url, sms_params(phone, "hi")) == 200
    assert fake.to(phone)
    before = [e for e in tracker(stack, phone)["events"] if e["event"] == "user"]
    for token in (None, "default"):
        status, body = rest(stack, phone, "what did you tell me?", token=token)
        assert status in (400, 401) and not said(body if isinstance(body, list) else [])
    status, _ = rest(stack, "0123456789abcdef0123456789abcdef", "hi")  # a widget-shaped id
    assert status == 400
    after = [e for e in tracker(stack, phone)["events"] if e["event"] == "user"]
    assert len(after) == len(before)


# -- socket.io widget -----------------------------------------------------------------------------------
def test_a_second_client_cannot_join_another_persons_conversation(secured):
    stack, _ = secured
    alice, mallory = Widget(stack.base_url), Widget(stack.base_url)
    try:
        alice.request()
        alice.send("hi")
        assert alice.replies()
        # Mallory knows Alice's conversation id (not her token): she gets a conversation of her own
        mallory.request(alice.conversation)
        assert mallory.conversation != alice.conversation
        # messages naming Alice's id or Alice's token on Mallory's socket are ignored
        mallory.send("yes", session_id=alice.conversation)
        mallory.send("yes", session_id=alice.token)
        assert mallory.replies(first=5) == []
        alice.send("yes")
        assert alice.replies()
        assert mallory.replies(first=3) == []  # Alice's replies do not reach Mallory
        users = [e["text"] for e in tracker(stack, alice.conversation)["events"] if e["event"] == "user"]
        assert users == ["hi", "yes"]
        # Alice reconnecting with her token continues her conversation
        alice.close()
        again = Widget(stack.base_url)
        again.request(alice.token)
        assert again.conversation == alice.conversation
        again.close()
    finally:
        mallory.close()


def test_a_reconnected_socket_is_answered_on_its_token_alone(secured):
    """A slow network or a server restart can give the widget a new socket that sends before asking for its
    session again: the message is answered in its own conversation. Forged or cleared tokens still are not."""
    stack, _ = secured
    alice = Widget(stack.base_url)
    alice.request()
    alice.send("hi")
    assert alice.replies()
    token = alice.token
    alice.close()
    sockets = [Widget(stack.base_url) for _ in range(3)]  # none of them sends a session_request
    try:
        reconnected, forger, cleared = sockets
        reconnected.send("yes", session_id=token)
        assert reconnected.replies()
        users = [e["text"] for e in tracker(stack, alice.conversation)["events"] if e["event"] == "user"]
        assert users == ["hi", "yes"]
        forger.send("hello", session_id=token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB"))
        assert forger.replies(first=5) == []
        request = urllib.request.Request(f"{stack.base_url}/webhooks/socketio/end", data=token.encode(),
                                         method="POST", headers={"Content-Type": "text/plain"})
        with urllib.request.urlopen(request, timeout=60) as reply:  # noqa: S310 - local server
            assert reply.status == 204
        cleared.send("still there?", session_id=token)
        assert cleared.replies(first=5) == []
    finally:
        for widget in sockets:
            widget.close()


@pytest.mark.parametrize("kind", ["never issued", "forged", "expired", "foreign key", "not a string"])
def test_a_bad_token_gets_a_new_conversation_not_an_error(secured, kind):
    stack, _ = secured
    secret = stack.settings.key("secret_key")
    known = Widget(stack.base_url)
    known.request()
    cid = known.conversation
    known.close()

    class Then(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - 3 * 24 * 3600

    given = {"never issued": "89abcdef0123456789abcdef01234567",
             "forged": known.token[:-4] + ("AAAA" if not known.token.endswith("AAAA") else "BBBB"),
             "expired": Then(secret, salt=SALT).sign(cid).decode(),
             "foreign key": TimestampSigner("not-the-servers-key", salt=SALT).sign(cid).decode(),
             "not a string": {"$ne": 1}}[kind]
    widget = Widget(stack.base_url)
    try:
        widget.request(given)
        assert widget.conversation not in (cid, given)
        widget.send("hi")
        assert any("not medical advice" in t.lower() for t in widget.replies())
    finally:
        widget.close()


# -- typed slash commands ---------------------------------------------------------------------------------
COMMANDS = ["/crisis", "/restart", "/session_start", "/faq", '/inform{"choice":{"$ne":1}}',
            '/inform{"choice": ["a", {"b": 1}]}', '/inform{"language": {"x": 1}}']


@pytest.mark.parametrize("command", COMMANDS)
def test_typed_commands_over_rest_are_read_as_text(secured, command):
    stack, _ = secured
    sender = f"typed-{COMMANDS.index(command)}"
    for text in ("hi", "yes", "for myself"):
        assert rest(stack, sender, text)[0] == 200
    status, body = rest(stack, sender, command)
    assert status == 200 and said(body) and DEGRADED not in said(body), body
    events = tracker(stack, sender)["events"]
    last = [e for e in events if e["event"] == "user"][-1]
    assert last["text"] == TEXT_MARK + command
    assert last["parse_data"]["intent"].get("name") not in ("restart", "session_start")
    assert not [e for e in events if e["event"] == "restart"]
    assert len([e for e in events if e["event"] == "session_started"]) == 1


def test_typed_commands_over_socketio_and_sms_are_read_as_text(secured):
    stack, fake = secured
    widget = Widget(stack.base_url)
    try:
        widget.request()
        widget.send("hi")
        widget.replies()
        widget.send("/faq")
        replies = widget.replies()
        assert replies and DEGRADED not in " ".join(replies).lower()
    finally:
        widget.close()
    phone = "+15550107002"
    assert post_sms(stack.sms_url, sms_params(phone, "hi")) == 200
    count = len(fake.to(phone))
    assert post_sms(stack.sms_url, sms_params(phone, "/session_start")) == 200
    new = fake.to(phone)[count:]
    assert new and DEGRADED not in " ".join(new).lower()
    last = [e for e in tracker(stack, phone)["events"] if e["event"] == "user"][-1]
    assert last["text"] == TEXT_MARK + "/session_start"


def test_a_button_the_bot_offered_still_works(secured):
    stack, _ = secured
    sender = "offered-1"
    buttons: list[str] = []
    for text in ["hi", "yes", "for myself", "no", "no", "no", "no", "no", "no"]:
        status, body = rest(stack, sender, text)
        buttons = [b["payload"] for r in body for b in r.get("buttons") or [] if b["payload"].startswith("/")]
        if buttons:
            break
    assert buttons, "no question offered a /payload button"
    rest(stack, sender, buttons[0])
    last = [e for e in tracker(stack, sender)["events"] if e["event"] == "user"][-1]
    assert last["text"] == buttons[0]
    assert last["parse_data"]["intent"]["name"] == buttons[0][1:].split("{")[0]


# -- rate limits -----------------------------------------------------------------------------------------
def test_a_rest_flood_is_limited_and_a_crisis_in_it_still_answered(secured):
    stack, _ = secured
    statuses = [rest(stack, "flood-rest", "hello hello")[0] for _ in range(25)]
    assert statuses.count(429) >= 10 and set(statuses) <= {200, 429} and statuses[-1] == 429, statuses
    status, body = rest(stack, "flood-rest", "i want to kill myself")
    assert status == 200 and "988" in said(body)


def test_a_person_at_human_pace_is_never_limited(secured):
    stack, _ = secured
    answers = ["hi", "yes", "for myself", "no", "no", "alcohol", "every day", "last night", "no", "not sure",
               "what is IOP?", "no", "yes", "no"]
    for text in answers:  # 14 messages, more than a burst, one every 2.5 s (already fast for a person)
        began = time.monotonic()
        status, body = rest(stack, "human-pace", text)
        assert status == 200 and said(body), (text, status, body)
        time.sleep(max(0.0, 2.5 - (time.monotonic() - began)))


def test_a_socketio_flood_gets_a_polite_reply_and_a_crisis_the_numbers(secured):
    stack, _ = secured
    widget = Widget(stack.base_url)
    try:
        widget.request()
        for _ in range(25):  # paced a little: engine.io refuses a poll carrying more than 16 packets at once
            widget.send("hello hello")
            time.sleep(0.05)
        replies = widget.replies(quiet=3)
        assert sum("faster than i can read" in t.lower() for t in replies) >= 10, replies
        widget.send("i want to kill myself")
        assert any("988" in t for t in widget.replies())
    finally:
        widget.close()


def test_an_sms_flood_sends_nothing_past_the_limit_but_a_crisis_gets_the_numbers(secured):
    stack, fake = secured
    phone = "+15550107003"
    statuses = [post_sms(stack.sms_url, sms_params(phone, "hello hello")) for _ in range(25)]
    assert set(statuses) == {200}
    turns = [e for e in tracker(stack, phone)["events"] if e["event"] == "user"]
    assert 10 <= len(turns) <= 14, len(turns)  # the limited ones never reached the bot
    sent = len(fake.to(phone))
    assert sent > 0, fake.to(phone)
    assert post_sms(stack.sms_url, sms_params(phone, "hello again")) == 200
    assert len(fake.to(phone)) == sent  # over the limit: no SMS, no cost
    assert post_sms(stack.sms_url, sms_params(phone, "i want to kill myself")) == 200
    assert any("988" in body for body in fake.to(phone)[sent:])
