"""The console in a real headless Chromium (Debian package) on SQLite and PostgreSQL.

A tiny local HTTP server stands in for the Rasa server's ``/conversations/{id}/execute`` endpoint: it records
the call and does what ``action_relay_staff_messages`` is specified to do (send the pending staff replies as
bot messages marked ``iopbot_from: staff`` and mark them delivered). The full bot is covered by the e2e tests.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
import uvicorn
from playwright.sync_api import expect, sync_playwright

from bot.store import db
from bot.store import repositories as repo
from bot.store.models import tracker_events, utcnow

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCRIPT = "<script>alert('pwned')</script>"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _add_event(settings, sender_id: str, event: dict) -> None:
    event.setdefault("timestamp", time.time())
    with db.session_scope(settings) as s:
        s.execute(
            tracker_events.insert().values(
                sender_id=sender_id,
                type_name=event["event"],
                timestamp=event["timestamp"],
                data=json.dumps(event),
            )
        )


class RasaStandIn:
    """Records /execute calls; relays pending staff messages like the real action would."""

    def __init__(self, settings):
        self.settings = settings
        self.calls: list[dict] = []
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                url = urlsplit(self.path)
                stand_in.calls.append({"path": url.path, "query": parse_qs(url.query), "body": body})
                sender_id = url.path.split("/")[2]
                with db.session_scope(stand_in.settings) as s:
                    pending = repo.pending_staff_messages(s, sender_id)
                    items = [(m.id, m.text) for m in pending]
                for message_id, text in items:
                    _add_event(
                        stand_in.settings,
                        sender_id,
                        {
                            "event": "bot",
                            "text": text,
                            "metadata": {"iopbot_from": "staff", "staff_message_id": message_id},
                        },
                    )
                with db.session_scope(stand_in.settings) as s:
                    repo.mark_delivered(s, [i for i, _ in items])
                payload = json.dumps({"tracker": {"sender_id": sender_id}, "messages": []}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


class LiveConsole:
    def __init__(self, settings):
        from bot.console.app import create_app

        self.port = _free_port()
        self.app = create_app(settings)
        config = uvicorn.Config(
            self.app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off", ws="none"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.base = f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("console did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc):
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.app.state.engine.dispose()


@pytest.fixture
def seeded(console_settings):
    """One urgent crisis handoff with a screening and a transcript, one normal handoff waiting longer."""
    settings = console_settings
    with db.session_scope(settings) as s:
        normal = repo.create_handoff(s, sender_id="web-normal", channel="web", reason="asked_for_person")
        repo.get_handoff(s, normal).created_at = utcnow().replace(year=2025)
        sc = repo.save_screening(
            s,
            sender_id="web-urgent",
            channel="web",
            answers={"withdrawal": "shakes and sweats"},
            band="detox_first",
            reasons=[{"text": "Withdrawal symptoms when stopping", "source": "000_5ec2b2d4ba1d6e8f.txt"}],
            criteria_version="test-1",
            summary={
                "red_flags": [{"text": "Past withdrawal seizures", "source": "001_aa.txt"}],
                "band": "detox_first",
            },
        )
        urgent = repo.create_handoff(
            s,
            sender_id="web-urgent",
            channel="web",
            urgency="urgent",
            reason="crisis",
            screening_id=sc,
            first_name="Robin",
            contact_preference="chat",
            consent=True,
            trigger_message=SCRIPT,
        )
    _add_event(settings, "web-urgent", {"event": "user", "text": "I had a seizure last time I stopped"})
    _add_event(settings, "web-urgent", {"event": "bot", "text": "Thank you for telling me."})
    _add_event(settings, "web-urgent", {"event": "user", "text": SCRIPT})
    return {"urgent": urgent, "normal": normal}


def test_staff_login_queue_takeover_reply_and_logout_in_chromium(console_settings, seeded, web):
    settings = console_settings
    with RasaStandIn(settings) as rasa:
        settings = settings.copy(
            update={"rasa_port": rasa.port, "rasa_token": "test-token", "host": "127.0.0.1"}
        )
        with LiveConsole(settings) as console, sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
            )
            context = browser.new_context()
            requested: list[str] = []
            dialogs: list[str] = []
            context.on("request", lambda request: requested.append(request.url))
            page = context.new_page()
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            base = console.base

            # anonymous -> login page
            page.goto(f"{base}/queue")
            expect(page).to_have_url(f"{base}/login")
            web.browser_login(page, base, web.STAFF)

            # queue: urgent first even though the normal one waited longer
            rows = page.locator("#queue tbody tr")
            expect(rows).to_have_count(2)
            expect(rows.nth(0)).to_contain_text("URGENT")
            expect(rows.nth(1)).to_contain_text("Asked for a person")

            # the queue refreshes by itself
            with db.session_scope(settings) as s:
                repo.create_handoff(s, sender_id="sms-new", channel="sms")
            expect(rows).to_have_count(3, timeout=15_000)
            expect(page.locator("#queue")).to_contain_text("SMS")

            # open the urgent handoff: red flags first, reasons with sources, transcript with text escaped
            rows.nth(0).locator("a.open").click()
            expect(page).to_have_url(f"{base}/handoffs/{seeded['urgent']}")
            expect(page.locator("#red-flags")).to_contain_text("Past withdrawal seizures")
            expect(page.locator("#reasons")).to_contain_text("000_5ec2b2d4ba1d6e8f.txt")
            transcript = page.locator("#transcript")
            expect(transcript).to_contain_text("I had a seizure last time I stopped")
            expect(transcript).to_contain_text(SCRIPT)  # shown as text, never run
            expect(page.locator("#snap-contact")).to_contain_text(SCRIPT)

            # take over and reply: stored, delivery attempted at our Rasa stand-in, shown as delivered
            page.fill("#reply-text", "Hi Robin, this is Sam from the intake team.")
            page.click("#send-reply")
            expect(page.locator(".flash-ok")).to_contain_text("Reply sent")
            expect(page.locator("#status")).to_have_text("in conversation")
            assert len(rasa.calls) == 1
            call = rasa.calls[0]
            assert call["path"] == "/conversations/web-urgent/execute"
            assert call["query"] == {"output_channel": ["latest"], "token": ["test-token"]}
            assert call["body"] == {"name": "action_relay_staff_messages"}
            expect(transcript.locator(".msg-staff")).to_contain_text("this is Sam from the intake team")
            with db.session_scope(settings) as s:
                assert repo.is_taken_over(s, "web-urgent")
                sent = repo.list_staff_messages(s, seeded["urgent"])
                assert [m.text for m in sent] == ["Hi Robin, this is Sam from the intake team."]
                assert sent[0].author == "sam" and sent[0].delivered_at is not None

            # the person's next message appears while staff look at the page
            _add_event(settings, "web-urgent", {"event": "user", "text": "thanks, I am here"})
            expect(transcript).to_contain_text("thanks, I am here", timeout=15_000)

            # notes, release back to the bot, close
            page.fill("#note-text", "Advised medical evaluation before IOP.")
            page.click("#add-note")
            expect(page.locator("#notes")).to_contain_text("Advised medical evaluation before IOP.")
            page.click("#action-release")
            expect(page.locator("#status")).to_have_text("waiting")
            with db.session_scope(settings) as s:
                assert not repo.is_taken_over(s, "web-urgent")
            page.click("#action-close")
            expect(page.locator("#status")).to_have_text("closed")

            # logout ends the session
            page.click("#logout")
            expect(page).to_have_url(f"{base}/login")
            page.goto(f"{base}/queue")
            expect(page).to_have_url(f"{base}/login")

            browser.close()

    assert dialogs == []
    assert requested, "no requests recorded"
    outside = [url for url in requested if not url.startswith(base + "/")]
    assert outside == [], f"requests left localhost: {outside}"
    with db.session_scope(settings) as s:
        actions = [e.action for e in repo.list_audit(s, actor="sam")]
    for expected in (
        "login",
        "queue.view",
        "handoff.view",
        "reply.add",
        "handoff.in_conversation",
        "note.add",
        "handoff.release",
        "handoff.close",
        "logout",
    ):
        assert expected in actions, expected
