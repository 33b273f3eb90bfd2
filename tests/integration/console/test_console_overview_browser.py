"""The Overview page in a real headless Chromium (Debian package), on SQLite and PostgreSQL: its inline SVG
charts render (non-zero boxes, bars drawn), the tables are there, no request leaves the console's host and
the page's content security policy reports no violation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from bot.config import StaffedHours
from bot.store.models import utcnow
from tests.integration.console import overview_seed as seed
from tests.integration.console.test_console_browser import CHROMIUM_ARGS, LiveConsole


@pytest.fixture
def seeded(console_settings):
    settings = console_settings.copy(update={"staffed_hours": StaffedHours(**seed.STAFFED)})
    seed.seed(settings, utcnow().date())
    return settings


def test_overview_renders_its_charts_with_no_outside_request(seeded, web):
    today = utcnow().date()
    with LiveConsole(seeded) as console, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context()
        requested: list[str] = []
        console_messages: list[str] = []
        context.on("request", lambda request: requested.append(request.url))
        page = context.new_page()
        page.on("console", lambda message: console_messages.append(message.text))
        base = console.base
        web.browser_login(page, base, web.ADMIN)
        page.click("text=Overview")
        expect(page).to_have_url(f"{base}/overview")
        page.fill("input[name=date_from]", (today - dt.timedelta(days=6)).isoformat())
        page.click("#show")
        expect(page.locator("h1")).to_have_text("Overview")

        charts = page.locator("svg.chart")
        assert charts.count() >= 7
        for i in range(charts.count()):
            box = charts.nth(i).bounding_box()
            assert box and box["width"] > 100 and box["height"] > 20
        bands = page.locator("#chart-bands rect.bar")
        assert bands.count() == 1  # iop_good_fit (5); medical_first (1) is withheld, so no bar
        assert bands.first.bounding_box()["width"] > 10
        expect(page.locator("#chart-bands")).to_contain_text("< 5")
        assert page.locator("#chart-conversations_by_day rect.bar").count() >= 1
        expect(page.locator("#table-reply_times tr[data-key=staffed_median] td")).to_have_text("30 min")
        expect(page.locator("#table-conversations tr[data-key=sms] td")).to_have_text("< 5")
        assert page.get_by_role("img", name="Screening results (bands)").count() == 1

        with page.expect_download() as download:
            page.click("#download-csv")
        assert "conversations,started" in Path(download.value.path()).read_text(encoding="utf-8")
        browser.close()
    assert requested and all(url.startswith(base + "/") for url in requested), requested
    assert not [m for m in console_messages if "Content Security Policy" in m], console_messages
