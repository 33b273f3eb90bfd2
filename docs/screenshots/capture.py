"""Take the widget screenshots in this folder from a running bot (Playwright + the system Chromium).

    python docs/screenshots/capture.py http://127.0.0.1:5005 <the bot's data dir>

Phone (390x844) and desktop (1280x800): the opened widget in English and Spanish, and a live chat where a
staff member ("dana.reyes", created if missing) has joined and replied. The data dir gives database access
for the staff part (as the console would: claim, reply, relay through Rasa's /execute with the REST token).
"""

from __future__ import annotations

import contextlib
import json
import sys
import urllib.parse
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


def _open(browser, base: str, locale: str, viewport: dict):
    page = browser.new_context(locale=locale, viewport=viewport, device_scale_factor=1).new_page()
    page.goto(f"{base}/webhooks/socketio/demo")
    page.locator("#open-chat").click()
    page.locator(".rw-replies .rw-reply").last.wait_for(timeout=60_000)
    page.wait_for_timeout(1500)
    return page


def _staff_reply(base: str, settings, conversation: str, text: str) -> None:
    from bot.store import db
    from bot.store import repositories as repo
    from bot.store.admin import create_staff

    with contextlib.suppress(ValueError):
        create_staff("dana.reyes", "correct-horse-battery", settings=settings)
    with db.session_scope(settings) as s:
        handoff = repo.get_active_handoff(s, conversation)
        if handoff is None:
            handoff = repo.get_handoff(s, repo.create_handoff(s, sender_id=conversation, channel="socketio"))
        if handoff.status == "waiting":
            repo.change_status(s, handoff.id, "claim", repo.get_staff_by_username(s, "dana.reyes"))
        repo.add_staff_message(s, handoff.id, "dana.reyes", text)
    query = urllib.parse.urlencode({"output_channel": "latest", "token": settings.key("rasa_token")})
    request = urllib.request.Request(f"{base}/conversations/{conversation}/execute?{query}",  # noqa: S310
                                     data=json.dumps({"name": "action_relay_staff_messages"}).encode(),
                                     headers={"Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=60).close()  # noqa: S310 - the local bot


def main(base: str, data_dir: str) -> None:
    from bot.config import load_settings

    port = int(urllib.parse.urlparse(base).port or 5005)
    settings = load_settings(data_dir=Path(data_dir), rasa_port=port)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS, headless=True)
        for name, locale, viewport in (("widget-phone-en", "en-US", PHONE), ("widget-phone-es", "es-MX", PHONE),
                                       ("widget-desktop-en", "en-US", DESKTOP)):
            page = _open(browser, base, locale, viewport)
            page.screenshot(path=str(HERE / f"{name}.png"))
            page.context.close()
        for name, viewport in (("live-chat-phone-en", PHONE), ("live-chat-desktop-en", DESKTOP)):
            page = _open(browser, base, "en-US", viewport)
            session = page.evaluate("JSON.parse(sessionStorage.getItem('chat_session'))")["session_id"]
            count = page.locator(".rw-response").count()
            _staff_reply(base, settings, session.split(".")[0], "Hi, I'm Dana from the intake team. "
                         "I'm a real person - how can I help?")
            for _ in range(600):
                if page.locator(".rw-response").count() >= count + 2:
                    break
                page.wait_for_timeout(100)
            page.wait_for_timeout(1500)
            page.screenshot(path=str(HERE / f"{name}.png"))
            page.context.close()
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:3])
