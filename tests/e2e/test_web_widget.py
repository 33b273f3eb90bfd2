"""The website widget in a real headless Chromium against the real Rasa and action servers: the demo page
served by the Rasa server, a screening completed by clicking quick replies and typing, a reload half-way
that continues the same conversation, the accessibility tree, and no request leaving this machine."""

from __future__ import annotations

import json
import re
import time
import urllib.request
from urllib.parse import urlparse

import pytest

from tests.e2e.channel_support import shared_channel_stack

pytestmark = pytest.mark.e2e

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
BOT_MESSAGES = ".rw-message .rw-response"


@pytest.fixture(scope="module")
def web_stack(request, tmp_path_factory, model):
    return shared_channel_stack(request, tmp_path_factory, model)[0]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


class Chat:
    """Drives the widget the way a person does; remembers every URL the page requested."""

    def __init__(self, page, url: str) -> None:
        self.page = page
        self.url = url
        self.requests: list[str] = []
        page.context.on("request", lambda r: self.requests.append(r.url))
        page.on("websocket", lambda ws: self.requests.append(ws.url))

    def bot_texts(self) -> list[str]:
        return self.page.locator(BOT_MESSAGES).all_inner_texts()

    def wait_for_bot(self, count_before: int, contains: str | None = None, timeout: float = 60) -> list[str]:
        """Wait until the bot has finished its turn: it said more than ``count_before`` things (including
        ``contains``, if given) and nothing new came for a second. Returns the new messages."""
        deadline = time.monotonic() + timeout
        seen, quiet_since = -1, time.monotonic()
        while time.monotonic() < deadline:
            texts = self.bot_texts()
            if len(texts) != seen:
                seen, quiet_since = len(texts), time.monotonic()
            new = texts[count_before:]
            done = new and (contains is None or contains.lower() in " ".join(new).lower())
            if done and time.monotonic() - quiet_since >= 1.0:
                return new
            self.page.wait_for_timeout(100)
        raise AssertionError(f"the bot did not answer (wanted {contains!r}):\n{self.transcript()}")

    def transcript(self) -> str:
        """Both sides of the conversation as shown, for failure messages."""
        rows = self.page.locator(".rw-message .rw-client, .rw-message .rw-response")
        return "\n".join(("BOT: " if "rw-response" in (row.get_attribute("class") or "") else "YOU: ")
                         + row.inner_text() for row in rows.all())

    def replies(self) -> list[str]:
        return [t.strip() for t in self.page.locator(".rw-replies .rw-reply").all_inner_texts()]

    def type(self, text: str) -> None:
        box = self.page.get_by_role("textbox", name="Type your message")
        box.fill(text)
        box.press("Enter")

    def click(self, title: str) -> None:
        """Click the quick reply whose whole label is ``title`` (they are buttons in the accessibility tree)."""
        self.page.locator(".rw-replies").get_by_role("button", name=title, exact=True).last.click()


def _answer(chat: Chat, question: str, replies: list[str]) -> str:
    """Answer one question: yes/no by typing "no" or "No", choices by clicking a low-risk button."""
    lower = question.lower()
    if "Done" in replies:  # a choose-all-that-apply question with a choice ticked: finish it
        chat.click("Done")
        return "Done"
    if replies:
        # "Sober living" rather than "A stable, safe home": the 14:07 model reads the latter as a crisis
        for wanted in ("No", "None of these", "None", "Nothing", "Not at all", "Sober living or recovery housing",
                       "Supportive family or friends", "Ready now", "Either is fine", "Either", "Comfortable",
                       "Over 3 months ago"):
            if wanted in replies:
                chat.click(wanted)
                return wanted
        if "help with" in lower and "Alcohol" in replies:
            chat.click("Alcohol")
            return "Alcohol"
        chat.click(replies[0])
        return replies[0]
    chat.type("2" if "how many" in lower else "no")
    return "typed"


def _ax_nodes(page) -> list[dict]:
    session = page.context.new_cdp_session(page)
    try:
        return session.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        session.detach()


def _named(nodes: list[dict], role: str) -> list[str]:
    return [(n.get("name") or {}).get("value", "") for n in nodes
            if not n.get("ignored") and (n.get("role") or {}).get("value") == role]


