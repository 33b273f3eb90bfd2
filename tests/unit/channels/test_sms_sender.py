"""Sending an SMS against a real HTTP server standing in for Twilio's Messages API: a call that never gets an
answer, a refusal to take more, a dead address and a refused number."""

from __future__ import annotations

import json
import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bot.channels import sms_sender
from bot.channels.sms_sender import SmsSender
from tests.support.stack import free_port

ACCOUNT = "AC00000000000000000000000000000000"
TO = "+15550108002"


class Api:
    """Answers the n-th call with ``script[n]`` (the last one for every later call): an HTTP status, or "hang"
    (an answer only after the caller's time limit)."""

    def __init__(self, script: list) -> None:
        self.script = script
        self.bodies: list[str] = []
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server API
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                api.bodies.append(body)
                step = api.script[min(len(api.bodies), len(api.script)) - 1]
                if step == "hang":
                    time.sleep(2)
                    step = 201
                answer = json.dumps({"sid": "SM1", "status": "queued"} if step == 201
                                    else {"code": 21211, "message": "refused", "status": step}).encode()
                self.send_response(step)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(autouse=True)
def quick(monkeypatch):
    """Short time limits, so a hung call costs the test half a second."""
    monkeypatch.setattr(sms_sender, "CALL_SECONDS", 0.5)
    monkeypatch.setattr(sms_sender, "FIRST_PAUSE", 0.05)
    monkeypatch.setattr(sms_sender, "LATER", (0.2, 0.2))


async def _send(url: str, *bodies: str) -> bool:
    """Send ``bodies`` (default one) to ``TO``; whether the first went out at once. Returns after every later try."""
    sender = SmsSender(ACCOUNT, "token", "+15550000000", url)
    try:
        first, *rest = bodies or ("a reply",)
        sent = await sender.send(TO, first)
        for body in rest:
            await sender.send(TO, body)
        await sender.settled()
        return sent
    finally:
        await sender._twilio().http_client.close()  # noqa: SLF001 - the test owns the client


@pytest.mark.parametrize("first", ["hang", 429, 503])
async def test_a_call_that_hangs_or_is_turned_away_is_made_again_and_the_sms_goes_out(first):
    api = Api([first, 201])
    try:
        began = time.monotonic()
        assert await _send(api.url) is True
        assert len(api.bodies) == 2 and all("a+reply" in body for body in api.bodies)
        assert time.monotonic() - began < 2  # the hung call was given up after its time limit, not waited out
    finally:
        api.close()


async def test_a_number_twilio_refuses_is_not_tried_again(caplog):
    api = Api([400])
    try:
        with caplog.at_level(logging.INFO):
            assert await _send(api.url) is False
        assert len(api.bodies) == 1
        assert any("Twilio refused an SMS" in r.getMessage() for r in caplog.records)
    finally:
        api.close()


async def test_an_api_that_cannot_be_reached_gives_up_after_every_later_try_without_raising(caplog):
    with caplog.at_level(logging.ERROR):
        assert await _send(f"http://127.0.0.1:{free_port()}") is False
    failed = [r.getMessage() for r in caplog.records if r.name == "bot.channels.sms_sender"]
    assert failed and "every attempt" in failed[0] and "ClientConnectorError" in failed[0]
    assert "gave up on SMS after every later try: 1 not delivered" in failed[-1]
    assert len(failed) == 1 + len(sms_sender.LATER) + 1  # the first attempts, each later try, giving up


async def test_sms_whose_every_attempt_failed_go_out_later_in_order():
    """Twilio's API down for a moment (every attempt of the first SMS gets 503): that SMS and the next one to the
    same number wait, and both go out, in order, once the API answers again."""
    api = Api([503] * sms_sender.ATTEMPTS + [201])
    try:
        assert await _send(api.url, "first reply", "second reply") is False
        # the first: every attempt, then once later; the second only after it (not sent ahead of it)
        assert len(api.bodies) == sms_sender.ATTEMPTS + 2
        assert all("first" in body for body in api.bodies[:-1]) and "second" in api.bodies[-1]
    finally:
        api.close()


async def test_twilio_requests_are_not_logged_at_info(caplog):
    api = Api([201])
    try:
        with caplog.at_level(logging.DEBUG):
            assert await _send(api.url) is True
        assert not [r for r in caplog.records if "Twilio API Request" in r.getMessage()]
    finally:
        api.close()
