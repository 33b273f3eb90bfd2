"""Against the real servers (Rasa and action server at DEBUG level, plus the console): no message text, answer,
tracker or phone number in any log, even for a malformed slash command, a crisis and a failing action; files
under the data folder are private; the Rasa API token is not on any command line."""

from __future__ import annotations

import json
import os
import stat
import time
import urllib.error
import urllib.request

import pytest

from tests.e2e.channel_support import ChannelStack, FakeTwilio, post_sms, sms_params
from tests.support.proc import descendants
from tests.support.stack import stack_settings

MARKER = "qx-private-marker-4471"
PHONE = "+15550104242"
FAIL_ACTIONS = (
    "import rasa_sdk.executor as ex\n"
    "_run = ex.ActionExecutor.run\n"
    "async def run(self, action_call):\n"
    "    tracker = action_call.get('tracker') or {}\n"
    "    if 'FAILME' in ((tracker.get('latest_message') or {}).get('text') or ''):\n"
    "        raise RuntimeError('forced failure with the tracker: ' + repr(tracker))\n"
    "    return await _run(self, action_call)\n"
    "ex.ActionExecutor.run = run\n"
)


class DebugStack(ChannelStack):
    """The SMS and widget channels on, both servers at DEBUG level; the action server fails any action for a
    message containing FAILME (fault injection by a sitecustomize module on its PYTHONPATH; the product code
    is unchanged)."""

    def action_service(self):
        service = super().action_service()
        inject = self.settings.data_dir.parent / "inject"
        inject.mkdir(exist_ok=True)
        (inject / "sitecustomize.py").write_text(FAIL_ACTIONS)
        service.argv = [*service.argv, "--debug"]
        service.env = {**service.env,
                       "PYTHONPATH": os.pathsep.join(filter(None, [str(inject), os.environ.get("PYTHONPATH")]))}
        return service

    def rasa_service(self):
        service = super().rasa_service()
        service.argv = [*service.argv, "--debug"]
        return service


@pytest.fixture(scope="module")
def debug_stack(tmp_path_factory, model):
    data_dir = tmp_path_factory.mktemp("private") / "var"
    data_dir.mkdir(mode=0o755)
    data_dir.chmod(0o755)  # loose on purpose: the processes must tighten it
    (data_dir / "logs").mkdir(mode=0o755)
    (data_dir / "logs" / "old.log").write_text("an older log\n")
    (data_dir / "logs" / "old.log").chmod(0o644)
    twilio = FakeTwilio().start()
    running = DebugStack(stack_settings(data_dir), model, with_console=True, twilio_url=twilio.url).start()
    try:
        _talk(running, twilio)
        time.sleep(2)  # let the servers finish writing their logs
        yield running
    finally:
        running.stop()
        twilio.stop()


def _talk(stack: ChannelStack, twilio: FakeTwilio) -> None:
    """The phone number's conversation by signed SMS (the only way to reach it), another one over REST."""

    def sms(text: str) -> str:
        before = len(twilio.to(PHONE))
        assert post_sms(stack.sms_url, sms_params(PHONE, text)) == 200
        return " ".join(twilio.to(PHONE)[before:])

    sms("hi")
    sms(f"/greet I want to kill myself {MARKER}")  # typed slash command
    assert "988" in sms(f"I want to kill myself {MARKER}")
    sms(f"yes, I have a plan {MARKER}")
    sms(f"FAILME my answer is {MARKER}")  # every action fails for this message
    stack.send("other-person", f"I drink every day {MARKER}")


def _log_text(stack: ChannelStack) -> dict[str, str]:
    return {str(path): path.read_text(errors="replace") for path in stack.settings.data_dir.rglob("*")
            if path.is_file() and (path.suffix == ".log" or "logs" in path.parts)}


def test_no_message_text_answer_or_phone_number_in_any_log(debug_stack):
    logs = _log_text(debug_stack)
    everything = "\n".join(logs.values())
    for secret in (MARKER, "kill myself", "I have a plan", "5550104242", "0104242"):
        leaks = [name for name, text in logs.items() if secret in text]
        assert not leaks, f"{secret!r} in {leaks}"
    # the lines that used to carry the text are still there, without it
    rasa_log = next(text for name, text in logs.items() if name.endswith("Rasa_server.log"))
    action_log = next(text for name, text in logs.items() if name.endswith("action_server.log"))
    assert "DEBUG" in rasa_log and "Predicted next action ‹redacted›" in rasa_log
    assert "ClientResponseError: ‹redacted›" in rasa_log  # the failed action, as Rasa saw it
    assert "an action failed" in action_log and "RuntimeError: ‹redacted›" in action_log
    # Rasa's warning about the typed slash command (gone once typed slash commands are read as text)
    assert everything.count("Failed to parse arguments in line") == \
        everything.count("Failed to parse arguments in line ‹redacted›")


def test_data_folder_and_every_file_in_it_are_private(debug_stack):
    data_dir = debug_stack.settings.data_dir
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    files = [p for p in data_dir.rglob("*") if p.is_file()]
    names = {p.name for p in files}
    assert {"iopbot.db", "Rasa_server.log", "action_server.log", "staff_console.log", "old.log"} <= names
    loose = {str(p): oct(stat.S_IMODE(p.stat().st_mode)) for p in files if stat.S_IMODE(p.stat().st_mode) != 0o600}
    assert not loose
    for folder in (p for p in data_dir.rglob("*") if p.is_dir()):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder


def test_rasa_api_token_is_not_on_any_command_line_and_still_required(debug_stack):
    token = debug_stack.settings.key("rasa_token")
    processes = {}
    for _service, proc in debug_stack.group.running:
        processes.update(descendants(proc.pid))
        processes[proc.pid] = ""
    rasa = [pid for pid, cmd in processes.items() if "bot.serve rasa" in cmd]
    assert rasa, processes
    for pid in processes:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            assert token.encode() not in fh.read()
    base = f"http://{debug_stack.settings.host}:{debug_stack.settings.rasa_port}"
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{base}/status", timeout=10)  # noqa: S310 - local server
    assert refused.value.code in (401, 403)
    with urllib.request.urlopen(f"{base}/status?token={token}", timeout=10) as reply:  # noqa: S310
        assert "model_file" in json.loads(reply.read())


def test_the_conversation_left_one_urgent_handoff_and_no_clear_crisis_names(debug_stack):
    import sqlalchemy as sa

    from bot.store import db
    from bot.store.models import Handoff

    with db.session_scope(debug_stack.settings) as s:
        rows = s.query(Handoff).filter_by(sender_id=PHONE).all()
        assert len(rows) == 1 and rows[0].urgency == "urgent"
    engine = sa.create_engine(debug_stack.settings.resolved_database_url, future=True)
    with engine.connect() as conn:
        events = conn.execute(sa.text("SELECT intent_name, action_name, data FROM events WHERE sender_id = :s"),
                              {"s": PHONE}).fetchall()
    engine.dispose()
    assert len(events) > 5
    from bot.store.tracker_store import CLEAR_ACTION_NAMES

    assert all(e.intent_name is None and e.data.startswith("gAAAA") for e in events)
    assert all(e.action_name is None or e.action_name in CLEAR_ACTION_NAMES for e in events)
