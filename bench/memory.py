"""Idle memory (RSS) of the processes `iopbot run` starts, and how long Rasa takes to be ready.

    .venv/bin/python bench/memory.py [--runs 1] [--after-chat]

Starts the real `iopbot run` (this checkout's code) on free local ports with a temporary data folder and
the current trained model (a temporary model folder whose stamp names it, so nothing is retrained; the
model file itself is the one in models/). Reports, per run: seconds from the start of `iopbot run` until
Rasa's REST channel answers with the model loaded, and the RSS of the supervisor, Rasa server, action
server and console once all are ready and idle (with ``--after-chat`` also after one full screening, when
lazily loaded models are in memory). Prints a Markdown table; nothing leaves this machine.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.latency import OUR_SCRIPT  # noqa: E402
from tests.support.stack import free_port  # noqa: E402

PYTHON = Path(sys.executable)


def rss_mb(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return float("nan")
    return int(status.split("VmRSS:")[1].split()[0]) / 1024


def children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        out += [int(c) for c in text]
    return out


def descendants(pid: int) -> list[int]:
    found = []
    for child in children(pid):
        found += [child, *descendants(child)]
    return found


def tree_rss(supervisor: int) -> dict[str, float]:
    """RSS of the supervisor, of each service (its processes, not the small guard in front) and of the guards."""
    out = {"supervisor": rss_mb(supervisor), "guards (bot.die_with_parent)": 0.0}
    for guard in children(supervisor):
        out["guards (bot.die_with_parent)"] += rss_mb(guard)
        inner = descendants(guard)
        if inner:
            out[role(inner[0])] = sum(rss_mb(pid) for pid in inner)
    return out


def role(pid: int) -> str:
    cmd = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    line = " ".join(c.decode(errors="replace") for c in cmd)
    for key, name in (("bot.serve rasa", "Rasa server"), ("bot.serve actions", "action server"),
                      ("bot.serve console", "console")):
        if key in line:
            return name
    return line[:60]


def model_folder(tmp: Path) -> Path:
    """A model folder holding (links to) the newest trained model, stamped current for this checkout."""
    from bot.training import current_inputs, latest_model

    model = latest_model(ROOT / "models")
    folder = tmp / "models"
    folder.mkdir()
    (folder / model.name).symlink_to(model)
    (folder / ".model-inputs.json").write_text(json.dumps({**current_inputs(), "model": model.name}))
    return folder


def chat(port: int, token: str) -> None:
    for text in OUR_SCRIPT:
        body = json.dumps({"sender": "memory-bench", "message": text}).encode()
        request = urllib.request.Request(f"http://127.0.0.1:{port}/webhooks/rest/webhook", data=body,
                                         headers={"Content-Type": "application/json",
                                                  "Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(request, timeout=60) as reply:  # noqa: S310 - local server
            reply.read()


def one_run(after_chat: bool) -> dict:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        ports = {name: free_port() for name in ("RASA", "ACTION", "CONSOLE", "HEALTH")}
        env = {**os.environ, "PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false",
               "IOPBOT_DATA_DIR": str(tmp / "var"), "IOPBOT_MODEL_DIR": str(model_folder(tmp)),
               **{f"IOPBOT_{name}_PORT": str(port) for name, port in ports.items()}}
        env.pop("IOPBOT_DATABASE_URL", None)
        began = time.monotonic()
        proc = subprocess.Popen([str(PYTHON), "-m", "bot.cli", "run"], cwd=ROOT, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                start_new_session=True)
        result: dict = {}
        try:
            for line in proc.stdout:
                if "Rasa server is up after" in line and "rasa_up_s" not in result:
                    result["rasa_up_s"] = time.monotonic() - began
                if line.startswith("==> ready"):
                    result["all_ready_s"] = time.monotonic() - began
                    break
            else:
                raise RuntimeError("iopbot run stopped before it was ready")
            time.sleep(10)  # idle: let start-up work settle
            result["rss"] = tree_rss(proc.pid)
            if after_chat:
                token = (tmp / "var" / "rest_token.txt").read_text().strip()
                chat(ports["RASA"], token)
                time.sleep(5)
                result["rss_after_chat"] = tree_rss(proc.pid)
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                proc.kill()
        return result


def table(runs: list[dict]) -> str:
    names = ["supervisor", "Rasa server", "action server", "console", "guards (bot.die_with_parent)"]
    lines = ["| measure | " + " | ".join(f"run {i + 1}" for i in range(len(runs))) + " | median |",
             "|---" * (len(runs) + 2) + "|"]

    def row(label: str, values: list[float], fmt: str) -> None:
        shown = [format(v, fmt) for v in values]
        lines.append(f"| {label} | " + " | ".join(shown) + f" | {format(statistics.median(values), fmt)} |")

    row("Rasa up after start (s)", [r["rasa_up_s"] for r in runs], ".1f")
    row("all ready after start (s)", [r["all_ready_s"] for r in runs], ".1f")
    for key, label in (("rss", "idle"), ("rss_after_chat", "after one screening")):
        if key in runs[0]:
            for name in names:
                row(f"RSS {name}, {label} (MB)", [r[key].get(name, float("nan")) for r in runs], ".0f")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--after-chat", action="store_true")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    runs = [one_run(args.after_chat) for _ in range(args.runs)]
    print(f"load average at start: {load:.2f}; {os.cpu_count()} CPUs")
    print(table(runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
