"""The generated HAProxy configuration, run by the real HAProxy in front of small HTTP servers standing in for
the nodes: one conversation always reaches one node (whichever channel or the console's relay carries it),
conversations spread over the nodes, and when a node dies its conversations move to another one without a
failed request."""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bot.cluster.haproxy import HEALTH_PATH, render
from bot.cluster.topology import Topology
from bot.config import Settings
from bot.console.relay import RELAY_ACTION, execute_url
from tests.support.proc import wait_until
from tests.support.stack import free_port


class Node:
    """Answers every request with its name and remembers the client address HAProxy forwarded."""

    def __init__(self, name: str) -> None:
        self.name, self.forwarded, self.alive = name, [], True
        node = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                self.rfile.read(int(self.headers.get("content-length") or 0))
                node.forwarded.append(self.headers.get("x-forwarded-for"))
                body = node.name.encode()
                self.send_response(200)
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer  # noqa: N815 - http.server's names

            def log_message(self, *_args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def kill(self) -> None:
        if not self.alive:
            return
        self.alive = False
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def balancer(tmp_path):
    if not shutil.which("haproxy"):
        pytest.fail("haproxy is not installed (make system-deps installs it)")
    nodes = [Node("rasa-1"), Node("rasa-2"), Node("actions-1"), Node("actions-2")]
    settings = Settings(rasa_port=free_port(), action_port=free_port(), rasa_node_ports=[nodes[0].port, nodes[1].port],
                        action_node_ports=[nodes[2].port, nodes[3].port])
    config = tmp_path / "haproxy.cfg"
    config.write_text(render(Topology.from_settings(settings, 2)))
    check = subprocess.run(["haproxy", "-c", "-f", str(config)], capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    proc = subprocess.Popen(["haproxy", "-db", "-f", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{settings.rasa_port}"
    wait_until(lambda: _get(base + HEALTH_PATH) is not None, 10)
    yield base, f"http://127.0.0.1:{settings.action_port}", {n.name: n for n in nodes}
    proc.terminate()
    proc.wait(timeout=10)
    for node in nodes:
        node.kill()


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as reply:
            return reply.read().decode()
    except OSError:
        return None


def _post(url: str, body: bytes, content_type: str) -> tuple[int, str]:
    request = urllib.request.Request(url, data=body, headers={"content-type": content_type})
    with urllib.request.urlopen(request, timeout=10) as reply:
        return reply.status, reply.read().decode()


def rest(base: str, sender: str) -> str:
    return _post(f"{base}/webhooks/rest/webhook", json.dumps({"sender": sender, "message": "hi"}).encode(),
                 "application/json")[1]


def sms(base: str, phone: str) -> str:
    body = urllib.parse.urlencode({"From": phone, "Body": "hi", "MessageSid": "SM1"}).encode()
    return _post(f"{base}/webhooks/twilio/webhook", body, "application/x-www-form-urlencoded")[1]


def test_each_conversation_sticks_to_one_node_and_conversations_spread(balancer):
    base, _, _ = balancer
    senders = [f"person-{i}" for i in range(40)]
    first = {s: rest(base, s) for s in senders}
    assert all(rest(base, s) == first[s] for s in senders for _ in range(3))
    assert set(first.values()) == {"rasa-1", "rasa-2"}
    phones = [f"+1555010{i:04d}" for i in range(40)]
    by_phone = {p: sms(base, p) for p in phones}
    assert all(sms(base, p) == by_phone[p] for p in phones)
    assert set(by_phone.values()) == {"rasa-1", "rasa-2"}
    # the console's relay reaches the node that holds the conversation's REST messages
    assert all(_get(f"{base}/conversations/{s}/tracker") == first[s] for s in senders[:10])


def relay(base: str, sender_id: str) -> str:
    """The console's relay request for a conversation, with the relay's own URL (its encoding of the id)."""
    port = urllib.parse.urlsplit(base).port
    url = execute_url(Settings(host="127.0.0.1", rasa_port=port), sender_id) + "?output_channel=latest&token=t"
    return _post(url, json.dumps({"name": RELAY_ACTION}).encode(), "application/json")[1]


def test_a_staff_reply_reaches_the_node_of_the_persons_own_messages(balancer):
    base, _, _ = balancer
    phones = [f"+1555010{i:04d}" for i in range(16)] + [f"whatsapp:+4477009{i:05d}" for i in range(16)]
    by_sms = {p: sms(base, p) for p in phones}  # Twilio's form: From=%2B1555... / whatsapp%3A%2B44...
    assert set(by_sms.values()) == {"rasa-1", "rasa-2"}
    assert {p: relay(base, p) for p in phones} == by_sms


def test_a_conversation_id_is_hashed_as_the_node_reads_it_on_every_route(balancer):
    """Sanic decodes form values but no path parameter: Rasa's id for /conversations/a%20b/ is "a%20b"."""
    base, _, _ = balancer
    ids = [f"partner-{i}%20x%2B{i}" for i in range(16)]
    by_rest = {i: rest(base, i) for i in ids}
    assert set(by_rest.values()) == {"rasa-1", "rasa-2"}
    assert {i: _get(f"{base}/conversations/{i}/tracker") for i in ids} == by_rest
    assert {i: sms(base, i) for i in ids} == by_rest  # the form carries it encoded: %2520x%252B


def test_sanic_reads_a_path_parameter_undecoded_as_the_balancer_hashes_it():
    """The premise of the raw path hash (Rasa's API route, on the Sanic that Rasa 3.6 pins)."""
    from sanic import Sanic, response

    app = Sanic("probe")

    @app.post("/conversations/<conversation_id:path>/execute")
    async def execute(_request, conversation_id: str):  # noqa: ARG001 - never called, only routed
        return response.empty()

    app.router.finalize()
    assert app.router.get("/conversations/a%20b%2B+1/execute", "POST", None)[2] == {"conversation_id": "a%20b%2B+1"}


def test_when_a_node_dies_its_conversations_move_without_a_failed_request_and_others_stay(balancer):
    base, _, nodes = balancer
    senders = [f"person-{i}" for i in range(30)]
    before = {s: rest(base, s) for s in senders}
    nodes["rasa-1"].kill()
    after = {s: rest(base, s) for s in senders}  # no exception: a refused connection is retried elsewhere
    assert set(after.values()) == {"rasa-2"}
    assert all(after[s] == "rasa-2" for s in senders if before[s] == "rasa-2")


def test_action_calls_are_spread_and_skip_a_dead_action_server(balancer):
    _, actions, nodes = balancer
    seen = {_post(f"{actions}/webhook", b"{}", "application/json")[1] for _ in range(10)}
    assert seen == {"actions-1", "actions-2"}
    nodes["actions-2"].kill()
    assert {_post(f"{actions}/webhook", b"{}", "application/json")[1] for _ in range(10)} == {"actions-1"}


def test_the_nodes_learn_the_client_address_from_the_balancer(balancer):
    base, _, nodes = balancer
    rest(base, "someone")
    assert "127.0.0.1" in [*nodes["rasa-1"].forwarded, *nodes["rasa-2"].forwarded]
