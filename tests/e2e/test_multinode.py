"""`iopbot run --nodes 2` as a real process: concurrent screenings over REST, the widget's socket.io and SMS
while one Rasa node and one action server are killed (SIGKILL) and restarted by the supervisor.

Every conversation must finish, each stored screening must hold the scripted answers, each conversation's
tracker (PostgreSQL, read through the balancer) must hold every user message exactly once in the order
sent, and a crisis message sent during the failover must get the crisis answer. How each client repeats
a cut-off message: tests/e2e/multinode_support.py.

Each widget client connects from its own loopback address (real widgets come from many addresses; the
balancer pins socket.io by client address), so the widgets spread over both nodes (asserted); the node
killed is the one holding more widgets, and the crisis widget sent during the failover comes from an
address pinned to it.

100 concurrent screenings (60 REST, 20 widget, 20 SMS: the 60/20/20 mix of the earlier 20 and 50; about 27
messages each), as the issue asks (before, 75 and 100 failed; see git history). Changed for 100: the
conversation lock is bot.cluster.lock_store (atomic in Redis, tickets served in arrival order, leases
renewed while a node lives; Rasa's RedisLockStore could let two nodes hold one conversation, RasaHQ/rasa
#9213); a message takes its ticket on arrival and the guard checks under the lock whether a copy of it (same
message_id, repeated by a client on another node) was handled already; the widget's replies carry the
message_id they answer (``metadata.reply_to``), so this test's widget client no longer takes a late copy
of an earlier answer for the current one. With only those, one run at 100 failed: web-14's "for myself"
got "sorry, I didn't catch that" (no trace kept; most likely the killed node had emitted the answer to
"yes" and died before Rasa stored the turn, so the widget went on from a turn the conversation never had).
So the widget now also holds a turn's replies until the turn is stored (bot.channels.web); then 100 passed
(times: the commit messages).
"""

from __future__ import annotations

import json
import os
import re
import signal
import threading
import time
import urllib.request
from pathlib import Path

import pytest
import requests

from bot.cluster.local import cluster_settings
from bot.config import load_settings
from bot.store import repositories
from tests.e2e import test_screening_conversations as screening  # a module: pytest collects none of its tests
from tests.e2e.channel_support import ACCOUNT_SID, AUTH_TOKEN, BOT_NUMBER, FakeTwilio
from tests.e2e.conversation import all_text, answer_all, database, start
from tests.e2e.multinode_support import (
    RestClient,
    Retries,
    SmsClient,
    WidgetClient,
    loopback_address,
    session_from,
    tracker_events,
    user_message_ids,
)
from tests.e2e.run_support import RunningBot
from tests.support.proc import descendants, wait_until
from tests.support.stack import free_port

pytestmark = pytest.mark.e2e

CONVERSATIONS = {"rest": 60, "socket.io": 20, "sms": 20}  # 60 % REST, 20 % widget, 20 % SMS (as 30/10/10 before)
# messages sent in all before the kill (6 per conversation of about 27), so conversations are mid-screening
KILL_AFTER = 6 * sum(CONVERSATIONS.values())
CRISIS = "i want to kill myself tonight"


def _pid_on_port(bot: RunningBot, port: int) -> int | None:
    found = [pid for pid, cmd in descendants(bot.proc.pid).items()
             if re.search(rf"--port {port}(\s|$)", cmd) and "die_with_parent" not in cmd]
    return found[0] if found else None


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5):  # noqa: S310 - local server
            return True
    except OSError:
        return False


def _socket_node(base: str, node_ports: list[int], source: str) -> int:
    """The Rasa node port the balancer pins socket.io sessions from ``source`` to (it hashes the client
    address): an Engine.IO handshake through the balancer from ``source``, then a pong posted straight to each
    node, which only the node holding the session accepts (400 elsewhere); the session is closed after."""
    http = session_from(source)
    try:
        reply = http.get(f"{base}/socket.io/?EIO=4&transport=polling", timeout=30)
        assert reply.status_code == 200 and reply.text.startswith("0"), (reply.status_code, reply.text[:200])
        sid = json.loads(reply.text[1:])["sid"]
        holders = []
        for port in node_ports:
            url = f"http://127.0.0.1:{port}/socket.io/?EIO=4&transport=polling&sid={sid}"
            if requests.post(url, data="3", timeout=30).status_code == 200:
                holders.append(port)
                requests.post(url, data="1", timeout=30)  # close: the probe leaves no session behind
        assert len(holders) == 1, (source, holders)
        return holders[0]
    finally:
        http.close()


def _rest_screening(client, sender: str) -> str:
    """A whole screening in free text (REST, or the widget's client, which has the same ``send``)."""
    replies, _ = answer_all(client, sender, start(client, sender), screening.SELF_FREE_TEXT)
    return all_text(replies)


