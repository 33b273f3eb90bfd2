"""Helpers for the channel e2e tests: a Stack with the web and SMS channels, a fake Twilio REST API
(an HTTP server on localhost that records the messages the bot sends), and signed Twilio webhooks."""

from __future__ import annotations

import base64
import itertools
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import yaml
from twilio.request_validator import RequestValidator

from bot import services
from bot.config import PROJECT_ROOT
from bot.runner import ProcessGroup
from tests.support.stack import Stack, free_port, relaxed, stack_settings

ACCOUNT_SID = "AC" + "0" * 31 + "1"
AUTH_TOKEN = "test-auth-token-0123456789abcdef"
BOT_NUMBER = "+15550100000"
RASA_TOKEN = "channel-tests-rasa-token"

CHANNEL_CREDENTIALS = {
    "bot.channels.rest.SafeRestInput": None,
    "bot.channels.web.WebChatInput": {"session_persistence": True},
    "bot.channels.sms.TwilioSmsInput": None,
}


class _Server(ThreadingHTTPServer):
    """Room for a burst of connections: with the default backlog of 5, a busy test process that accepted late
    made the kernel drop the bot's connection attempts, and a send waited seconds for its retransmissions."""

    request_queue_size = 128


class FakeTwilio:
    """Twilio's Messages API at the HTTP boundary: records every POSTed message (To, From, Body)."""

    def __init__(self) -> None:
        self.sent: list[dict[str, str]] = []
        self.auth: list[str] = []
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server API
                length = int(self.headers.get("Content-Length") or 0)
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
                if not self.path.startswith(f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"):
                    self.send_response(404)
                    self.end_headers()
                    return
                sid = f"SM{next(fake._ids):032d}"
                with fake._lock:
                    fake.sent.append({"To": form.get("To", ""), "From": form.get("From", ""),
                                      "Body": form.get("Body", "")})
                    fake.auth.append(self.headers.get("Authorization", ""))
                body = json.dumps({"sid": sid, "account_sid": ACCOUNT_SID, "to": form.get("To"),
                                   "from": form.get("From"), "body": form.get("Body"), "status": "queued",
                                   "num_segments": "1", "direction": "outbound-api"}).encode()
                self.send_response(201)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):  # noqa: N802 - like Twilio's message list: what was sent so far
                with fake._lock:
                    body = json.dumps({"messages": [{"to": m["To"], "from": m["From"], "body": m["Body"]}
                                                    for m in fake.sent]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):  # keep test output quiet
                pass

        self.server = _Server(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> FakeTwilio:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def to(self, number: str) -> list[str]:
        with self._lock:
            return [m["Body"] for m in self.sent if m["To"] == number]

    def expected_auth(self) -> str:
        return "Basic " + base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()


@dataclass
class ChannelStack(Stack):
    """The product stack with the widget and SMS channels enabled and Twilio's API pointed at ``twilio_url``."""

    twilio_url: str = ""
    product_limits: bool = False  # True: the channels' own rate limits instead of the relaxed test ones

    def __post_init__(self) -> None:
        super().__post_init__()
        extra = {"IOPBOT_TWILIO_ACCOUNT_SID": ACCOUNT_SID, "IOPBOT_TWILIO_AUTH_TOKEN": AUTH_TOKEN,
                 "IOPBOT_TWILIO_NUMBER": BOT_NUMBER, "IOPBOT_TWILIO_API_BASE": self.twilio_url,
                 "IOPBOT_CLINIC_NAME": self.settings.clinic_name,
                 "IOPBOT_HELPLINE_PHONE": self.settings.helpline_phone}
        self.group = ProcessGroup(services.child_env(self.settings, extra), PROJECT_ROOT,
                                  log_dir=self.settings.data_dir / "logs")
        chosen = CHANNEL_CREDENTIALS if self.product_limits else relaxed(CHANNEL_CREDENTIALS)
        self.credentials.write_text(yaml.safe_dump(chosen, sort_keys=False))

    def rasa_service(self):
        return services.rasa_server(self.settings, self.model, self.endpoints, self.credentials)

    @property
    def base_url(self) -> str:
        return f"http://{self.settings.host}:{self.settings.rasa_port}"

    @property
    def sms_url(self) -> str:
        return f"{self.base_url}/webhooks/twilio/webhook"

    def execute(self, sender_id: str, action: str) -> int:
        """Rasa's execute endpoint with output_channel=latest (how staff replies are delivered)."""
        query = urllib.parse.urlencode({"output_channel": "latest", "token": RASA_TOKEN})
        # Sanic 21.12 does not decode %2B in path parameters: keep "+" of phone numbers as it is
        url = f"{self.base_url}/conversations/{urllib.parse.quote(sender_id, safe='+')}/execute?{query}"
        request = urllib.request.Request(url, data=json.dumps({"name": action}).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as reply:  # noqa: S310 - local server
            return reply.status


    def tracker(self, sender_id: str) -> dict:
        query = urllib.parse.urlencode({"token": RASA_TOKEN})
        url = f"{self.base_url}/conversations/{urllib.parse.quote(sender_id, safe='+')}/tracker?{query}"
        with urllib.request.urlopen(url, timeout=60) as reply:  # noqa: S310 - local server
            return json.loads(reply.read())


_sids = itertools.count(1)


def new_message_sid() -> str:
    return f"SM{int(time.time() * 1000):016d}{next(_sids):016d}"


def sms_params(sender: str, body: str, message_sid: str | None = None) -> dict[str, str]:
    sid = message_sid or new_message_sid()
    return {"ToCountry": "US", "SmsMessageSid": sid, "NumMedia": "0", "SmsSid": sid, "SmsStatus": "received",
            "Body": body, "To": BOT_NUMBER, "NumSegments": "1", "MessageSid": sid, "AccountSid": ACCOUNT_SID,
            "From": sender, "ApiVersion": "2010-04-01"}


def post_sms(url: str, params: dict[str, str], token: str = AUTH_TOKEN, signature: str | None = None,
             headers: dict[str, str] | None = None, signed_url: str | None = None) -> int:
    """POST a Twilio webhook to ``url``, signed with twilio's RequestValidator for ``signed_url`` (default:
    ``url``), or carrying ``signature`` as given."""
    if signature is None:
        signature = RequestValidator(token).compute_signature(signed_url or url, params)
    data = urllib.parse.urlencode(params).encode()
    request = urllib.request.Request(url, data=data, headers={
        "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature,
        "User-Agent": "TwilioProxy/1.1", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=60) as reply:  # noqa: S310 - local server
            return reply.status
    except urllib.error.HTTPError as error:
        return error.code


# -- one server for both channel test modules ---------------------------------------------------------
_shared: dict[str, object] = {}


def shared_channel_stack(request, tmp_path_factory, model) -> tuple[ChannelStack, FakeTwilio]:
    """Start the fake Twilio API and the channel stack once per test session (stopped when it ends)."""
    if "stack" not in _shared:
        fake = FakeTwilio().start()
        request.config.add_cleanup(fake.stop)
        settings = stack_settings(tmp_path_factory.mktemp("channels"), rasa_token=RASA_TOKEN,
                                  clinic_name="Riverside IOP", helpline_phone="(555) 010-4242")
        running = ChannelStack(settings, model, twilio_url=fake.url)
        request.config.add_cleanup(running.stop)
        running.start()
        _shared.update(stack=running, twilio=fake)
    return _shared["stack"], _shared["twilio"]  # type: ignore[return-value]
