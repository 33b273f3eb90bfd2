"""How `iopbot run` ends: SIGTERM (systemd, docker, Kubernetes) stops every child and frees every port within
20 s; after a ``kill -9`` of the supervisor itself no process it started survives."""

import contextlib
import os
import signal

import pytest

from tests.e2e.run_support import RunningBot, port_is_free
from tests.support.proc import alive, descendants, wait_until

pytestmark = pytest.mark.e2e


@pytest.mark.usefixtures("model")
def test_sigterm_stops_every_child_and_frees_every_port_within_20_s(tmp_path):
    bot = RunningBot(tmp_path)
    try:
        bot.wait_for("==> ready")
        code, health = bot.healthz()
        assert code == 200 and health["model_loaded"] is True
        assert len([cmd for cmd in descendants(bot.proc.pid).values() if "die_with_parent" not in cmd]) == 3
        took = bot.stop(signal.SIGTERM, within=20)
    finally:
        bot.close()
    assert bot.proc.returncode == 0, bot.output
    assert "==> stopping (SIGTERM)" in bot.output and "==> stopped" in bot.output
    # channels first, then actions, then the console
    out = bot.output
    assert out.index("Rasa server stopped") < out.index("action server stopped") < out.index("staff console stopped")
    print(f"SIGTERM to everything gone: {took:.1f} s;", "; ".join(
        line.strip() for line in out.splitlines() if " stopped (" in line))


@pytest.mark.usefixtures("model")
def test_no_process_survives_a_kill_9_of_the_supervisor(tmp_path):
    bot = RunningBot(tmp_path)
    started: dict[int, str] = {}
    try:
        bot.wait_for("action server is up")  # the Rasa server is still loading its model: the harder moment
        started.update(descendants(bot.proc.pid))
        assert any("rasa run" in cmd for cmd in started.values()), started
        bot.proc.kill()
        bot.proc.wait(10)
        wait_until(lambda: not any(alive(pid) for pid in started), 20,
                   lambda: f"outlived the supervisor: {[cmd for pid, cmd in started.items() if alive(pid)]}")
        assert all(port_is_free(port) for port in bot.ports.values())
    finally:
        bot.close()
        for pid in started:  # if the test failed: clean up what survived
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
