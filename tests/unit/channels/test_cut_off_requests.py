"""A turn runs to its end when the request that brought it is cut off (Twilio hangs up after 15 s, a balancer
after its timeout): a real Sanic server, a client that sends the webhook and closes the connection mid-turn.
Sanic cancels a request's handler when its connection closes; without bot.channels.uncancelled the SMS reply
was never sent and Twilio's retry (same MessageSid) was ignored as a duplicate: the message was lost."""

from __future__ import annotations

import asyncio
import json
import urllib.parse
from types import SimpleNamespace

from sanic import Sanic
from twilio.request_validator import RequestValidator

from bot.channels.rest import SafeRestInput
from bot.channels.sms import TwilioSmsInput
from tests.support.stack import free_port
from tests.unit.channels.conftest import fresh_database

AUTH_TOKEN = "0123456789abcdef0123456789abcdef"
SENDER = "+15550108002"
REPLY = "Thanks, noted. Next question?"


class SlowTurn:
    """Rasa's handler stand-in: starts, waits until released, then answers once."""

    def __init__(self) -> None:
        self.started, self.release, self.ended = asyncio.Event(), asyncio.Event(), asyncio.Event()
        self.turns = 0

    async def __call__(self, message) -> None:
        self.turns += 1
        self.started.set()
        await self.release.wait()
        await message.output_channel.send_text_message(message.sender_id, REPLY)
        self.ended.set()


async def _serve(name: str, channel, turn: SlowTurn, prefix: str, monkeypatch):
    # Sanic rewrites its own methods once per process unless in test mode (a second app would fail)
    monkeypatch.setattr(Sanic, "test_mode", True)
    app = Sanic(name)
    app.blueprint(channel.blueprint(turn), url_prefix=prefix)
    port = free_port()
    server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True)
    await server.startup()
    return server, port


async def _post(port: int, path: str, body: bytes,
                headers: dict[str, str]) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = "".join(f"{k}: {v}\r\n" for k, v in {**headers, "Content-Length": str(len(body))}.items())
    writer.write(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{head}\r\n".encode() + body)
    await writer.drain()
    return reader, writer


def _signed(port: int, params: dict[str, str]) -> tuple[bytes, dict[str, str]]:
    url = f"http://127.0.0.1:{port}/webhooks/twilio/webhook"
    return urllib.parse.urlencode(params).encode(), {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Twilio-Signature": RequestValidator(AUTH_TOKEN).compute_signature(url, params)}


async def test_an_sms_turn_whose_webhook_twilio_hung_up_on_still_sends_its_reply_once(tmp_path, monkeypatch):
    sent: list[str] = []

    async def send(_to: str, body: str) -> bool:
        sent.append(body)
        return True

    with fresh_database(tmp_path, monkeypatch):
        channel = TwilioSmsInput("AC" + "0" * 32, AUTH_TOKEN, "+15550000000")
        channel.sender = SimpleNamespace(send=send)
        turn = SlowTurn()
        server, port = await _serve("sms_cut_off", channel, turn, "/webhooks/twilio", monkeypatch)
        try:
            params = {"From": SENDER, "To": "+15550000000", "Body": "yes", "MessageSid": "SM" + "1" * 32}
            _, writer = await _post(port, "/webhooks/twilio/webhook", *_signed(port, params))
            await asyncio.wait_for(turn.started.wait(), 120)  # the first message loads the crisis model
            writer.close()  # Twilio gives up waiting
            await asyncio.sleep(0.3)  # the server sees the connection closed (and cancels the request's handler)
            reader, again = await _post(port, "/webhooks/twilio/webhook", *_signed(port, params))  # its retry
            status = await asyncio.wait_for(reader.readline(), 10)
            again.close()
            assert status.startswith(b"HTTP/1.1 200"), status
            turn.release.set()
            await asyncio.wait_for(turn.ended.wait(), 10)
            for _ in range(50):
                if sent:
                    break
                await asyncio.sleep(0.1)
            assert sent == [REPLY]  # the first copy's reply, once
            assert turn.turns == 1
        finally:
            server.close()
            await server.wait_closed()


async def test_a_rest_turn_whose_client_hung_up_runs_to_its_end(tmp_path, monkeypatch):
    monkeypatch.setenv("IOPBOT_REST_TOKEN", "rest-token-for-the-cut-off-test")
    with fresh_database(tmp_path, monkeypatch):
        turn = SlowTurn()
        server, port = await _serve("rest_cut_off", SafeRestInput(), turn, "/webhooks/rest", monkeypatch)
        try:
            body = json.dumps({"sender": "cut-off-1", "message": "yes", "message_id": "cut-off-1.0"}).encode()
            headers = {"Content-Type": "application/json", "Authorization": "Bearer rest-token-for-the-cut-off-test"}
            _, writer = await _post(port, "/webhooks/rest/webhook", body, headers)
            await asyncio.wait_for(turn.started.wait(), 120)  # the first message loads the crisis model
            writer.close()
            await asyncio.sleep(0.3)
            turn.release.set()
            await asyncio.wait_for(turn.ended.wait(), 10)  # cancelled with the request before: never ended
        finally:
            server.close()
            await server.wait_closed()


async def test_a_failure_after_the_request_was_cut_off_is_logged_with_its_type_only(caplog):
    from bot.channels.uncancelled import to_the_end
    from bot.redact import redact_record

    release = asyncio.Event()

    async def work() -> None:
        await release.wait()
        raise RuntimeError("+15550108002 said: I relapsed")

    caller = asyncio.create_task(to_the_end(work()))
    await asyncio.sleep(0.05)
    caller.cancel()  # the request's handler, cancelled when its connection closed
    release.set()
    await asyncio.sleep(0.05)
    logged = [redact_record(r).getMessage() for r in caplog.records if "cut off" in r.getMessage()]
    assert logged == ["handling a message failed after its request was cut off, error type RuntimeError"]
