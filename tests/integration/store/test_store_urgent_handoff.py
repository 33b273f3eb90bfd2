"""A flood of crisis messages in one conversation: one open urgent handoff, one staff notice."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

from bot.notify import notify_handoff
from bot.store import db
from bot.store import repositories as repo
from bot.store.models import Handoff


def _crisis(settings, sender, text):
    with db.session_scope(settings) as s:
        return repo.create_handoff(s, sender_id=sender, channel="twilio", urgency="urgent", reason="crisis",
                                   trigger_message=text)


def test_second_crisis_in_a_conversation_touches_the_open_urgent_handoff(store_settings):
    first = _crisis(store_settings, "+15550100001", "first crisis message")
    ids = {_crisis(store_settings, "+15550100001", f"crisis message {i}") for i in range(20)}
    assert ids == {first}
    _crisis(store_settings, "+15550100002", "someone else")
    with db.session_scope(store_settings) as s:
        open_rows = repo.queue(s)
        mine = [h for h in open_rows if h.sender_id == "+15550100001"]
        assert len(mine) == 1 and mine[0].urgency == "urgent" and mine[0].trigger_message == "crisis message 19"
        assert len(open_rows) == 2
        assert s.query(Handoff).count() == 2


def test_staff_are_told_once_per_handoff_and_again_when_urgency_rises(store_settings):
    received = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"])))["urgency"])
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings = store_settings.copy(update={"handoff_webhook_url": f"http://127.0.0.1:{server.server_port}/h"})
    try:
        with db.session_scope(settings) as s:
            hid = repo.create_handoff(s, sender_id="web-1", channel="socketio")
        notify_handoff(settings, hid, "normal", wait=True)
        notify_handoff(settings, hid, "normal", wait=True)
        for _ in range(5):
            notify_handoff(settings, _crisis(settings, "web-1", "crisis"), "urgent", wait=True)
    finally:
        server.shutdown()
    assert received == ["normal", "urgent"]
