"""`iopbot run` keeps the bot answering through crashes: ``kill -9`` of the action server or of the Rasa server
mid-screening, PostgreSQL restarted mid-conversation. Nothing already answered is lost, restarts show on
/healthz and on the console's health page, and SIGINT stops it although it was started with SIGINT ignored.

One supervised stack on a PostgreSQL cluster of its own serves the whole module; the last test stops it.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import time
import urllib.parse
import urllib.request

import pytest
from sqlalchemy import select

from bot.store import db, repositories
from bot.store.admin import create_staff
from bot.store.models import tracker_events
from tests.e2e.conversation import all_text, asked_question, database, start
from tests.e2e.run_support import ACTION_SERVER, CONSOLE, RASA_SERVER, RunningBot
from tests.e2e.test_screening_conversations import SELF_FREE_TEXT as ANSWERS
from tests.support.postgres import own_cluster
from tests.support.proc import wait_until

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def pg():
    import psycopg2

    cluster = own_cluster()
    conn = psycopg2.connect(host="127.0.0.1", port=cluster.port, user="postgres", dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute('CREATE DATABASE "iopbot"')
    conn.close()
    yield cluster
    cluster.remove()


@pytest.fixture(scope="module")
def bot(pg, tmp_path_factory, model):
    running = RunningBot(tmp_path_factory.mktemp("supervised"), env={"IOPBOT_DATABASE_URL": pg.url("iopbot")},
                         ignore_sigint=True)
    try:
        running.wait_for("==> ready")
        yield running
    finally:
        running.close()


def stored_answers(bot: RunningBot, sender: str) -> dict:
    """The screening answers so far, as the tracker store holds them (the ``screening_answers`` slot)."""
    engine = db.make_engine(settings=bot.settings)
    answers: dict = {}
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(tracker_events.c.data)
                                .where(tracker_events.c.sender_id == sender, tracker_events.c.type_name == "slot")
                                .order_by(tracker_events.c.id))
            for (data,) in rows:
                event = json.loads(data)
                if event.get("name") == "screening_answers":
                    answers = event.get("value") or {}
    finally:
        engine.dispose()
    return answers


def screen_a_few(bot: RunningBot, sender: str, questions: int = 3) -> tuple[str, dict]:
    """Start a screening and answer ``questions`` questions; return the open question and the stored answers."""
    replies = start(bot, sender)
    for _ in range(questions):
        replies = bot.send(sender, ANSWERS.get(asked_question(replies), "not sure"))
    pending = asked_question(replies)
    assert pending, all_text(replies)
    before = stored_answers(bot, sender)
    assert len(before) >= questions, before
    return pending, before


def finish_and_check(bot: RunningBot, sender: str, replies: list[dict], before: dict, pending: str) -> None:
    """Answer the rest; the stored screening holds every answer given before the failure and the pending one."""
    after = stored_answers(bot, sender)
    assert before.items() <= after.items() and pending in after, (before, after)
    for _ in range(60):
        asked = asked_question(replies)
        if asked:
            replies = bot.send(sender, ANSWERS.get(asked, "not sure"))
        elif "is that right?" in all_text(replies[-1:]):  # the bot says back what it understood
            replies = bot.send(sender, "yes")
        else:
            break
    with database(bot) as session:
        screening = repositories.latest_screening(session, sender)
        assert screening is not None, all_text(replies)
        assert after.items() <= screening.answers.items(), (after, screening.answers)


def test_healthz_reports_every_process_and_the_loaded_model(bot):
    code, health = bot.healthz()
    assert code == 200 and health["status"] == "ok" and health["model_loaded"] is True
    assert set(health["services"]) == {"action_server", "rasa_server", "staff_console"}
    assert all(s["status"] == "up" and s["restarts"] == 0 for s in health["services"].values())
    with urllib.request.urlopen(f"http://127.0.0.1:{bot.ports['health']}/livez", timeout=5) as reply:
        assert reply.status == 200


def test_action_server_killed_mid_screening_is_back_within_20_s_and_nothing_is_lost(bot):
    sender = "sup-actions"
    pending, before = screen_a_few(bot, sender)
    killed_at = time.monotonic()
    os.kill(bot.pid(ACTION_SERVER), signal.SIGKILL)
    replies = bot.send(sender, ANSWERS[pending])
    degraded = asked_question(replies) is None
    if degraded:  # the action server was still down: the crisis numbers and the helpline, nothing stored
        assert "988" in all_text(replies) and "911" in all_text(replies), all_text(replies)
    wait_until(lambda: bot.service("action_server").get("restarts") == 1
               and bot.service("action_server").get("status") == "up", 20, lambda: str(bot.healthz()))
    print(f"action server back after {time.monotonic() - killed_at:.1f} s; first reply degraded: {degraded}")
    assert bot.service("rasa_server")["restarts"] == 0  # the Rasa server kept serving
    if degraded:
        replies = bot.send(sender, ANSWERS[pending])
    assert asked_question(replies) not in (None, pending), all_text(replies)
    finish_and_check(bot, sender, replies, before, pending)


def test_while_postgres_is_down_a_message_gets_the_crisis_numbers(bot, pg):
    sender = "sup-postgres-down"
    pending, _ = screen_a_few(bot, sender, questions=1)
    pg.stop()
    try:
        down = all_text(bot.send(sender, ANSWERS[pending]))
    finally:
        pg.start_again()
    assert "988" in down and "911" in down, down


def test_postgres_restarted_mid_conversation_the_next_message_is_answered_and_nothing_is_lost(bot, pg):
    sender = "sup-postgres"
    pending, before = screen_a_few(bot, sender)
    pg.stop()
    pg.start_again()
    replies = bot.send(sender, ANSWERS[pending])
    assert asked_question(replies) not in (None, pending), all_text(replies) + bot.logs()
    finish_and_check(bot, sender, replies, before, pending)


def test_rasa_server_killed_mid_screening_restarts_and_resumes_from_the_tracker_store(bot):
    sender = "sup-rasa"
    pending, before = screen_a_few(bot, sender)
    os.kill(bot.pid(RASA_SERVER), signal.SIGKILL)
    wait_until(lambda: bot.service("rasa_server").get("restarts") == 1, 15, lambda: str(bot.healthz()))
    began = time.monotonic()
    wait_until(lambda: bot.healthz()[0] == 200, 240, lambda: str(bot.healthz()) + bot.logs())
    print(f"Rasa server answering again {time.monotonic() - began:.0f} s after its restart")
    assert bot.healthz()[1]["model_loaded"] is True
    replies = bot.send(sender, ANSWERS[pending])  # the answer to the question asked before the crash
    assert asked_question(replies) not in (None, pending), all_text(replies)
    finish_and_check(bot, sender, replies, before, pending)


def _console_login(base: str, username: str, password: str) -> urllib.request.OpenerDirector:
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = opener.open(f"{base}/login", timeout=10).read().decode()
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"username": username, "password": password, "csrf_token": csrf}).encode()
    assert opener.open(f"{base}/login", data=form, timeout=10).geturl().endswith("/queue")
    return opener


def test_console_health_page_shows_each_process_and_its_restart_count(bot):
    create_staff("ops", "correct-horse-battery", role="staff", settings=bot.settings)
    base = f"http://127.0.0.1:{bot.ports['console']}"
    opener = _console_login(base, "ops", "correct-horse-battery")
    restarts = bot.service("staff_console")["restarts"]
    os.kill(bot.pid(CONSOLE), signal.SIGKILL)  # the console itself crashes; the session cookie survives
    wait_until(lambda: bot.service("staff_console").get("restarts") == restarts + 1
               and bot.service("staff_console").get("status") == "up", 30, lambda: str(bot.healthz()))
    page = opener.open(f"{base}/health", timeout=10).read().decode()
    health = bot.healthz()[1]
    assert "model loaded: <strong>yes</strong>" in re.sub(r"\s+", " ", page)
    for key, service in health["services"].items():
        row = re.search(rf'<tr id="service-{key}">(.*?)</tr>', page, re.S)
        assert row, page
        assert f'<td class="restarts">{service["restarts"]}</td>' in row.group(1)
        assert service["log"] in row.group(1)
    assert health["services"]["staff_console"]["restarts"] >= 1


def test_sigint_stops_it_though_it_was_started_with_sigint_ignored(bot):
    took = bot.stop(signal.SIGINT, within=20)
    assert bot.proc.returncode == 0, bot.output
    assert "==> stopping (SIGINT)" in bot.output
    print(f"SIGINT to everything gone: {took:.1f} s")
