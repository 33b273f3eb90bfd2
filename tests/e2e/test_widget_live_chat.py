"""Issue 17, the patient's side, in a real Chromium against the real Rasa and action servers: a person from
the team joins and leaves a widget conversation visibly (named notices, labelled replies), the assistant
takes over again without repeating the contact questions; numbers in the crisis reply are tappable; the send
button shows before typing; the transcript stays out of localStorage; "Clear this chat" ends the
conversation on the server too."""

from __future__ import annotations

import contextlib
import queue

import pytest

from bot.store import db
from bot.store import repositories as repo
from bot.store.admin import create_staff
from tests.e2e.test_web_widget import BOT_MESSAGES, Chat, browser, web_stack  # noqa: F401 - fixtures

pytestmark = pytest.mark.e2e

CONTACT_QUESTIONS = ("how would you like our team to reach you", "what first name should we use",
                     "is it ok for our team to contact you")


def _open(page, chat: Chat) -> list[str]:
    page.goto(chat.url)
    page.get_by_role("button", name="Start the self-screening chat").click()
    return chat.wait_for_bot(0, contains="not medical advice", timeout=120)  # the first turn may load the model


def _session(page) -> dict:
    return page.evaluate("JSON.parse(window.sessionStorage.getItem('chat_session') || 'null')")


def _conversation(page) -> str:
    return _session(page)["session_id"].split(".")[0]


def _serious_axe_findings(page) -> list[str]:
    """axe-core (axe-playwright-python's bundled copy) on the whole page: serious and critical violations."""
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    return [f"{v['impact']} {v['id']}: {[n['target'] for n in v['nodes']]}" for v in violations
            if v["impact"] in ("serious", "critical")]


def _said_after(chat: Chat, count: int, wait_ms: int = 3000) -> list[str]:
    chat.page.wait_for_timeout(wait_ms)
    return chat.bot_texts()[count:]


def test_a_person_joins_replies_and_leaves_and_the_assistant_carries_on(web_stack, browser):  # noqa: F811
    staff = "dana.reyes"
    with contextlib.suppress(ValueError):  # created by an earlier run against this stack
        create_staff(staff, "correct-horse-battery", role="staff", settings=web_stack.settings)
    page = browser.new_context().new_page()
    chat = Chat(page, f"{web_stack.base_url}/webhooks/socketio/demo")
    _open(page, chat)
    conversation = _conversation(page)

    # the person asks for a person and says how to be reached (in this chat)
    count = len(chat.bot_texts())
    page.get_by_role("button", name="Talk to a person").last.click()
    chat.wait_for_bot(count, contains="reach you")
    for answer in ("Stay in this chat", "Skip", "Yes"):
        count = len(chat.bot_texts())
        chat.click(answer)
        chat.wait_for_bot(count)
    with db.session_scope(web_stack.settings) as s:
        handoff = repo.get_active_handoff(s, conversation)
        assert handoff is not None, chat.transcript()
        handoff_id = handoff.id
        repo.change_status(s, handoff_id, "claim", repo.get_staff_by_username(s, staff))

    # staff's first reply: "<name> from the intake team has joined", then the reply labelled with the name
    count = len(chat.bot_texts())
    with db.session_scope(web_stack.settings) as s:
        repo.add_staff_message(s, handoff_id, staff, "Hi, I'm Dana. I can help you here.")
    assert web_stack.execute(conversation, "action_relay_staff_messages") == 200
    new = chat.wait_for_bot(count, contains="I can help you here")
    assert new[0].startswith("Dana from the intake team has joined"), new
    assert new[1] == "Dana, intake team: Hi, I'm Dana. I can help you here.", new
    assert page.locator(".rw-response.iop-notice").count() == 1
    assert page.locator(".rw-response.iop-staff").last.inner_text().startswith("Dana, intake team:")
    assert _serious_axe_findings(page) == []  # the staff and notice styles included

    # "is this a real person?" reaches staff only; the bot stays silent
    count = len(chat.bot_texts())
    chat.type("is this a real person?")
    assert _said_after(chat, count) == []
    with db.session_scope(web_stack.settings) as s:
        repo.add_staff_message(s, handoff_id, staff, "Yes, a real person. I'll call you tomorrow morning.")
    assert web_stack.execute(conversation, "action_relay_staff_messages") == 200
    new = chat.wait_for_bot(count, contains="call you tomorrow")
    assert new == ["Dana, intake team: Yes, a real person. I'll call you tomorrow morning."]  # no second "joined"

    # released to the bot: "has left", "back with the assistant", a kind reply, no contact questions again
    count = len(chat.bot_texts())
    with db.session_scope(web_stack.settings) as s:
        repo.change_status(s, handoff_id, "release", staff)
    new = chat.wait_for_bot(count, contains="back with the assistant", timeout=20)  # before the person types
    assert new[0].startswith("Dana from the intake team has left"), new
    count = len(chat.bot_texts())
    chat.type("ok thanks")
    chat.wait_for_bot(count)
    said = " ".join(_said_after(chat, count, 2000)).lower()
    assert "didn't quite follow" not in said and "didn't understand" not in said, chat.transcript()[-1500:]
    assert not any(q in said for q in CONTACT_QUESTIONS), chat.transcript()[-1500:]
    assert "left the chat" not in said  # said once, not again with the next message
    page.context.close()


