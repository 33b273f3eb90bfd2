"""Issue 6's whole path in a real browser: a person screens by SMS and asks for a person; staff see the
handoff in the console with its summary, take over, reply (the SMS reaches the person), read the person's
answer while the bot stays silent, and close. On SQLite and on PostgreSQL."""

from __future__ import annotations

import re
import time
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect, sync_playwright

from bot.store.admin import create_staff
from tests.e2e.channel_support import RASA_TOKEN, ChannelStack, FakeTwilio
from tests.e2e.test_sms import _answer, text_in
from tests.support.stack import stack_settings

pytestmark = pytest.mark.e2e

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
STAFF = ("dana", "correct-horse-battery")
PERSON = "+15557654321"


@pytest.fixture(params=["sqlite", "postgresql"])
def takeover(request, tmp_path_factory, model):
    fake = FakeTwilio().start()
    overrides = {"rasa_token": RASA_TOKEN, "clinic_name": "Riverside IOP", "helpline_phone": "(555) 010-4242"}
    if request.param == "postgresql":
        overrides["database_url"] = request.getfixturevalue("pg_url")
    settings = stack_settings(tmp_path_factory.mktemp("takeover"), **overrides)
    stack = ChannelStack(settings, model, with_console=True, twilio_url=fake.url)
    try:
        stack.start()
        create_staff(*STAFF, role="staff", settings=settings)
        yield stack, fake
    finally:
        stack.stop()
        fake.stop()


def _screen_and_ask_for_a_person(stack, twilio) -> None:
    replies = text_in(stack, twilio, PERSON, "hi")
    for _ in range(40):
        if "contact you to talk it through" in replies[-1].lower():
            break
        replies = text_in(stack, twilio, PERSON, _answer(replies[-1]))
    else:
        pytest.fail("the SMS screening did not finish")
    assert "reach you" in " ".join(text_in(stack, twilio, PERSON, "YES")).lower()
    text_in(stack, twilio, PERSON, "1")  # keep texting on this number
    text_in(stack, twilio, PERSON, "SKIP")  # no first name
    done = " ".join(text_in(stack, twilio, PERSON, "YES")).lower()
    assert "let our team know" in done


def test_screen_handoff_takeover_reply_and_close(takeover):
    stack, twilio = takeover
    _screen_and_ask_for_a_person(stack, twilio)
    console = f"http://{stack.settings.host}:{stack.settings.console_port}"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context()
        requested: list[str] = []
        context.on("request", lambda r: requested.append(r.url))
        page = context.new_page()
        page.goto(f"{console}/queue")
        page.fill("#username", STAFF[0])
        page.fill("#password", STAFF[1])
        page.click("#login")
        expect(page).to_have_url(f"{console}/queue")
        rows = page.locator("#queue tbody tr")
        expect(rows).to_have_count(1)
        expect(rows.nth(0)).to_contain_text("SMS")
        rows.nth(0).locator("a.open").click()
        expect(page.locator("#reasons cite").first).to_have_attribute("title", re.compile(r"\.txt$"))  # seed file
        expect(page.locator("#transcript")).to_contain_text("not medical advice")
        page.click("#action-claim")
        expect(page.locator("#status")).to_have_text("claimed")

        before = len(twilio.to(PERSON))
        page.fill("#reply-text", "Hi, this is Dana from the intake team. Is now a good time?")
        page.click("#send-reply")
        expect(page.locator(".flash-ok")).to_contain_text("Reply sent")
        sent = twilio.to(PERSON)[before:]
        assert any("this is Dana from the intake team" in body for body in sent), sent

        # while taken over the bot stays silent and the person's message shows up in the console
        quiet_before = len(twilio.to(PERSON))
        text_in(stack, twilio, PERSON, "yes now is good, thank you")
        time.sleep(1.5)
        assert len(twilio.to(PERSON)) == quiet_before, "the bot must not answer during a takeover"
        expect(page.locator("#transcript")).to_contain_text("yes now is good, thank you", timeout=15_000)

        page.click("#action-close")
        expect(page.locator("#status")).to_have_text("closed")
        page.click("#logout")
        browser.close()
    hosts = {urlparse(url).hostname for url in requested if url.startswith("http")}
    assert hosts <= {"127.0.0.1", "localhost"}, hosts