def test_demo_page_headers_keep_visitors_on_this_host(web_stack):
    with urllib.request.urlopen(f"{web_stack.base_url}/webhooks/socketio/demo", timeout=30) as reply:  # noqa: S310
        csp = reply.headers["Content-Security-Policy"]
        html = reply.read().decode()
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "font-src 'self'" in csp
    assert "Talk to a person" in html and "988" in html
    with urllib.request.urlopen(f"{web_stack.base_url}/webhooks/socketio/rasa-webchat-1.0.1.js",  # noqa: S310
                                timeout=30) as reply:
        assert b"fonts.googleapis" not in reply.read()


def test_screening_through_the_widget_with_a_reload(web_stack, browser):
    context = browser.new_context()
    page = context.new_page()
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    chat = Chat(page, f"{web_stack.base_url}/webhooks/socketio/demo")
    page.goto(chat.url)

    # open the chat from the page, by keyboard
    page.get_by_role("button", name="Start the self-screening chat").focus()
    page.keyboard.press("Enter")
    first = chat.wait_for_bot(0, contains="not medical advice")
    assert any("988" in t for t in first)

    # consent by typing, "for myself" by clicking the quick reply
    count = len(chat.bot_texts())
    chat.type("yes")
    chat.wait_for_bot(count, contains="yourself")
    assert "For myself" in chat.replies()
    count = len(chat.bot_texts())
    chat.click("For myself")
    chat.wait_for_bot(count)

    # accessibility: every control has a name; quick replies are buttons; help is visible
    nodes = _ax_nodes(page)
    buttons = _named(nodes, "button")
    assert "Talk to a person" in buttons
    assert "Send message" in buttons
    assert all(name.strip() for name in buttons), buttons
    assert "Type your message" in _named(nodes, "textbox")
    assert any("988" in name for name in _named(nodes, "link"))
    for reply in chat.replies():
        assert reply in buttons, (reply, buttons)
    assert page.get_by_role("log", name="Conversation").count() == 1

    # a quick reply works from the keyboard: Shift+Tab from the message box to the last reply, Enter
    replies = chat.replies()
    if replies:
        page.get_by_role("textbox", name="Type your message").focus()
        page.keyboard.press("Shift+Tab")
        focused = page.evaluate("document.activeElement.className + '|' + document.activeElement.textContent")
        assert "rw-reply" in focused, focused
        count = len(chat.bot_texts())
        page.keyboard.press("Enter")
        chat.wait_for_bot(count)

    session_before = json.loads(page.evaluate("window.sessionStorage.getItem('chat_session')"))["session_id"]
    for _ in range(3):
        texts = chat.bot_texts()
        _answer(chat, texts[-1], chat.replies())
        chat.wait_for_bot(len(texts))

    # reload half-way: same session, earlier messages still there, the conversation goes on
    said_before = chat.bot_texts()
    page.reload()
    page.locator(".rw-launcher").first.wait_for()
    if not page.locator(".rw-conversation-container").count():
        page.locator(".rw-launcher").first.click()
    page.wait_for_function(f"document.querySelectorAll('{BOT_MESSAGES}').length >= {len(said_before)}")
    session_after = json.loads(page.evaluate("window.sessionStorage.getItem('chat_session')"))["session_id"]
    assert session_after == session_before
    conversation = session_after.split(".")[0]  # the widget keeps "<conversation id>.<time>.<signature>"
    assert chat.bot_texts()[: len(said_before)] == said_before

    answered = 0
    for _ in range(45):
        texts = chat.bot_texts()
        if "contact you to talk it through" in texts[-1].lower():
            break
        _answer(chat, texts[-1], chat.replies())
        answered += 1
        chat.wait_for_bot(len(texts))
    else:
        pytest.fail(f"the screening did not finish:\n{chat.transcript()}")
    assert answered >= 3
    result = " ".join(chat.bot_texts()[-3:]).lower()
    assert "not medical advice" in result or "not a diagnosis" in result
    count = len(chat.bot_texts())
    chat.click("Yes, please")
    chat.wait_for_bot(count)

    # a staff reply (Rasa's execute with output_channel=latest) reaches the open widget
    count = len(chat.bot_texts())
    assert web_stack.execute(conversation, "utter_greet") == 200
    assert "thanks for reaching out" in " ".join(chat.wait_for_bot(count)).lower()

    # "Talk to a person" in the widget asks for a person
    count = len(chat.bot_texts())
    page.get_by_role("button", name="Talk to a person").last.click()
    assert chat.wait_for_bot(count)
    users = [e for e in web_stack.tracker(conversation)["events"] if e["event"] == "user"]
    assert users[-1]["parse_data"]["intent"]["name"] == "request_human", (
        [u["text"] for u in users[-4:]], chat.transcript()[-1500:])
    assert "YOU: Talk to a person" in chat.transcript()  # shown as the person's own message

    outside = [u for u in chat.requests if urlparse(u).scheme not in ("data", "blob")
               and urlparse(u).hostname not in LOCAL_HOSTS]
    assert outside == [], outside
    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors
    context.close()


