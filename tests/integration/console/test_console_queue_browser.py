"""The queue, the snapshot and the alerts in a real headless Chromium (Debian package), on SQLite and PostgreSQL:
paging and filters over 210 handoffs, a desktop notification (and badge) for a new urgent handoff and for a new
message on a chat assigned to me, a transcript that follows new messages, the snapshot's contents, and axe-core
(no serious or critical violations). Writes the snapshot screenshot to docs/screenshots/ on SQLite."""

from __future__ import annotations

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect, sync_playwright

from bot.store import db
from bot.store import repositories as repo
from tests.integration.console.test_console_browser import CHROMIUM_ARGS, LiveConsole, _add_event

SCREENSHOT = Path(__file__).resolve().parents[3] / "docs" / "screenshots" / "console-snapshot.png"
# records desktop notifications instead of showing them (headless Chromium has no notification centre)
FAKE_NOTIFICATION = """
window.__notes = [];
window.Notification = class { constructor(title, options) { window.__notes.push(title); }
  static get permission() { return "granted"; } static requestPermission() { return Promise.resolve("granted"); } };
"""
ANSWERS = {"suicidal_thoughts": "no", "suicide_plan": "no", "suicide_behavior": "no", "harm_others": "no",
           "substances": ["alcohol", "stimulants"], "last_use": 2, "withdrawal": "unsure",
           "alcohol_frequency": "2_3_week", "alcohol_amount": 4, "alcohol_binge": "monthly",
           "phq_interest": "several_days", "phq_mood": "more_than_half", "readiness": "unclear"}


@pytest.fixture
def many(console_settings):
    """210 open handoffs (70 urgent; every 5th in Spanish; every 3rd by SMS) and one with a real summary."""
    from bot.screening import load_criteria, load_questionnaire, score
    from bot.screening.summary import build_summary

    with db.session_scope(console_settings) as s:
        for i in range(210):
            repo.create_handoff(s, sender_id=f"b-{i}", channel="twilio" if i % 3 == 0 else "socketio",
                                urgency="urgent" if i % 3 == 1 else "normal",
                                language="es" if i % 5 == 0 else "en", first_name=f"P{i}")
        q, c = load_questionnaire(), load_criteria()
        result = score(ANSWERS, q, c)
        summary = build_summary(result, ANSWERS, q)
        sid = repo.save_screening(s, sender_id="web-robin", channel="socketio", answers=ANSWERS, band=result.band,
                                  reasons=summary["reasons"], criteria_version=result.criteria_version,
                                  summary=summary, language="en")
        robin = repo.create_handoff(s, sender_id="web-robin", channel="socketio", screening_id=sid, consent=True,
                                    reason="end_of_screening", first_name="Robin", contact_preference="call",
                                    phone="+1 555 010 7788", best_time="weekdays after 5pm", language="en")
    for n in range(30):
        _add_event(console_settings, "web-robin", {"event": "user" if n % 2 else "bot", "text": f"message {n}"})
    return {"robin": robin}


def _serious(axe: Axe, page) -> list[str]:
    violations = axe.run(page).response["violations"]
    return [f"{v['id']} ({v['impact']}): {v['help']}" for v in violations if v["impact"] in ("serious", "critical")]


