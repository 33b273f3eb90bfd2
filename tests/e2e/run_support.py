"""`iopbot run` as a real process for end-to-end tests: start it, read its output, find its children, stop it."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import yaml

from bot import services
from tests.support.proc import alive, descendants, wait_until
from tests.support.stack import free_port, relaxed

ROOT = Path(__file__).resolve().parents[2]
IOPBOT = Path(sys.executable).parent / "iopbot"
NOTABLE = re.compile(r"\b(ERROR|WARNING|CRITICAL|Traceback)\b|failed|Error\b")
# what tells the three services apart in their command lines
ACTION_SERVER, RASA_SERVER, CONSOLE = "bot.serve actions", "bot.serve rasa", "bot.serve console"


def port_is_free(port: int) -> bool:
    """Nothing listens and a new server could bind it (with SO_REUSEADDR, as ours do)."""
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            return False
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


class RunningBot:
    """``iopbot run`` on free ports with its own data folder; output collected by a reader thread."""

    def __init__(self, data_dir: Path, env: dict[str, str] | None = None, ignore_sigint: bool = False,
                 args: tuple[str, ...] = ()) -> None:
        self.ports = {"rasa": free_port(), "action": free_port(), "console": free_port(), "health": free_port()}
        full_env = {**os.environ, "IOPBOT_DATA_DIR": str(data_dir),
                    **{f"IOPBOT_{name.upper()}_PORT": str(port) for name, port in self.ports.items()}}
        full_env.pop("IOPBOT_DATABASE_URL", None)
        # scripted conversations are faster than any person: the product's rate limits, relaxed
        data_dir.mkdir(parents=True, exist_ok=True)
        credentials = data_dir.parent / f"{data_dir.name}-credentials.yml"
        product = yaml.safe_load(services.credentials_path().read_text()) or {}
        credentials.write_text(yaml.safe_dump(relaxed(product), sort_keys=False))
        full_env["IOPBOT_CREDENTIALS_FILE"] = str(credentials)
        full_env.update(env or {})
        self.env = full_env
        preexec = (lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)) if ignore_sigint else None
        self.proc = subprocess.Popen([str(IOPBOT), "run", *args], cwd=ROOT, env=full_env, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True, preexec_fn=preexec)
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_for(self, text: str, timeout: float = 400) -> None:
        """Until a line of output contains ``text``; fails early if `iopbot run` exits."""
        deadline = time.monotonic() + timeout
        while not any(text in line for line in self.lines):
            assert self.proc.poll() is None, f"iopbot run exited ({self.proc.returncode}):\n{self.output}"
            assert time.monotonic() < deadline, f"no {text!r} within {timeout} s:\n{self.output}"
            time.sleep(0.2)

    # ---- looking at it ---------------------------------------------------------------------------
    def healthz(self) -> tuple[int, dict]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.ports['health']}/healthz", timeout=5) as reply:
                return reply.status, json.loads(reply.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())
        except OSError:
            return 0, {}

    def service(self, key: str) -> dict:
        return self.healthz()[1].get("services", {}).get(key, {})

    def pid(self, marker: str) -> int:
        """The pid of the service whose command line contains ``marker`` (not its die_with_parent guard)."""
        found = [pid for pid, cmd in descendants(self.proc.pid).items()
                 if marker in cmd and "die_with_parent" not in cmd]
        assert len(found) == 1, descendants(self.proc.pid)
        return found[0]

    def send(self, sender: str, text: str, timeout: float = 60) -> list[dict]:
        body = json.dumps({"sender": sender, "message": text}).encode()
        request = urllib.request.Request(f"http://127.0.0.1:{self.ports['rasa']}/webhooks/rest/webhook",
                                         data=body, headers={"Content-Type": "application/json",
                                                             "Authorization": f"Bearer {self.rest_token}"})
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            return json.loads(reply.read())

    @property
    def rest_token(self) -> str:
        """The REST channel's bearer token `iopbot run` generated into its data folder."""
        return (Path(self.env["IOPBOT_DATA_DIR"]) / "rest_token.txt").read_text().strip()

    @property
    def settings(self):
        """Settings as `iopbot run` sees them (database, data folder, ports), for reading what it stored."""
        from bot.config import load_settings

        return load_settings(data_dir=Path(self.env["IOPBOT_DATA_DIR"]),
                             database_url=self.env.get("IOPBOT_DATABASE_URL", ""),
                             rasa_port=self.ports["rasa"], action_port=self.ports["action"],
                             console_port=self.ports["console"], health_port=self.ports["health"])

    def logs(self, notable: bool = False) -> str:
        """Each log file's end; ``notable``: instead, each file's last 20 lines with an error, a warning or a
        Traceback (library deprecation warnings left out), which a long busy run's ends no longer hold; the Rasa
        servers' last, where a failure report's end shows them."""
        folder = Path(self.env["IOPBOT_DATA_DIR"]) / "logs"
        if not notable:
            return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}"
                             for p in sorted(folder.glob("*.log")))
        picked = {p.name: [line[:400] for line in p.read_text(errors="replace").splitlines()
                           if NOTABLE.search(line) and "py.warnings" not in line][-20:]
                  for p in sorted(folder.glob("*.log"), key=lambda p: (p.name.startswith("Rasa_server"), p.name))}
        return "\n".join(f"--- {name} (errors and warnings)\n" + "\n".join(lines) for name, lines in picked.items())

    # ---- stopping it -----------------------------------------------------------------------------
    def stop(self, signum: int, within: float = 20) -> float:
        """Send ``signum``; return the seconds until `iopbot run`, every process it started and every port are gone."""
        started = descendants(self.proc.pid)
        began = time.monotonic()
        self.proc.send_signal(signum)
        self.proc.wait(within)
        wait_until(lambda: not any(alive(pid) for pid in started), max(0.1, within - (time.monotonic() - began)),
                   lambda: f"still running: {[cmd for pid, cmd in started.items() if alive(pid)]}")
        wait_until(lambda: all(port_is_free(p) for p in self.ports.values()), 2,
                   lambda: f"ports in use: {[p for p in self.ports.values() if not port_is_free(p)]}")
        self._reader.join(5)
        return time.monotonic() - began

    def close(self) -> None:
        """Whatever happened in the test, leave nothing running."""
        if self.proc.poll() is None:
            left = descendants(self.proc.pid)
            self.proc.kill()
            self.proc.wait(10)
            for pid in left:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