def _sms_screening(sms: SmsClient, sender: str) -> str:
    replies = sms.send(sender, "hi")
    for _ in range(40):
        if "contact you to talk it through" in replies[-1].lower():
            break
        replies = sms.send(sender, _sms_answer(replies[-1]))
        assert replies, f"{sender}: an answer got no reply; the client's trace:\n{sms.trace(sender)}"
    return " ".join(replies).lower()


def _sms_answer(message: str) -> str:
    from tests.e2e import test_sms  # not at module level: pytest would collect its tests here too

    return test_sms._answer(message)  # noqa: SLF001 - the SMS screening's scripted answers


@pytest.fixture()
def cluster(tmp_path, model):  # noqa: ARG001 - `iopbot run` uses the trained model
    twilio = FakeTwilio().start()
    rasa_nodes, action_nodes = [free_port(), free_port()], [free_port(), free_port()]
    ports = {"IOPBOT_REDIS_PORT": free_port(), "IOPBOT_POSTGRES_PORT": free_port()}
    env = {**{k: str(v) for k, v in ports.items()},
           "IOPBOT_RASA_NODE_PORTS": json.dumps(rasa_nodes), "IOPBOT_ACTION_NODE_PORTS": json.dumps(action_nodes),
           "IOPBOT_TWILIO_ACCOUNT_SID": ACCOUNT_SID, "IOPBOT_TWILIO_AUTH_TOKEN": AUTH_TOKEN,
           "IOPBOT_TWILIO_NUMBER": BOT_NUMBER, "IOPBOT_TWILIO_API_BASE": twilio.url}
    bot = RunningBot(tmp_path / "data", env=env, args=("--nodes", "2"))
    try:
        bot.wait_for("==> ready", timeout=300)
        bot.rasa_nodes, bot.action_nodes, bot.twilio = rasa_nodes, action_nodes, twilio
        bot.store_ports = ports
        yield bot
    finally:
        bot.close()
        twilio.stop()


def _settings(bot: RunningBot):
    base = load_settings(data_dir=Path(bot.env["IOPBOT_DATA_DIR"]),
                         redis_port=bot.store_ports["IOPBOT_REDIS_PORT"],
                         postgres_port=bot.store_ports["IOPBOT_POSTGRES_PORT"])
    return cluster_settings(base)


class Sent:
    """Counts every message sent (to time the kill) and wraps a client's send."""

    def __init__(self) -> None:
        self.count = 0
        self.reached = threading.Event()
        self._lock = threading.Lock()

    def wrap(self, client):
        send = client.send

        def counted(sender, text):
            with self._lock:
                self.count += 1
                if self.count >= KILL_AFTER:
                    self.reached.set()
            return send(sender, text)
        client.send = counted
        return client


def test_screenings_survive_a_node_and_an_action_server_killed(cluster):
    bot = cluster
    base = f"http://127.0.0.1:{bot.ports['rasa']}"
    data_dir = Path(bot.env["IOPBOT_DATA_DIR"])
    rasa_token = (data_dir / "rasa_token.txt").read_text().strip()
    retries, sent = Retries(), Sent()
    rest = sent.wrap(RestClient(base, bot.rest_token, retries))
    sms = sent.wrap(SmsClient(base, bot.twilio, retries))
    # each widget from its own address, as real widgets: the balancer spreads them over the nodes by address
    web_keys = [f"web-{i}" for i in range(CONVERSATIONS["socket.io"])]
    source, on_node, socket_port, crisis_source = _place_widgets(base, bot.rasa_nodes, web_keys)
    results: dict[str, str] = {}
    errors: dict[str, BaseException] = {}
    widgets: dict[str, WidgetClient] = {}
    jobs = [f"rest-{i}" for i in range(CONVERSATIONS["rest"])] + web_keys
    jobs += [f"+1555020{i:04d}" for i in range(CONVERSATIONS["sms"])]

    def run(key):
        try:
            if key.startswith("rest-"):
                results[key] = _rest_screening(rest, key)
            elif key.startswith("web-"):
                widgets[key] = sent.wrap(WidgetClient(base, retries, key, source[key]))
                results[key] = _rest_screening(widgets[key], key)
            else:
                results[key] = _sms_screening(sms, key)
        except BaseException as exc:  # noqa: BLE001 - reported below with the conversation
            errors[key] = exc
        finally:
            if key in widgets:
                widgets[key].close()

    threads = [threading.Thread(target=run, args=(key,), daemon=True) for key in jobs]
    began = time.monotonic()
    for thread in threads:
        thread.start()

    assert sent.reached.wait(300), f"only {sent.count} messages sent:\n{bot.logs()}"
    killed = {port: _pid_on_port(bot, port) for port in (socket_port, bot.action_nodes[0])}
    for pid in killed.values():
        os.kill(pid, signal.SIGKILL)
    crisis = _crisis_during_failover(base, bot, retries, crisis_source)

    for thread in threads:
        thread.join(timeout=420)
    wait_until(lambda: all(_pid_on_port(bot, port) not in (None, pid) for port, pid in killed.items()), 120,
               lambda: "the supervisor did not restart the killed processes")
    took = time.monotonic() - began
    print(f"\n{len(jobs)} screenings in {took:.0f} s; repeats: {retries.counts}; killed {killed}; "
          f"widgets per node {({port: len(keys) for port, keys in on_node.items()})}")

    assert not errors, "\n".join([*(f"{key}: {str(exc)[:6000]}" for key, exc in errors.items()),
                                   f"the logs' ends:\n{bot.logs()}", bot.logs(notable=True)])
    assert all("988" in said for said in crisis.values()), crisis
    for key, said in results.items():
        assert "not medical advice" in said or "not a diagnosis" in said, (key, said[-300:])
    assert len(results) == len(jobs)
    _widgets_reconnected(widgets, on_node[socket_port])

    conversations = {s: ids for s, ids in rest.sent.items() if s.startswith("rest-")}
    conversations.update({w.conversation: w.sent for w in widgets.values()})
    traces = {w.conversation: f"{w.name}'s trace:\n{w.trace}" for w in widgets.values()}
    _each_message_stored_once_in_order(base, rasa_token, conversations, sms.sent, traces)
    _same_answers_stored(bot, list(conversations), list(sms.sent))