def test_socket_sessions_cannot_be_chosen_or_borrowed(web_stack):
    import queue

    import socketio

    client = socketio.Client()  # sync client: the module's Playwright browser owns this thread's event loop
    inbox: queue.Queue = queue.Queue()
    client.on("session_confirm", lambda data: inbox.put(("confirm", data)))
    client.on("bot_uttered", lambda data: inbox.put(("bot", data)))
    client.connect(web_stack.base_url, transports=["polling"], socketio_path="/socket.io")
    try:
        client.emit("session_request", {"session_id": "+15550101001"})
        kind, session_id = inbox.get(timeout=30)
        assert kind == "confirm" and re.fullmatch(r"[0-9a-f]{32}\.[\w-]+\.[\w-]+", session_id)

        someone_else = "0123456789abcdef0123456789abcdef"
        for other in (someone_else, session_id.split(".")[0]):  # a bare id, even this socket's own
            client.emit("user_uttered", {"message": "hi", "session_id": other})
        with pytest.raises(queue.Empty):
            inbox.get(timeout=5)

        client.emit("user_uttered", {"message": "   ", "session_id": session_id})
        kind, message = inbox.get(timeout=30)
        assert kind == "bot" and "type your message again" in message["text"]

        client.emit("user_uttered", {"message": "hi", "session_id": session_id})
        kind, message = inbox.get(timeout=60)
        assert kind == "bot" and message["text"]
    finally:
        client.disconnect()


def test_a_spanish_visitor_gets_the_widget_and_the_conversation_in_spanish(web_stack, browser):
    """Browser language Spanish: the widget's own words, the greeting, consent and the first question in
    Spanish; 988 and 911 are tappable; the conversation's language is Spanish from the first message."""
    context = browser.new_context(locale="es-MX")
    page = context.new_page()
    chat = Chat(page, f"{web_stack.base_url}/webhooks/socketio/demo")
    page.goto(chat.url)
    page.get_by_role("button", name="Start the self-screening chat").click()
    first = chat.wait_for_bot(0, contains="gracias por escribirnos")
    assert not any("thanks for reaching out" in t.lower() for t in first), first

    nodes = _ax_nodes(page)
    assert "Hablar con una persona" in _named(nodes, "button")
    assert "Enviar mensaje" in _named(nodes, "button")
    assert "Escriba su mensaje" in _named(nodes, "textbox")
    links = page.locator(".iop-help-bar a")
    assert [links.nth(i).get_attribute("href") for i in range(links.count())] == ["tel:988", "sms:988", "tel:911"]
    assert "marque 2" in links.first.inner_text()

    box = page.get_by_role("textbox", name="Escriba su mensaje")
    for reply, expected in (("sí", "por usted"), ("para mí", "?")):
        count = len(chat.bot_texts())
        box.fill(reply)
        box.press("Enter")
        said = " ".join(chat.wait_for_bot(count, contains=expected))
        assert not re.search(r"\b(the|your|you)\b", said.lower()), said  # nothing in English
    context.close()


def _consented(web_stack, browser):
    """A new visitor who opened the chat and consented: the bot now asks who the screening is for."""
    context = browser.new_context()
    page = context.new_page()
    chat = Chat(page, f"{web_stack.base_url}/webhooks/socketio/demo")
    page.goto(chat.url)
    page.get_by_role("button", name="Start the self-screening chat").click()
    chat.wait_for_bot(0, contains="not medical advice")
    count = len(chat.bot_texts())
    chat.type("yes")
    chat.wait_for_bot(count, contains="yourself")
    return context, page, chat


