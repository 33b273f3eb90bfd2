"""Issue 17, typing indicators both ways, in real Chromium pages against the real Rasa, action and console
servers: nothing shows before a staff member claims the conversation; then staff see "The person is typing…"
while the person types in the widget (gone once it is sent), and the person sees "Dana from the intake team is
typing…" while staff type in the console (gone when the reply arrives); axe finds nothing serious."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from bot.store import db
from bot.store import repositories as repo
from bot.store.admin import create_staff
from tests.e2e.channel_support import RASA_TOKEN, ChannelStack, FakeTwilio
from tests.e2e.test_web_widget import Chat, browser  # noqa: F401 - fixture
from tests.e2e.test_widget_live_chat import _conversation, _open, _serious_axe_findings
from tests.support.stack import stack_settings

pytestmark = pytest.mark.e2e

STAFF = ("dana.reyes", "correct-horse-battery")
STAFF_TYPING = "Dana from the intake team is typing…"


@pytest.fixture(scope="module")
def live_stack(tmp_path_factory, model):
    fake = FakeTwilio().start()
    settings = stack_settings(tmp_path_factory.mktemp("typing"), rasa_token=RASA_TOKEN,
                              clinic_name="Riverside IOP", helpline_phone="(555) 010-4242")
    stack = ChannelStack(settings, model, with_console=True, twilio_url=fake.url)
    try:
        stack.start()
        create_staff(*STAFF, role="staff", settings=settings)
        yield stack
    finally:
        stack.stop()
        fake.stop()


def _ask_for_a_person(chat: Chat) -> None:
    count = len(chat.bot_texts())
    chat.page.get_by_role("button", name="Talk to a person").last.click()
    chat.wait_for_bot(count, contains="reach you")
    for answer in ("Stay in this chat", "Skip", "Yes"):
        count = len(chat.bot_texts())
        chat.click(answer)
        chat.wait_for_bot(count)


def _console_login(page, url: str) -> None:
    page.goto(f"{url}/login")
    page.fill("#username", STAFF[0])
    page.fill("#password", STAFF[1])
    page.click("#login")
    expect(page).to_have_url(f"{url}/queue")


def _staff_ping(page, handoff_id: int) -> int:
    """POST a typing ping from the console page as its script does; the HTTP status."""
    return page.evaluate("""id => fetch(`/handoffs/${id}/typing`, {method: "POST", credentials: "same-origin",
        body: new URLSearchParams({csrf_token: document.querySelector("input[name=csrf_token]").value, typing: "1"})
      }).then(r => r.status)""", handoff_id)


def test_typing_indicators_both_ways_only_while_a_staff_member_holds_the_chat(live_stack, browser):  # noqa: F811
    person = browser.new_context().new_page()
    chat = Chat(person, f"{live_stack.base_url}/webhooks/socketio/demo")
    _open(person, chat)
    _ask_for_a_person(chat)
    with db.session_scope(live_stack.settings) as s:
        handoff = repo.get_active_handoff(s, _conversation(person))
        assert handoff is not None, chat.transcript()
        handoff_id = handoff.id

    console_url = f"http://{live_stack.settings.host}:{live_stack.settings.console_port}"
    staff = browser.new_context().new_page()
    _console_login(staff, console_url)
    staff.goto(f"{console_url}/handoffs/{handoff_id}")
    person_typing = staff.locator("#person-typing")
    widget_typing = person.locator(".iop-typing")
    box = person.get_by_role("textbox", name="Type your message")

    # not claimed yet: the person's typing is not shown, a staff ping is refused and shows nothing
    assert staff.locator("#reply-text[data-typing-post]").count() == 0
    box.press_sequentially("hello is anyone", delay=150)
    staff.wait_for_timeout(4000)
    expect(person_typing).to_have_text("")
    assert _staff_ping(staff, handoff_id) == 409
    person.wait_for_timeout(1500)
    expect(widget_typing).to_have_text("")
    box.fill("")

    staff.click("#action-claim")
    expect(staff.locator("#status")).to_have_text("claimed")

    # the person types: staff see it within a few seconds; once sent it goes and the message shows
    box.press_sequentially("I have a question about evening groups", delay=120)
    expect(person_typing).to_have_text("The person is typing…", timeout=10_000)
    assert person_typing.get_attribute("aria-live") == "polite"
    box.press("Enter")
    expect(staff.locator("#transcript")).to_contain_text("evening groups", timeout=15_000)
    expect(person_typing).to_have_text("", timeout=10_000)

    # staff type: the person sees who is typing; it goes when the reply arrives
    count = len(chat.bot_texts())
    staff.locator("#reply-text").press_sequentially("Yes, we run evening groups twice a week", delay=120)
    expect(widget_typing).to_have_text(STAFF_TYPING, timeout=10_000)
    assert widget_typing.get_attribute("aria-live") == "polite"
    assert _serious_axe_findings(person) == []
    staff.click("#send-reply")
    new = chat.wait_for_bot(count, contains="evening groups twice a week")
    assert new[-1] == "Dana, intake team: Yes, we run evening groups twice a week", new
    expect(widget_typing).to_have_text("")

    # staff stop typing without sending: it goes after a few seconds
    staff.locator("#reply-text").press_sequentially("One more thing", delay=120)
    expect(widget_typing).to_have_text(STAFF_TYPING, timeout=10_000)
    expect(widget_typing).to_have_text("", timeout=12_000)
    assert _serious_axe_findings(staff) == []
    person.context.close()
    staff.context.close()
