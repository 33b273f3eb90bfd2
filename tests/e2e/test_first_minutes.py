"""A newcomer's first minutes: `iopbot run` on a busy port says what to do; a warm `make run` is short and ends
with the URLs; a warm `iopbot train` reuses the model without starting Rasa."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from bot.config import load_settings
from bot.training import train
from tests.support.proc import alive, descendants, wait_until
from tests.support.stack import free_port

ROOT = Path(__file__).resolve().parents[2]
IOPBOT = Path(sys.executable).parent / "iopbot"
NOISE = ("Warning", "tensorflow", "it/s]", "Traceback", "INFO ")


def newcomer_env(data_dir: Path, ports: dict[str, int]) -> dict[str, str]:
    """The environment of someone who just opened a shell here (not a make started by `make test`)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "MFLAGS")) and k != "IOPBOT_DATABASE_URL"}
    return {**env, "IOPBOT_DATA_DIR": str(data_dir), **{f"IOPBOT_{k.upper()}_PORT": str(v) for k, v in ports.items()}}


def free_ports() -> dict[str, int]:
    return {"rasa": free_port(), "action": free_port(), "console": free_port(), "health": free_port()}


def test_run_on_a_busy_port_stops_at_once_with_one_line_of_advice(tmp_path):
    ports = free_ports()
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", ports["rasa"]))
        busy.listen()
        began = time.monotonic()
        done = subprocess.run([str(IOPBOT), "run"], cwd=ROOT, env=newcomer_env(tmp_path, ports), capture_output=True,
                              text=True, timeout=60, check=False)
    took = time.monotonic() - began
    assert done.returncode == 1, done.stdout + done.stderr
    advice = [line for line in done.stderr.splitlines() if line.startswith("!! ")]
    assert len(advice) == 1, done.stderr
    assert advice[0].startswith(f"!! port {ports['rasa']} (Rasa server) is already in use by pid {os.getpid()}")
    assert advice[0].endswith("stop that program, or set IOPBOT_RASA_PORT to a free port")
    assert "==> training" not in done.stdout and "==> starting" not in done.stdout  # nothing was started
    assert not (tmp_path / "iopbot.db").exists()
    print(f"iopbot run refused the busy port in {took:.1f} s")


@pytest.mark.usefixtures("model")
def test_warm_train_reuses_the_model_without_starting_rasa(tmp_path):
    settings = load_settings(data_dir=tmp_path)
    train(settings)  # warm (a no-op after the session's model fixture)
    before = sorted(settings.model_dir.glob("*.tar.gz"))
    began = time.monotonic()
    done = subprocess.run([str(IOPBOT), "train"], cwd=ROOT, env=newcomer_env(tmp_path, free_ports()),
                          capture_output=True, text=True, timeout=120, check=True)
    took = time.monotonic() - began
    [line] = done.stdout.splitlines()
    assert line.startswith(f"==> model: up to date, models/{before[-1].name} (")
    assert done.stderr == "" and sorted(settings.model_dir.glob("*.tar.gz")) == before
    assert took < 10, f"a warm `iopbot train` took {took:.1f} s"
    print(f"warm iopbot train: {took:.1f} s")


@pytest.mark.usefixtures("model")
def test_warm_make_run_is_short_and_ends_with_the_urls(tmp_path):
    train(load_settings(data_dir=tmp_path))  # warm
    models_before = sorted((ROOT / "models").glob("*.tar.gz"))
    ports = free_ports()
    proc = subprocess.Popen(["make", "run"], cwd=ROOT, env=newcomer_env(tmp_path, ports), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True)
    reader.start()
    began = time.monotonic()
    try:
        wait_until(lambda: any(line.startswith("    stop:") for line in lines) or proc.poll() is not None, 400,
                   lambda: "".join(lines))
        ready_after = time.monotonic() - began
        started = descendants(proc.pid)
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in the terminal does
        proc.wait(60)
        reader.join(10)
        wait_until(lambda: not any(alive(pid) for pid in started), 30, lambda: f"left running: {started}")
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    output = "".join(lines)
    print(output)
    assert "==> stopped" in output, output
    assert len(lines) < 40, f"{len(lines)} lines:\n{output}"
    assert not [line for line in lines if any(noise in line for noise in NOISE)], output
    assert "==> model: up to date" in output and sorted((ROOT / "models").glob("*.tar.gz")) == models_before
    block = output.split("==> ready\n", 1)[1].split("==> stopping", 1)[0]
    rasa = f"http://127.0.0.1:{ports['rasa']}"
    for url in (f"{rasa}/webhooks/socketio/demo", f"{rasa}/webhooks/rest/webhook",
                f"http://127.0.0.1:{ports['console']}", f"http://127.0.0.1:{ports['health']}/healthz"):
        assert url in block, block
    assert "create-staff" in block and "Ctrl-C" in block
    print(f"warm make run: ready after {ready_after:.0f} s, {len(lines)} lines in all")
