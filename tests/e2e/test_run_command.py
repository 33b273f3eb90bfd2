"""`iopbot run` (the README's run command after set-up) starts all three processes, says ready, stops on Ctrl-C."""

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from bot.runner import is_healthy
from tests.support.stack import free_port

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.usefixtures("model")
def test_run_starts_everything_and_stops_cleanly_on_ctrl_c(tmp_path):
    ports = {"IOPBOT_RASA_PORT": free_port(), "IOPBOT_ACTION_PORT": free_port(), "IOPBOT_CONSOLE_PORT": free_port(),
             "IOPBOT_HEALTH_PORT": free_port()}
    env = {**os.environ, "IOPBOT_DATA_DIR": str(tmp_path), **{k: str(v) for k, v in ports.items()}}
    env.pop("IOPBOT_DATABASE_URL", None)
    proc = subprocess.Popen([str(Path(sys.executable).parent / "iopbot"), "run"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = []
    try:
        deadline = time.monotonic() + 400
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            output.append(line)
            if line.strip().startswith("stop:"):  # the last line of the ready block
                break
        assert any(line.strip() == "==> ready" for line in output), "".join(output)
        rasa, actions, console = ports["IOPBOT_RASA_PORT"], ports["IOPBOT_ACTION_PORT"], ports["IOPBOT_CONSOLE_PORT"]
        assert is_healthy(f"http://127.0.0.1:{actions}/health")
        assert is_healthy(f"http://127.0.0.1:{console}/healthz")
        request = urllib.request.Request(f"http://127.0.0.1:{rasa}/webhooks/rest/webhook",
                                         data=b'{"sender": "run-1", "message": "hi"}',
                                         headers={"Content-Type": "application/json"})
        with pytest.raises(urllib.error.HTTPError) as no_token:
            urllib.request.urlopen(request, timeout=60)
        assert no_token.value.code == 401
        token = (tmp_path / "rest_token.txt").read_text().strip()
        assert any("rest_token.txt" in line for line in output) and not any(token in line for line in output)
        request.add_header("Authorization", f"Bearer {token}")
        with urllib.request.urlopen(request, timeout=60) as response:
            assert b"not medical advice" in response.read()
        # Rasa's HTTP API only with the token
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"http://127.0.0.1:{rasa}/conversations/run-1/tracker", timeout=10)
        assert refused.value.code in (401, 403)
        assert (tmp_path / "iopbot.db").exists()
    finally:
        proc.send_signal(signal.SIGINT)
        rest, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, "".join(output) + rest
    assert "stopped" in rest
    for port in ports.values():
        assert not is_healthy(f"http://127.0.0.1:{port}/")
