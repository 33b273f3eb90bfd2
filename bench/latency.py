"""Per-message latency over REST for our bot and, in the same run, a bare `rasa init` bot.

    .venv/bin/python bench/latency.py [--conversations 20] [--out bench/RESULTS.md]

Starts real servers on free local ports (nothing leaves this machine), drives scripted conversations at
1 and 10 concurrent conversations, and reports p50/p95/p99 per message and errors. The baseline bot is
Rasa's own `rasa init` template, built and trained under bench/out/ (git-ignored) on first use.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.runner import ProcessGroup  # noqa: E402
from bot.services import BIN, Service, child_env  # noqa: E402
from tests.support.stack import Stack, free_port, stack_settings, trained_model  # noqa: E402

OUR_SCRIPT = ["hi", "yes", "for myself", "no", "no", "alcohol", "every day", "last night", "no",
              "not sure", "what is IOP?", "no", "yes"]
BASELINE_SCRIPT = ["hi", "I am sad", "yes", "bye"]


def post(url: str, sender: str, text: str, headers: dict[str, str] | None = None) -> tuple[float, bool]:
    body = json.dumps({"sender": sender, "message": text}).encode()
    request = urllib.request.Request(url, data=body, headers=headers or {"Content-Type": "application/json"})
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - local server
            ok = response.status == 200 and isinstance(json.loads(response.read()), list)
    except Exception:  # noqa: BLE001 - counted as an error
        ok = False
    return (time.perf_counter() - start) * 1000, ok


def drive(url: str, script: list[str], conversations: int, concurrency: int, tag: str,
          headers: dict[str, str] | None = None) -> dict:
    def one(i: int) -> list[tuple[float, bool]]:
        return [post(url, f"{tag}-{concurrency}-{i}", text, headers) for text in script]

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        samples = [s for conv in pool.map(one, range(conversations)) for s in conv]
    wall = time.perf_counter() - started
    times = sorted(ms for ms, _ in samples)
    q = statistics.quantiles(times, n=100, method="inclusive")
    return {"messages": len(samples), "errors": sum(1 for _, ok in samples if not ok),
            "p50": q[49], "p95": q[94], "p99": q[98], "msg_per_s": len(samples) / wall}


def baseline_model(workdir: Path) -> Path:
    models = sorted((workdir / "models").glob("*.tar.gz"))
    if not models:
        print("==> building the baseline bot with `rasa init` (trains once)", flush=True)
        subprocess.run([str(BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(workdir)], check=True,
                       env=child_env(stack_settings(workdir)), stdout=subprocess.DEVNULL)
        models = sorted((workdir / "models").glob("*.tar.gz"))
    return models[-1]


def run_baseline(workdir: Path, conversations: int, levels: tuple[int, ...] = (1, 10), on_loaded=None) -> dict:
    """The bare bot at each concurrency ``levels``; ``on_loaded(group)`` runs after the last level (e.g. memory)."""
    model = baseline_model(workdir)
    port = free_port()
    group = ProcessGroup(child_env(stack_settings(workdir)), workdir, log_dir=workdir / "logs")
    base = f"http://127.0.0.1:{port}"
    group.start(Service("baseline Rasa", [str(BIN / "rasa"), "run", "--model", str(model), "--port", str(port),
                                          "--interface", "127.0.0.1"], f"{base}/webhooks/rest/", base))
    try:
        group.wait_ready(timeout=300)
        url = f"{base}/webhooks/rest/webhook"
        results = {c: drive(url, BASELINE_SCRIPT, max(conversations, c), c, "base") for c in levels}
        if on_loaded is not None:
            on_loaded(group)
        return results
    finally:
        group.stop()


def run_ours(conversations: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        settings = stack_settings(Path(tmp))
        stack = Stack(settings, trained_model(settings)).start()
        try:
            return {c: drive(stack.rest_url, OUR_SCRIPT, conversations, c, "ours", stack.rest_headers) for c in (1, 10)}
        finally:
            stack.stop()


def report(ours: dict, base: dict, conversations: int, command: str) -> str:
    lines = [
        "# Latency baseline (REST channel, per message)",
        "",
        f"Recorded {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {platform.node() or 'dev machine'}: "
        f"{platform.processor() or platform.machine()}, 2 cores, Python {platform.python_version()}.",
        f"Command: `{command}`. {conversations} conversations per level; ours = {len(OUR_SCRIPT)} messages "
        f"(intro, consent, screening answers, an FAQ), baseline `rasa init` bot = {len(BASELINE_SCRIPT)} messages.",
        "",
        "| bot | concurrent conversations | messages | errors | p50 ms | p95 ms | p99 ms | messages/s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, results in (("ours", ours), ("rasa init baseline", base)):
        for level, r in results.items():
            lines.append(f"| {name} | {level} | {r['messages']} | {r['errors']} | {r['p50']:.0f} | {r['p95']:.0f} "
                         f"| {r['p99']:.0f} | {r['msg_per_s']:.1f} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=20)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "RESULTS.md")
    args = parser.parse_args()
    workdir = ROOT / "bench" / "out" / "baseline"
    workdir.mkdir(parents=True, exist_ok=True)
    base = run_baseline(workdir, args.conversations)
    ours = run_ours(args.conversations)
    text = report(ours, base, args.conversations, "python bench/latency.py " + " ".join(sys.argv[1:]))
    args.out.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
