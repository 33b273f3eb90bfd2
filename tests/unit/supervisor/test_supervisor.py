"""bot.supervisor with small real child processes (tests/support/toy_service.py): restarts, giving up, ordered
stop, SIGINT when started with SIGINT ignored, SIGHUP, and no child outliving a ``kill -9``-ed supervisor."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.support.proc import alive, descendants, wait_until
from tests.support.stack import free_port

DRIVER = Path(__file__).resolve().parents[2] / "support" / "toy_supervisor.py"
ROOT = Path(__file__).resolve().parents[3]


class Toy:
    """A supervisor process over toy services; ``out`` holds what it printed once it has exited."""

    def __init__(self, tmp_path: Path, services: list[dict], ignore_sigint: bool = False, **options) -> None:
        self.health_port = free_port()
        for service in services:
            service.setdefault("port", free_port())
        spec = {"log_dir": str(tmp_path / "logs"), "health_port": self.health_port, "services": services,
                **options}
        (tmp_path / "spec.json").write_text(json.dumps(spec))
        self.services = {s["name"]: s for s in services}
        preexec = (lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)) if ignore_sigint else None
        self.proc = subprocess.Popen([sys.executable, str(DRIVER), str(tmp_path / "spec.json")], cwd=ROOT,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                     preexec_fn=preexec)
        self.out = ""

    def healthz(self) -> tuple[int, dict]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.health_port}/healthz", timeout=2) as reply:
                return reply.status, json.loads(reply.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())
        except OSError:
            return 0, {}

    def wait_ok(self, timeout: float = 15) -> dict:
        wait_until(lambda: self.healthz()[0] == 200, timeout, lambda: f"never ok: {self.healthz()}")
        return self.healthz()[1]

    def pid_of(self, name: str) -> int:
        pids = [pid for pid, cmd in descendants(self.proc.pid).items()
                if f" {name} " in f" {cmd} " and "die_with_parent" not in cmd]
        assert len(pids) == 1, descendants(self.proc.pid)
        return pids[0]

    def finish(self, timeout: float = 20) -> int:
        self.out, _ = self.proc.communicate(timeout=timeout)
        return self.proc.returncode

    def close(self) -> None:
        """After a failed test: nothing may be left running, whatever the supervisor did."""
        if self.proc.poll() is None:
            left = descendants(self.proc.pid)
            self.proc.kill()
            self.proc.communicate(timeout=10)
            for pid in left:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)


@pytest.fixture
def toys(tmp_path):
    made: list[Toy] = []

    def make(services, **options) -> Toy:
        toy = Toy(tmp_path, services, **options)
        made.append(toy)
        return toy

    yield make
    for toy in made:
        toy.close()


def test_a_killed_child_is_restarted_while_the_other_keeps_running_and_the_count_shows(toys):
    toy = toys([{"name": "alpha"}, {"name": "beta"}])
    before = toy.wait_ok()
    assert before["services"]["alpha"]["restarts"] == 0
    alpha, beta = toy.pid_of("alpha"), toy.pid_of("beta")
    os.kill(alpha, signal.SIGKILL)
    wait_until(lambda: toy.healthz()[1].get("services", {}).get("alpha", {}).get("restarts") == 1, 10)
    after = toy.wait_ok()
    assert after["services"]["alpha"]["last_exit"] == "killed by SIGKILL"
    assert after["services"]["beta"]["restarts"] == 0
    assert toy.pid_of("beta") == beta and toy.pid_of("alpha") != alpha
    toy.proc.send_signal(signal.SIGTERM)
    assert toy.finish() == 0
    assert "alpha stopped unexpectedly (killed by SIGKILL); restarting in 0.2 s" in toy.out


def test_repeated_fast_failures_stop_everything_with_one_line_naming_the_service_and_its_log(toys, tmp_path):
    toy = toys([{"name": "alpha", "args": ["--exit-after", "0.3"]}, {"name": "beta"}], restart_limit=3)
    wait_until(lambda: toy.proc.poll() is not None, 20, lambda: "the supervisor kept restarting alpha")
    beta_gone = not descendants(toy.proc.pid)
    assert toy.finish() == 1, toy.out
    last = [line for line in toy.out.splitlines() if line.startswith("!!")][-1]
    assert last == (f"!! alpha failed 3 times in a row (last: exit code 3); stopping the bot. "
                    f"See its log: {tmp_path / 'logs' / 'alpha.log'}"), toy.out
    assert beta_gone and "beta stopped" in toy.out


def test_stop_goes_in_rank_order_and_kills_what_ignores_sigterm_with_its_children(toys, tmp_path):
    order, grandchild = tmp_path / "order.txt", tmp_path / "grandchild.pid"
    toy = toys([{"name": "console", "stop_rank": 2, "args": ["--stop-log", str(order)]},
                {"name": "actions", "stop_rank": 1, "args": ["--ignore-term", "--grandchild", str(grandchild)]},
                {"name": "channels", "stop_rank": 0, "args": ["--stop-log", str(order)]}], stop_timeout=1.5)
    toy.wait_ok()
    sleeper = int(grandchild.read_text())
    began = time.monotonic()
    toy.proc.send_signal(signal.SIGTERM)
    assert toy.finish() == 0
    assert time.monotonic() - began < 6
    assert order.read_text().split() == ["channels", "console"]
    assert "actions stopped (killed by SIGKILL" in toy.out
    assert toy.out.index("channels stopped") < toy.out.index("actions stopped") < toy.out.index("console stopped")
    assert not alive(sleeper), "a grandchild outlived the stop"


def test_sigint_stops_it_when_started_with_sigint_ignored(toys):
    toy = toys([{"name": "alpha"}], ignore_sigint=True)
    toy.wait_ok()
    alpha = toy.pid_of("alpha")
    toy.proc.send_signal(signal.SIGINT)
    assert toy.finish(timeout=10) == 0
    assert "==> stopping (SIGINT)" in toy.out
    assert not alive(alpha)


def test_no_child_outlives_a_kill_9_of_the_supervisor(toys, tmp_path):
    grandchild = tmp_path / "grandchild.pid"
    toy = toys([{"name": "alpha"}, {"name": "beta", "args": ["--grandchild", str(grandchild)]}])
    toy.wait_ok()
    everything = list(descendants(toy.proc.pid))
    assert len(everything) == 5  # two guards, two toys, one sleep started by a toy
    toy.proc.kill()
    toy.finish()
    wait_until(lambda: not any(alive(pid) for pid in everything), 8, lambda: f"still running: {everything}")


def test_sighup_restarts_the_reloadable_children_only(toys):
    toy = toys([{"name": "channels", "reload_on_hup": False}, {"name": "actions"}])
    toy.wait_ok()
    channels, actions = toy.pid_of("channels"), toy.pid_of("actions")
    toy.proc.send_signal(signal.SIGHUP)
    wait_until(lambda: actions not in descendants(toy.proc.pid), 10)
    wait_until(lambda: len(descendants(toy.proc.pid)) == 4, 10)
    toy.wait_ok()
    assert toy.pid_of("channels") == channels and toy.pid_of("actions") != actions
    assert toy.healthz()[1]["services"]["actions"]["restarts"] == 0  # a reload is not a failure
    toy.proc.send_signal(signal.SIGTERM)
    assert toy.finish() == 0
    assert "==> SIGHUP: restarting actions to re-read settings" in toy.out


def test_healthz_is_503_until_every_child_answers_and_livez_is_200_meanwhile(toys):
    toy = toys([{"name": "alpha"}, {"name": "slow", "args": ["--ready-after", "2"]}])
    wait_until(lambda: toy.healthz()[0] != 0, 10)
    code, body = toy.healthz()
    assert code == 503 and body["status"] == "starting"
    assert body["services"]["slow"]["status"] == "starting"
    with urllib.request.urlopen(f"http://127.0.0.1:{toy.health_port}/livez", timeout=2) as reply:
        assert reply.status == 200
    assert toy.wait_ok()["status"] == "ok"


def test_a_child_that_never_gets_healthy_stops_everything_with_one_line(toys, tmp_path):
    toy = toys([{"name": "alpha"}, {"name": "stuck", "args": ["--ready-after", "600"]}], ready_timeout=1)
    assert toy.finish() == 1, toy.out
    errors = [line for line in toy.out.splitlines() if line.startswith("!!")]
    assert errors == [f"!! stuck was not ready within 1 s; stopping the bot. "
                      f"See its log: {tmp_path / 'logs' / 'stuck.log'}"], toy.out


def test_a_tier_starts_only_after_the_tier_before_it_is_up_and_the_hook_ran(toys, tmp_path):
    tier_log = tmp_path / "tiers.log"
    toy = toys([{"name": "store", "tier": 0, "args": ["--ready-after", "2"]}, {"name": "node", "tier": 1}],
               tier_log=str(tier_log))
    wait_until(lambda: toy.healthz()[0] != 0, 10)
    time.sleep(1)  # the store is running but not ready yet: the node must not exist
    assert toy.healthz()[1]["services"]["node"]["status"] == "starting"
    assert not any(" node " in f" {cmd} " for cmd in descendants(toy.proc.pid).values())
    assert not tier_log.exists()
    toy.wait_ok()
    assert tier_log.read_text() == "tier 0 up\n"
    assert toy.pid_of("node") > 0
    toy.proc.send_signal(signal.SIGTERM)
    assert toy.finish() == 0
