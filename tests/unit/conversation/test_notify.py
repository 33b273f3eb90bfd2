"""Handoff notifications reach a real local HTTP server and carry no health details."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

from bot.config import load_settings
from bot.notify import notify_handoff


def _server():
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, received


def test_webhook_gets_only_urgency_and_a_console_link(tmp_path):
    server, received = _server()
    try:
        settings = load_settings(tmp_path / "none.yml", data_dir=tmp_path, console_url="https://console.example",
                                 handoff_webhook_url=f"http://127.0.0.1:{server.server_port}/hook")
        notify_handoff(settings, 42, "urgent", wait=True)
    finally:
        server.shutdown()
    assert received == [{"event": "handoff_waiting", "urgency": "urgent",
                         "url": "https://console.example/handoffs/42"}]


def test_nothing_configured_sends_nothing(tmp_path):
    settings = load_settings(tmp_path / "none.yml", data_dir=tmp_path)
    assert notify_handoff(settings, 1, "normal") is None


def test_unreachable_webhook_does_not_raise(tmp_path):
    settings = load_settings(tmp_path / "none.yml", data_dir=tmp_path, handoff_webhook_url="http://127.0.0.1:9/x")
    notify_handoff(settings, 1, "normal", wait=True)
