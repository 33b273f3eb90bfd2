"""bot.die_with_parent in front of a real command: signals passed on once, exit status passed back, no inherited
"ignore SIGINT"."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from bot.runner import describe_exit, is_healthy
from tests.support.proc import wait_until
from tests.support.stack import free_port

TOY = Path(__file__).resolve().parents[2] / "support" / "toy_service.py"


def guarded(*command: str, **popen) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "bot.die_with_parent", str(os.getpid()), *command], **popen)


def test_sigterm_to_the_guard_reaches_the_command_once_and_its_exit_comes_back(tmp_path):
    stop_log, port = tmp_path / "stops.txt", free_port()
    proc = guarded(sys.executable, str(TOY), "alpha", str(port), "--stop-log", str(stop_log))
    try:
        wait_until(lambda: is_healthy(f"http://127.0.0.1:{port}/health"), 10)  # its SIGTERM handler is in place
        proc.terminate()
        assert proc.wait(10) == 0
    finally:
        proc.kill()
    assert stop_log.read_text().split() == ["alpha"]


def test_exit_codes_and_deaths_by_signal_come_back_unchanged():
    assert guarded("sh", "-c", "exit 7").wait(10) == 7
    assert describe_exit(guarded("sh", "-c", "kill -9 $$").wait(10)) == "killed by SIGKILL"
    assert guarded("/nonexistent/command").wait(10) == 127


def test_the_command_does_not_inherit_an_ignored_sigint():
    probe = "import signal; print(signal.getsignal(signal.SIGINT) is signal.SIG_IGN)"
    out = guarded(sys.executable, "-c", probe, stdout=subprocess.PIPE, text=True,
                  preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)).communicate(timeout=10)[0]
    assert out.strip() == "False"