def _widgets_reconnected(widgets: dict[str, WidgetClient], on_killed_node: list[str]) -> None:
    """The killed node's widgets reconnected (on average once each) and each resumed its own conversation."""
    on_killed = [widgets[key] for key in on_killed_node]
    assert sum(w.confirms - 1 for w in on_killed) >= len(on_killed), "the killed node's widgets did not reconnect"
    assert not any(w.resumed_other for w in widgets.values()), "a reconnect must resume the same conversation"


def _place_widgets(base: str, node_ports: list[int], keys: list[str]):
    """Each widget's address, the widgets on each node, the node to kill (the one with the most widgets) and an
    address for the crisis widget that the balancer pins to that node."""
    source = {key: loopback_address(i) for i, key in enumerate(keys)}
    node_of = {key: _socket_node(base, node_ports, address) for key, address in source.items()}
    on_node = {port: [key for key in keys if node_of[key] == port] for port in node_ports}
    assert all(on_node.values()), f"the widgets' addresses all land on one node: {on_node}"
    socket_port = max(node_ports, key=lambda port: len(on_node[port]))
    return source, on_node, socket_port, _address_on(base, node_ports, socket_port, first=len(keys))


def _address_on(base: str, node_ports: list[int], port: int, first: int) -> str:
    """A loopback address (from the ``first``-th on) whose socket.io sessions the balancer pins to ``port``."""
    for n in range(first, first + 40):
        if _socket_node(base, node_ports, loopback_address(n)) == port:
            return loopback_address(n)
    raise AssertionError(f"no address of 40 lands on node {port}")


def _each_message_stored_once_in_order(base, rasa_token, by_message_id, by_message_sid, traces) -> None:
    """The tracker's user messages are exactly those sent, each once, in the order sent."""
    for sender, ids in by_message_id.items():
        stored = user_message_ids(tracker_events(base, rasa_token, sender))
        assert stored == ids, f"{sender}: stored {stored}\nsent {ids}\n{traces.get(sender, '')}"
    for sender, sids in by_message_sid.items():
        assert user_message_ids(tracker_events(base, rasa_token, sender), "message_sid") == sids, sender


def _crisis_during_failover(base, bot, retries, widget_source: str) -> dict[str, str]:
    """A crisis message on each channel right after the kill (the widget from an address pinned to the dead
    node: its socket lands on a dead node)."""
    said = {}
    try:
        rest = RestClient(base, bot.rest_token, retries)
        for i in range(3):  # three senders: at least one is hashed to the dead node with good odds
            said[f"crisis-{i}"] = all_text(rest.send(f"crisis-{i}", CRISIS))
        widget = WidgetClient(base, retries, "crisis-web", widget_source)
        try:
            said["crisis-web"] = all_text(widget.send("", CRISIS))
        finally:
            widget.close()
        said["+15550299999"] = " ".join(SmsClient(base, bot.twilio, retries).send("+15550299999", CRISIS))
    except AssertionError as exc:
        raise AssertionError(f"{exc}\nthe logs' ends:\n{bot.logs()}") from exc
    return said


def _same_answers_stored(bot, web_senders: list[str], sms_senders: list[str]) -> None:
    """Each channel's scripted screenings stored the same answers, none of them unclear."""
    settings = _settings(bot)
    holder = type("Holder", (), {"settings": settings})()
    with database(holder) as session:
        for senders in (web_senders, sms_senders):
            stored = {s: repositories.latest_screening(session, s) for s in senders}
            missing = [s for s, row in stored.items() if row is None]
            assert not missing, missing
            answers = {s: row.answers for s, row in stored.items()}
            first = next(iter(answers.values()))
            assert first and not [q for q, v in first.items() if v == "unclear"], first
            differ = {s: a for s, a in answers.items() if a != first}
            assert not differ, (first, differ)
