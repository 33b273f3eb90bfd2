"""`iopbot run --nodes 2` as a real process: concurrent screenings over REST, the widget's socket.io and SMS
while one Rasa node and one action server are killed (SIGKILL) and restarted by the supervisor.

Every conversation must finish, each stored screening must hold the scripted answers, each conversation's
tracker (PostgreSQL, read through the balancer) must hold every user message exactly once in the order
sent, and a crisis message sent during the failover must get the crisis answer. How each client repeats
a cut-off message: tests/e2e/multinode_support.py.

The issue asks for 100 concurrent screenings; this runs 20 (12 REST, 4 widget, 4 SMS, about 27 messages each:
about 180 s with the failover, 240 s with start-up on this 2-CPU machine). Tried with 100 (60 / 20 / 20) on
2026-12-03, three runs: the 100 screenings finished in 325 s in the first, but each run failed on a widget
that got no socket.io session in time (4 of 20 widgets within 60 s in the first run; the crisis widget sent
during the failover within 180 s in the third). All widgets share one node (sticky by client address; the test's
clients share one address) and the machine runs at about 8 messages/s across both nodes, far over capacity.
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
    tracker_events,
    user_message_ids,
)
from tests.e2e.run_support import RunningBot
from tests.support.proc import descendants, wait_until
from tests.support.stack import free_port

pytestmark = pytest.mark.e2e

CONVERSATIONS = {"rest": 12, "socket.io": 4, "sms": 4}
KILL_AFTER = 120  # messages sent in all before the kill, so conversations are mid-screening
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


def _socket_node(base: str, node_ports: list[int]) -> int:
    """The Rasa node port holding this machine's socket.io sessions (the balancer pins them by address)."""
    probe = WidgetClient(base, Retries(), "probe")
    try:
        sid = probe.client.eio.sid
        for port in node_ports:
            url = f"http://127.0.0.1:{port}/socket.io/?EIO=4&transport=polling&sid={sid}"
            try:
                urllib.request.urlopen(url, timeout=2)  # noqa: S310 - local server
            except urllib.error.HTTPError:
                continue  # 400: unknown session here
            except OSError:
                return port  # a long poll held open: the session lives here
            return port
    finally:
        probe.close()
    raise AssertionError("no node holds the probe's socket.io session")


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
        assert replies, f"{sender}: an answer got no reply"
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
    socket_port = _socket_node(base, bot.rasa_nodes)
    results: dict[str, str] = {}
    errors: dict[str, BaseException] = {}
    widgets: dict[str, WidgetClient] = {}
    jobs = [f"rest-{i}" for i in range(CONVERSATIONS["rest"])] + [f"web-{i}" for i in range(CONVERSATIONS["socket.io"])]
    jobs += [f"+1555020{i:04d}" for i in range(CONVERSATIONS["sms"])]

    def run(key):
        try:
            if key.startswith("rest-"):
                results[key] = _rest_screening(rest, key)
            elif key.startswith("web-"):
                widgets[key] = sent.wrap(WidgetClient(base, retries, key))
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
    crisis = _crisis_during_failover(base, bot, retries)

    for thread in threads:
        thread.join(timeout=420)
    wait_until(lambda: all(_pid_on_port(bot, port) not in (None, pid) for port, pid in killed.items()), 120,
               lambda: "the supervisor did not restart the killed processes")
    took = time.monotonic() - began
    print(f"\n{len(jobs)} screenings in {took:.0f} s; repeats: {retries.counts}; killed {killed}")

    assert not errors, {key: repr(exc)[:400] for key, exc in errors.items()}
    assert all("988" in said for said in crisis.values()), crisis
    for key, said in results.items():
        assert "not medical advice" in said or "not a diagnosis" in said, (key, said[-300:])
    assert len(results) == len(jobs)
    assert sum(w.confirms - 1 for w in widgets.values()) >= len(widgets), "the widgets' node was killed"
    assert not any(w.resumed_other for w in widgets.values()), "a reconnect must resume the same conversation"

    conversations = {s: ids for s, ids in rest.sent.items() if s.startswith("rest-")}
    conversations.update({w.conversation: w.sent for w in widgets.values()})
    _each_message_stored_once_in_order(base, rasa_token, conversations, sms.sent)
    _same_answers_stored(bot, list(conversations), list(sms.sent))


def _each_message_stored_once_in_order(base, rasa_token, by_message_id, by_message_sid) -> None:
    """The tracker's user messages are exactly those sent, each once, in the order sent."""
    for sender, ids in by_message_id.items():
        assert user_message_ids(tracker_events(base, rasa_token, sender)) == ids, sender
    for sender, sids in by_message_sid.items():
        assert user_message_ids(tracker_events(base, rasa_token, sender), "message_sid") == sids, sender


def _crisis_during_failover(base, bot, retries) -> dict[str, str]:
    """A crisis message on each channel right after the kill (the widget's socket lands on a dead node)."""
    said = {}
    rest = RestClient(base, bot.rest_token, retries)
    for i in range(3):  # three senders: at least one is hashed to the dead node with good odds
        said[f"crisis-{i}"] = all_text(rest.send(f"crisis-{i}", CRISIS))
    widget = WidgetClient(base, retries, "crisis-web")
    try:
        said["crisis-web"] = all_text(widget.send("", CRISIS))
    finally:
        widget.close()
    said["+15550299999"] = " ".join(SmsClient(base, bot.twilio, retries).send("+15550299999", CRISIS))
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