def test_queue_paging_filters_alerts_snapshot_and_axe(console_settings, many, web, db_url):
    settings = console_settings
    axe = Axe()
    with LiveConsole(settings) as console, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 1000})
        context.add_init_script(FAKE_NOTIFICATION)
        requested: list[str] = []
        context.on("request", lambda request: requested.append(request.url))
        page = context.new_page()
        base = console.base
        web.browser_login(page, base, web.STAFF)

        # paging: 25 a page, urgent first
        rows = page.locator("#queue tbody tr")
        expect(rows).to_have_count(25)
        expect(page.locator("#queue-count")).to_contain_text("1–25 of 211")
        expect(page.locator("#queue-count")).to_contain_text("(70 urgent)")
        expect(rows.nth(24)).to_contain_text("URGENT")
        page.click("#next-page")
        expect(page.locator("#page-of")).to_have_text("Page 2 of 9")
        expect(page.locator("#queue-count")).to_contain_text("26–50 of 211")
        page.goto(f"{base}/queue?page=3")
        expect(rows.nth(20)).to_contain_text("normal")  # urgent ones end at 70

        # filters: urgent + Spanish + SMS; then "assigned to me"
        page.select_option("select[name=urgency]", "urgent")
        page.select_option("select[name=language]", "es")
        page.select_option("select[name=channel]", "twilio")
        page.click("#apply-filters")
        # urgent (i%3==1), Spanish (i%5==0), SMS (i%3==0) cannot all hold: nobody
        expect(page.locator("#queue tbody")).to_contain_text("No one is waiting with these filters")
        page.select_option("select[name=channel]", "socketio")
        page.click("#apply-filters")
        expect(page.locator("#queue-count")).to_contain_text("of 14")  # i%15==10 below 210
        expect(rows.first).to_contain_text("Web chat · Spanish")
        assert axe and not _serious(axe, page), _serious(axe, page)

        # a new urgent handoff: badge, live region and a desktop notification naming only its number
        page.goto(f"{base}/queue")
        page.locator("h1").click()  # browsers allow sound only after the user interacted with the page
        page.wait_for_timeout(1500)  # the first look sets what is already known
        with db.session_scope(settings) as s:
            new_id = repo.create_handoff(s, sender_id="web-new-crisis", channel="socketio", urgency="urgent",
                                         reason="crisis")
        page.wait_for_function("() => window.__notes.length > 0", timeout=15_000)
        assert page.evaluate("window.__notes") == [f"New urgent handoff #{new_id}"]
        expect(page.locator("#alert-badge")).to_have_text("1 new")
        expect(page.locator("#alert-live")).to_have_text(f"New urgent handoff #{new_id}")
        expect(page.locator("body")).to_have_attribute("data-beeps", "1")  # the sound played once

        # the snapshot: everything at a glance, claim/assign above the transcript and the full summary
        page.goto(f"{base}/handoffs/{many['robin']}")
        snap = page.locator("#snapshot")
        expect(page.locator("#snap-substances")).to_have_text("Alcohol, Meth or other stimulants (e.g. Adderall)")
        expect(page.locator("#snap-last-use")).to_have_text("about 2 days ago")
        expect(snap).to_contain_text("AUDIT-C")
        expect(snap.locator(".snap-score").first).to_have_text("6 of 12")
        expect(snap.locator(".snap-score").nth(1)).to_have_text("3 of 6")
        expect(page.locator("#snap-unclear")).to_contain_text("Readiness to make a change")
        expect(page.locator("#snap-method")).to_have_text("Phone call")
        expect(page.locator("#snap-best-time")).to_have_text("weekdays after 5pm")
        expect(page.locator("#snap-consent")).to_have_text("Yes, agreed to be contacted")
        expect(page.locator("#snap-since")).to_contain_text("ES")  # EST / EDT: the clinic's zone
        expect(page.locator("#reasons")).to_contain_text("[Intensive Outpatient Program: goals")
        assert page.locator("#action-claim").bounding_box()["y"] < page.locator("#summary").bounding_box()["y"]
        if "sqlite" in db_url:
            SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            snap.screenshot(path=str(SCREENSHOT))
        assert not _serious(axe, page), _serious(axe, page)

        # the transcript opens at the newest message and follows new ones
        transcript = page.locator("#transcript")
        at_bottom = "el => el.scrollHeight - el.scrollTop - el.clientHeight < 40"
        assert transcript.evaluate(at_bottom)
        page.click("#action-claim")
        expect(page.locator("#status")).to_have_text("claimed")
        page.wait_for_timeout(1500)
        _add_event(settings, "web-robin", {"event": "user", "text": "are you still there?"})
        expect(transcript).to_contain_text("are you still there?", timeout=15_000)
        assert transcript.evaluate(at_bottom)
        # ... and a new message on my claimed chat is announced
        page.wait_for_function(f"() => window.__notes.includes('New message in handoff #{many['robin']}')",
                               timeout=15_000)
        # scrolled up to read, a new message shows a button instead of jumping
        transcript.evaluate("el => { el.scrollTop = 0; }")
        _add_event(settings, "web-robin", {"event": "user", "text": "hello?"})
        expect(page.locator("#new-messages")).to_be_visible(timeout=15_000)
        assert not transcript.evaluate(at_bottom)
        page.click("#new-messages")
        assert transcript.evaluate(at_bottom)

        # "assigned to me" now lists that chat
        page.goto(f"{base}/queue")
        page.click("#assigned-to-me")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text("Robin")
        expect(rows.first).to_contain_text("“hello?”")
        browser.close()

    outside = [url for url in requested if not url.startswith(base + "/")]
    assert outside == [], f"requests left localhost: {outside}"
