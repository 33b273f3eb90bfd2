"""One node vs two on the same machine: `iopbot run` and `iopbot run --nodes 2`, with the bare `rasa init` bot.

    .venv/bin/python bench/scale.py [--conversations 20] [--out bench/SCALE_RESULTS.md]

Our setups: plain `iopbot run` (one Rasa server, one action server, SQLite), and the cluster of
`iopbot run --nodes N` with one and with two nodes. Each is started in a temporary data folder on free ports
(ready time: from start to its "==> ready" line, with a trained model), then driven over REST at 1, 10 and
50 concurrent conversations (bench/latency.py's script, client and bare bot; at least as many conversations
as the concurrency), then the resident memory of every process it started is read from /proc.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.latency import BASELINE_SCRIPT, OUR_SCRIPT, drive, run_baseline  # noqa: E402
from tests.e2e.run_support import RunningBot  # noqa: E402
from tests.support.proc import descendants  # noqa: E402
from tests.support.stack import free_port, stack_settings, trained_model  # noqa: E402

LEVELS = (1, 10, 50)
SETUPS = (  # name, `iopbot run` arguments, Rasa nodes
    ("ours, single process (SQLite)", (), 1),
    ("ours, 1 node (HAProxy, PostgreSQL, Redis)", ("--nodes", "1", "--action-nodes", "1"), 1),
    ("ours, 2 nodes (HAProxy, PostgreSQL, Redis)", ("--nodes", "2"), 2),
)
KINDS = (("die_with_parent", "die-with-parent guards"), ("bot.serve rasa", "Rasa node"),
         ("bot.serve actions", "action server"), ("bot.serve console", "console"), ("haproxy", "HAProxy"),
         ("redis-server", "Redis"), ("postgres", "PostgreSQL"))


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def memory(root: int) -> dict[str, tuple[int, float]]:
    """Processes per kind and their summed RSS (MB), the supervisor (``root``) included."""
    out = {"supervisor (iopbot run)": (1, rss_mb(root))}
    for pid, cmd in descendants(root).items():
        name = next((label for marker, label in KINDS if marker in cmd), "other")
        count, total = out.get(name, (0, 0.0))
        out[name] = (count + 1, total + rss_mb(pid))
    return out


def run_ours(args: tuple[str, ...], nodes: int, conversations: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        env = {"IOPBOT_REDIS_PORT": str(free_port()), "IOPBOT_POSTGRES_PORT": str(free_port()),
               "IOPBOT_RASA_NODE_PORTS": json.dumps([free_port() for _ in range(nodes)]),
               "IOPBOT_ACTION_NODE_PORTS": json.dumps([free_port() for _ in range(nodes)])}
        began = time.monotonic()
        bot = RunningBot(Path(tmp) / "data", env=env, args=args)
        try:
            bot.wait_for("==> ready", timeout=400)
            ready = time.monotonic() - began
            url = f"http://127.0.0.1:{bot.ports['rasa']}/webhooks/rest/webhook"
            headers = {"Content-Type": "application/json", "Authorization": f"Bearer {bot.rest_token}"}
            levels = {c: drive(url, OUR_SCRIPT, max(conversations, c), c, f"n{nodes}", headers) for c in LEVELS}
            return {"ready": ready, "levels": levels, "memory": memory(bot.proc.pid)}
        finally:
            bot.close()


def run_bare(conversations: int) -> dict:
    workdir = ROOT / "bench" / "out" / "baseline"
    workdir.mkdir(parents=True, exist_ok=True)
    seen: dict = {}

    def loaded(group) -> None:
        for service, proc in group.running:  # the started process and what it runs (a die-with-parent guard)
            pids = [proc.pid, *descendants(proc.pid)]
            seen[service.name] = (1, sum(rss_mb(pid) for pid in pids))

    levels = run_baseline(workdir, conversations, LEVELS, on_loaded=loaded)
    return {"ready": None, "levels": levels, "memory": seen}


def report(results: dict[str, dict], conversations: int, load: tuple[str, str]) -> str:
    lines = [
        "# Scale: one node vs two (REST, per message)", "",
        f"Recorded {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {platform.node() or 'dev machine'}: "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}. Load average (1/5/15 min) before: {load[0]}; "
        f"after: {load[1]}.",
        f"Command: `python bench/scale.py --conversations {conversations}`. Ours: {len(OUR_SCRIPT)} messages per "
        f"conversation; bare `rasa init` bot: {len(BASELINE_SCRIPT)} messages (bench/latency.py). "
        f"max({conversations}, concurrency) conversations per level.", "",
        "| setup | concurrent | messages | errors | p50 ms | p95 ms | p99 ms | messages/s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, result in results.items():
        for level, r in result["levels"].items():
            lines.append(f"| {name} | {level} | {r['messages']} | {r['errors']} | {r['p50']:.0f} | {r['p95']:.0f} "
                         f"| {r['p99']:.0f} | {r['msg_per_s']:.1f} |")
    lines += ["", "| setup | ready after start (s) | process | count | RSS MB (sum) |", "|---|---|---|---|---|"]
    for name, result in results.items():
        ready = f"{result['ready']:.0f}" if result["ready"] is not None else "-"
        for process, (count, total) in sorted(result["memory"].items()):
            lines.append(f"| {name} | {ready} | {process} | {count} | {total:.0f} |")
    return "\n".join(lines) + "\n"


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=20)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "SCALE_RESULTS.md")
    args = parser.parse_args()
    before = _load()
    trained_model(stack_settings(Path(tempfile.mkdtemp())))  # trained once, before any ready time is taken
    results = {"bare rasa init": run_bare(args.conversations)}
    for name, argv, nodes in SETUPS:
        print(f"==> {name}", flush=True)
        results[name] = run_ours(argv, nodes, args.conversations)
    text = report(results, args.conversations, (before, _load()))
    args.out.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