def test_widget_basics_tel_links_send_button_storage_and_clear(web_stack, browser):  # noqa: F811
    page = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True).new_page()
    chat = Chat(page, f"{web_stack.base_url}/webhooks/socketio/demo")
    first = _open(page, chat)
    assert any("988" in t for t in first)

    # numbers in the bot's messages are links; the help bar can call and text 988
    hrefs = page.locator(f"{BOT_MESSAGES} a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert "tel:988" in hrefs and "tel:911" in hrefs, hrefs
    bar = page.locator(".iop-help-bar a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert bar == ["tel:988", "sms:988", "tel:911"], bar

    # the send button is visible (its arrow drawn) before anything is typed
    send = page.get_by_role("button", name="Send message")
    assert send.is_visible()
    fill = send.locator("path").evaluate("p => getComputedStyle(p).fill")
    assert fill not in ("rgba(0, 0, 0, 0)", "transparent", "none"), fill

    # the conversation lives in sessionStorage only
    assert _session(page)["session_id"]
    assert page.evaluate("window.localStorage.getItem('chat_session')") is None

    # a reload keeps the newest message and its quick replies in view
    count = len(chat.bot_texts())
    chat.type("yes")
    chat.wait_for_bot(count, contains="yourself")
    page.reload()
    page.locator(".rw-launcher").first.wait_for(state="attached")
    if not page.locator(".rw-conversation-container").count():
        page.locator(".rw-launcher").first.click()
    page.locator(".rw-replies .rw-reply").last.wait_for()
    page.wait_for_timeout(800)
    box = page.locator(".rw-replies .rw-reply").last.bounding_box()
    viewport = page.viewport_size
    assert box and box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"], (box, viewport)
    gap = page.locator(".rw-messages-container").evaluate("m => [m.scrollHeight, m.scrollTop, m.clientHeight]")
    assert gap[0] - gap[1] - gap[2] < 4, gap  # scrolled to the newest

    # "Clear this chat": a fresh conversation here, and the old token no longer resumes the old one
    old_token = _session(page)["session_id"]
    with page.expect_navigation():  # the widget reloads the page once the server has ended the conversation
        page.get_by_role("button", name="Clear this chat and end the conversation on this device").click()
    page.locator(".rw-launcher").first.wait_for(state="attached")
    if not page.locator(".rw-conversation-container").count():
        page.locator(".rw-launcher").first.click()
    chat.wait_for_bot(0, contains="not medical advice")
    assert page.locator(".rw-client").count() == 0  # the earlier "yes" is gone
    assert _session(page)["session_id"].split(".")[0] != old_token.split(".")[0]
    assert _resumed_conversation(web_stack.base_url, old_token) != old_token.split(".")[0]
    page.context.close()


def _resumed_conversation(base_url: str, token: str) -> str:
    """The conversation id a new socket gets when it offers ``token``."""
    import socketio

    client = socketio.Client()
    inbox: queue.Queue = queue.Queue()
    client.on("session_confirm", inbox.put)
    client.connect(base_url, transports=["polling"], socketio_path="/socket.io")
    try:
        client.emit("session_request", {"session_id": token})
        return str(inbox.get(timeout=30)).split(".")[0]
    finally:
        client.disconnect()


@pytest.mark.parametrize("locale, viewport", [("en-US", {"width": 1280, "height": 800}),
                                              ("es-MX", {"width": 390, "height": 844})])
def test_axe_finds_nothing_serious_in_the_open_widget(web_stack, browser, locale, viewport):  # noqa: F811
    page = browser.new_context(locale=locale, viewport=viewport).new_page()
    chat = Chat(page, f"{web_stack.base_url}/webhooks/socketio/demo")
    page.goto(chat.url)
    page.get_by_role("button", name="Start the self-screening chat").click()
    chat.wait_for_bot(0, contains="988")
    page.locator(".rw-replies .rw-reply").last.wait_for()  # consent buttons, help bar, links all shown
    assert page.locator(".iop-help-bar").count() == 1
    assert _serious_axe_findings(page) == []
    page.context.close()