def test_a_message_lost_with_its_connection_is_sent_again_and_stored_once(web_stack, browser):
    """The request carrying a typed message fails (the node behind it died): the widget reconnects and sends
    the message again with the same message_id; it is answered, and stored once. Every message the widget
    sends carries a message_id (the server answers a repeated one from storage)."""
    context, page, chat = _consented(web_stack, browser)
    dropped: list[str] = []

    def drop_once(route) -> None:
        body = route.request.post_data or ""
        if route.request.method == "POST" and "user_uttered" in body and "for myself" in body and not dropped:
            dropped.append(body)
            route.abort()
        else:
            route.continue_()

    page.route("**/socket.io/**", drop_once)
    count = len(chat.bot_texts())
    chat.type("for myself")
    chat.wait_for_bot(count, timeout=90)
    assert dropped, "the message's request was not dropped"
    conversation = json.loads(page.evaluate("window.sessionStorage.getItem('chat_session')"))["session_id"]
    users = [e for e in web_stack.tracker(conversation.split(".")[0])["events"] if e["event"] == "user"]
    assert [u["text"] for u in users].count("for myself") == 1, [u["text"] for u in users]
    ids = [u.get("message_id") for u in users[1:]]  # the greeting may go out before the first session_confirm
    assert all(ids) and len(set(ids)) == len(ids), ids
    context.close()


def test_a_message_left_unanswered_by_a_reload_is_sent_again_after_it(web_stack, browser):
    """The person sends a message, the connection fails and they reload the page before it comes back: the
    reloaded widget sends the message again from its outbox (sessionStorage), it is answered, and stored once."""
    context, page, chat = _consented(web_stack, browser)
    dropped: list[str] = []

    def cut_off(route) -> None:
        body = route.request.post_data or ""
        if dropped or (route.request.method == "POST" and "user_uttered" in body and "for myself" in body):
            dropped.append(body)  # the message, then every reconnect attempt until the reload
            route.abort()
        else:
            route.continue_()

    page.route("**/socket.io/**", cut_off)
    chat.type("for myself")
    page.wait_for_function("window.sessionStorage.getItem('iop_outbox') !== null")
    deadline = time.monotonic() + 10
    while not dropped and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    assert dropped, "the message's request was not cut off"
    page.unroute("**/socket.io/**")
    said_before = len(chat.bot_texts())
    page.reload()
    page.locator(".rw-launcher").first.wait_for()
    if not page.locator(".rw-conversation-container").count():
        page.locator(".rw-launcher").first.click()
    chat.wait_for_bot(said_before, timeout=90)
    page.wait_for_function("window.sessionStorage.getItem('iop_outbox') === null")
    conversation = json.loads(page.evaluate("window.sessionStorage.getItem('chat_session')"))["session_id"]
    users = [e for e in web_stack.tracker(conversation.split(".")[0])["events"] if e["event"] == "user"]
    assert [u["text"] for u in users].count("for myself") == 1, [u["text"] for u in users]
    context.close()


def test_a_session_request_lost_on_the_way_is_asked_again_and_the_chat_starts(web_stack, browser):
    """The socket connects but its session request never reaches the server (seen during a failover: the
    socket stayed open and no session_confirm came): the widget connects again on its own, asks again, and
    the chat starts without the person reloading the page."""
    context = browser.new_context()
    page = context.new_page()
    chat = Chat(page, f"{web_stack.base_url}/webhooks/socketio/demo")
    asked: list[str] = []

    def lose_the_first(route) -> None:
        body = route.request.post_data or ""
        if route.request.method == "POST" and "session_request" in body:
            asked.append(body)
            if len(asked) == 1:  # as far as the widget can tell the server took it; the server never sees it
                route.fulfill(status=200, body="ok", content_type="text/html")
                return
        route.continue_()

    page.route("**/socket.io/**", lose_the_first)
    page.goto(chat.url)
    page.get_by_role("button", name="Start the self-screening chat").click()
    chat.wait_for_bot(0, contains="not medical advice", timeout=60)
    assert len(asked) >= 2, asked
    context.close()
