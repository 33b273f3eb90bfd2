"""Where the time of one message goes: Rasa's own steps timed on the real model and the real stores.

    .venv/bin/python bench/message_profile.py [--conversations 5] [--long 3 --long-length 84] [--json out.json]
                                              [--whole-session]

Loads the newest trained model in this process the way `rasa run` does (``rasa.core.agent.load_agent`` with
the generated endpoints: the encrypted SQL tracker store on a temporary SQLite file, the action endpoint),
starts the real action server as a child process on a free port, and sends the scripted screening of
``bench/latency.py`` through ``Agent.handle_message`` (no HTTP channel: bench/latency.py measures that).
Every step is timed with wrappers around Rasa's methods: each graph node (the NLU components one by one,
the policies), tracker load (SQL, decryption, rebuilding the tracker) and save (encryption, SQL), the action
call over HTTP, and, replayed in this process with the same requests, the actions' own work. A long
conversation (FAQ questions after the screening) shows whether a message costs more as history grows.
Action calls carry the bounded event list of ``bot.nlu.action_payload``, as in ``bot/serve.py``;
``--whole-session`` sends the whole session as Rasa itself does (the "before"). Prints Markdown; ``--json``
keeps the raw numbers. Nothing leaves this machine.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import logging
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# this file's folder first on the path would shadow the standard library's `profile` (cProfile imports it)
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench")]
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from bench.latency import OUR_SCRIPT  # noqa: E402

FAQS = ["what is IOP?", "how long does it take?", "what are your hours?", "is this private?",
        "how much does it cost?", "why are you asking?"]


class Clock:
    """Milliseconds per step for the current message; steps nest (SQL is charged to the step it runs in)."""

    def __init__(self) -> None:
        self.steps: dict[str, float] = defaultdict(float)
        self.counts: dict[str, int] = defaultdict(int)
        self.stack: list[str] = []

    def reset(self) -> None:
        self.steps, self.counts, self.stack = defaultdict(float), defaultdict(int), []

    @contextmanager
    def step(self, name: str):
        self.stack.append(name)
        began = time.perf_counter()
        try:
            yield
        finally:
            self.steps[name] += (time.perf_counter() - began) * 1000
            self.counts[name] += 1
            self.stack.pop()

    @property
    def where(self) -> str:
        return self.stack[-1] if self.stack else "other"


CLOCK = Clock()
PAYLOADS: list[dict] = []


def wrap_sync(owner, name: str, label) -> None:
    original = getattr(owner, name)

    def timed(*args, **kwargs):
        with CLOCK.step(label(args) if callable(label) else label):
            return original(*args, **kwargs)

    setattr(owner, name, timed)


def wrap_async(owner, name: str, label: str) -> None:
    original = getattr(owner, name)

    async def timed(*args, **kwargs):
        with CLOCK.step(label):
            return await original(*args, **kwargs)

    setattr(owner, name, timed)


def instrument() -> None:
    """Wrap Rasa's processor, graph nodes, tracker store, crypto and HTTP client (this process only)."""
    import sqlalchemy as sa
    from rasa.core.actions.action import RemoteAction
    from rasa.core.processor import MessageProcessor
    from rasa.engine.graph import GraphNode
    from rasa.shared.core.events import Event
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.utils.endpoints import EndpointConfig

    from bot.store import crypto, tracker_store
    from bot.store.tracker_store import EncryptedSQLTrackerStore

    wrap_async(MessageProcessor, "fetch_tracker_and_update_session", "tracker load")
    wrap_async(MessageProcessor, "parse_message", "NLU")
    wrap_sync(MessageProcessor, "_predict_next_with_tracker", "policies")
    wrap_async(MessageProcessor, "_run_action", "actions (incl. HTTP)")
    wrap_async(MessageProcessor, "save_tracker", "tracker save")
    wrap_sync(GraphNode, "__call__", lambda args: f"node {args[0]._node_name}")
    wrap_sync(DialogueStateTracker, "from_dict", "rebuild tracker from events")
    wrap_sync(DialogueStateTracker, "copy", "tracker.copy")
    wrap_sync(crypto, "decrypt_text", "decrypt")
    wrap_sync(crypto, "encrypt_text", "encrypt")
    wrap_async(EncryptedSQLTrackerStore, "_retrieve", "store._retrieve")
    wrap_sync(RemoteAction, "_action_call_format", "serialise tracker for the action server")
    wrap_sync(tracker_store, "activity_of", "activity_of (Overview facts)")
    wrap_sync(Event, "as_dict", "event.as_dict")
    original_request = EndpointConfig.request

    async def request(self, *args, **kwargs):
        if kwargs.get("json") is not None:
            PAYLOADS.append(kwargs["json"])
        with CLOCK.step("action server over HTTP"):
            return await original_request(self, *args, **kwargs)

    EndpointConfig.request = request
    gc_began: list[float] = []

    def collecting(phase: str, info: dict) -> None:
        if phase == "start":
            gc_began.append(time.perf_counter())
        elif gc_began:
            key = f"garbage collection (generation {info['generation']})"
            CLOCK.steps[key] += (time.perf_counter() - gc_began.pop()) * 1000
            CLOCK.counts[key] += 1

    gc.callbacks.append(collecting)

    @sa.event.listens_for(sa.engine.Engine, "before_cursor_execute")
    def _before(conn, cursor, statement, parameters, context, executemany):  # noqa: ARG001
        conn.info.setdefault("began", []).append(time.perf_counter())

    @sa.event.listens_for(sa.engine.Engine, "after_cursor_execute")
    def _after(conn, cursor, statement, parameters, context, executemany):  # noqa: ARG001
        ms = (time.perf_counter() - conn.info["began"].pop()) * 1000
        CLOCK.steps[f"SQL in {CLOCK.where}"] += ms
        CLOCK.counts[f"SQL in {CLOCK.where}"] += 1


def prepare(tmp: Path):
    """Settings on a temporary data folder, migrated database, endpoints file; returns (settings, endpoints)."""
    from tests.support.stack import stack_settings

    settings = stack_settings(tmp)
    os.environ.update({"IOPBOT_DATA_DIR": str(tmp), "IOPBOT_ACTION_PORT": str(settings.action_port),
                       "IOPBOT_RASA_PORT": str(settings.rasa_port)})
    os.environ.pop("IOPBOT_DATABASE_URL", None)
    from bot import services
    from bot.config import get_settings
    from bot.store.db import migrate

    get_settings.cache_clear() if hasattr(get_settings, "cache_clear") else None
    migrate(settings.resolved_database_url)
    settings.key("encryption_key")
    return settings, services.write_endpoints(settings, tmp / "endpoints.yml")


async def send(agent, sender: str, text: str) -> tuple[float, dict, dict, list]:
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

    CLOCK.reset()
    out = CollectingOutputChannel()
    began = time.perf_counter()
    await agent.handle_message(UserMessage(text, out, sender, input_channel="rest"))
    total = (time.perf_counter() - began) * 1000
    return total, dict(CLOCK.steps), dict(CLOCK.counts), out.messages


async def action_own_work(payloads: list[dict]) -> list[float]:
    """The actions' work without HTTP: the recorded requests run through rasa-sdk's executor here."""
    from rasa_sdk.executor import ActionExecutor

    executor = ActionExecutor()
    executor.register_package("actions")
    for payload in payloads:  # first pass loads what the actions load lazily
        if await executor.run(payload) is None:
            raise RuntimeError(f"replay failed: {sorted(payload)}")
    times = []
    for payload in payloads:
        began = time.perf_counter()
        await executor.run(payload)
        times.append((time.perf_counter() - began) * 1000)
    return times


def crisis_assessment(texts: list[str], rounds: int = 5) -> list[float]:
    """The crisis check the channel guard runs on every message before Rasa (NLU reuses its cached verdict)."""
    from bot.safety import assessment

    times = []
    for _ in range(rounds):
        for text in texts:
            began = time.perf_counter()
            assessment._safe(text, True)  # uncached
            times.append((time.perf_counter() - began) * 1000)
    return times


def median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def mean(values) -> float:
    values = list(values)
    return statistics.fmean(values) if values else 0.0


async def profile(args) -> dict:
    from rasa.core.agent import load_agent
    from rasa.core.utils import AvailableEndpoints

    from bot import services
    from bot.nlu.rasa_patch import install_all
    from bot.runner import ProcessGroup
    from bot.training import latest_model

    install_all(bounded_action_requests=not args.whole_session)  # as bot.serve does; before instrument() wraps
    tmp = Path(tempfile.mkdtemp(prefix="iopbot-profile-"))
    settings, endpoints = prepare(tmp)
    group = ProcessGroup(services.child_env(settings), ROOT, log_dir=tmp / "logs")
    group.start(services.action_server(settings))
    try:
        began = time.perf_counter()
        agent = await load_agent(model_path=str(latest_model(ROOT / "models")),
                                 endpoints=AvailableEndpoints.read_endpoints(str(endpoints)))
        load_s = time.perf_counter() - began
        if not agent.is_ready():
            raise SystemExit("the model did not load; see the log lines above")
        group.wait_ready(timeout=120)
        instrument()
        for text in OUR_SCRIPT:  # warm-up: first calls load lazily, fill caches
            await send(agent, "warm-up", text)
        PAYLOADS.clear()
        messages = []
        for conv in range(args.conversations):
            for text in OUR_SCRIPT:
                total, steps, counts, _ = await send(agent, f"profile-{conv}", text)
                messages.append({"total": total, "steps": steps, "counts": counts})
        payloads = list(PAYLOADS)
        import cProfile  # after the path fix above

        profiler = cProfile.Profile()
        long_runs = []
        script = (OUR_SCRIPT + FAQS * 20)[:args.long_length]
        for conv in range(args.long):
            run = []
            for i, text in enumerate(script):
                if args.cprofile and conv == 0 and i >= len(script) - 10:
                    profiler.enable()
                sent = len(PAYLOADS)
                total, steps, counts, replies = await send(agent, f"long-{conv}", text)
                profiler.disable()
                sizes = [len(json.dumps(p)) / 1024 for p in PAYLOADS[sent:]]
                run.append({"payload_kb": max(sizes, default=0.0), "events_sent": max(
                                (len(p.get("tracker", {}).get("events") or []) for p in PAYLOADS[sent:]), default=0),
                            "total": total, "load": steps.get("tracker load", 0.0),
                            "save": steps.get("tracker save", 0.0), "decrypts": counts.get("decrypt", 0),
                            "replies": len(replies), "steps": steps})
            long_runs.append(run)
        if args.cprofile:
            profiler.dump_stats(str(args.cprofile))
        own = await action_own_work(payloads)
        crisis = crisis_assessment(OUR_SCRIPT + FAQS)
    finally:
        group.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return {"load_s": load_s, "messages": messages, "long": long_runs, "action_own_ms": own, "crisis_ms": crisis,
            "payload_kb": [len(json.dumps(p)) / 1024 for p in payloads], "loadavg": os.getloadavg()}


def report(data: dict) -> str:
    messages = data["messages"]
    keys = sorted({k for m in messages for k in m["steps"]}, key=lambda k: -median(
        [m["steps"].get(k, 0.0) for m in messages]))
    lines = [f"Model load in-process: {data['load_s']:.1f} s; {len(messages)} messages; load average "
             f"{data['loadavg'][0]:.2f}.", "",
             "| step | median ms per message | mean ms | calls per message |", "|---|---|---|---|",
             f"| **whole message** | {median([m['total'] for m in messages]):.1f} | "
             f"{mean(m['total'] for m in messages):.1f} | 1 |"]
    for key in keys:
        values = [m["steps"].get(key, 0.0) for m in messages]
        calls = mean(m["counts"].get(key, 0) for m in messages)
        lines.append(f"| {key} | {median(values):.2f} | {mean(values):.2f} | {calls:.1f} |")
    own = data["action_own_ms"]
    lines += ["", f"Actions' own work (recorded requests replayed in-process, {len(own)} calls): median "
              f"{median(own):.1f} ms, mean {mean(own) if own else 0:.1f} ms; request size median "
              f"{median(data['payload_kb']):.1f} kB, max {max(data['payload_kb'], default=0):.1f} kB."]
    crisis = data.get("crisis_ms") or []
    lines += [f"Crisis assessment (channel guard, before Rasa; uncached, {len(crisis)} calls): median "
              f"{median(crisis):.1f} ms, mean {mean(crisis):.1f} ms."]
    if data["long"]:
        lines += ["", "Long conversation (median over conversations, and over messages 3-7, 20-25 and the last 6; the "
                  "last two are the same six FAQs, asked while the form is open, each already checked for a crisis "
                  "once):", "",
                  "| message | whole ms | tracker load ms | tracker save ms | decryptions | largest action request kB "
                  "| events in it |", "|---|---|---|---|---|---|---|"]
        length = len(data["long"][0])
        spans = long_spans(length)
        for label, idx in spans:
            rows = [run[i] for run in data["long"] for i in idx]
            lines.append(f"| {label} | {median([r['total'] for r in rows]):.1f} | "
                         f"{median([r['load'] for r in rows]):.1f} | {median([r['save'] for r in rows]):.1f} | "
                         f"{median([r['decrypts'] for r in rows]):.0f} | "
                         f"{median([r.get('payload_kb', 0.0) for r in rows]):.1f} | "
                         f"{median([r.get('events_sent', 0) for r in rows]):.0f} |")
    if data["long"]:
        first = spans[-2]
        lines += ["", f"Steps that grow with history (median ms, messages {first[0]} vs the last 6):", "",
                  "| step | early | late |", "|---|---|---|"]
        early = [run[i]["steps"] for run in data["long"] for i in first[1]]
        late = [run[i]["steps"] for run in data["long"] for i in spans[-1][1]]
        grown = sorted({k for s in late for k in s}, key=lambda k: -(median([s.get(k, 0.0) for s in late])
                                                                     - median([s.get(k, 0.0) for s in early])))
        for key in grown[:12]:
            lines.append(f"| {key} | {median([s.get(key, 0.0) for s in early]):.1f} | "
                         f"{median([s.get(key, 0.0) for s in late]):.1f} |")
    return "\n".join(lines)


def long_spans(length: int) -> list[tuple[str, range]]:
    """Messages of a long conversation compared: 3-7 (screening answers), then 20-25 and the last 6 (the same
    six FAQs while the form is open, each already checked for a crisis once; growth with history shows there)."""
    middle = [("20-25", range(19, 25))] if length >= 31 else []
    return [("3-7", range(2, 7)), *middle, (f"{length - 5}-{length}", range(length - 6, length))]


def compare(before: dict, after: dict) -> str:
    """Median ms per message of each step, before and after (two ``--json`` files of this script)."""
    def medians(data: dict) -> dict[str, float]:
        messages = data["messages"]
        keys = {k for m in messages for k in m["steps"]}
        return {"**whole message**": median([m["total"] for m in messages]),
                **{k: median([m["steps"].get(k, 0.0) for m in messages]) for k in keys}}

    def long_rows(data: dict) -> dict[str, float]:
        runs = data["long"]
        if not runs:
            return {}
        rows = {}
        for label, idx in long_spans(len(runs[0])):
            chosen = [run[i] for run in runs for i in idx]
            for key, name in (("total", "whole message"), ("load", "tracker load")):
                rows[f"long conversation, messages {label}: {name}"] = median([r[key] for r in chosen])
        return rows

    b, a = medians(before) | long_rows(before), medians(after) | long_rows(after)
    lines = [f"Load average: before {before['loadavg'][0]:.2f}, after {after['loadavg'][0]:.2f}.", "",
             "| step (median ms per message) | before | after |", "|---|---|---|"]
    for key in sorted(set(b) | set(a), key=lambda k: -max(b.get(k, 0.0), a.get(k, 0.0))):
        if max(b.get(key, 0.0), a.get(key, 0.0)) >= 0.2:
            lines.append(f"| {key} | {b.get(key, 0.0):.1f} | {a.get(key, 0.0):.1f} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=5)
    parser.add_argument("--long", type=int, default=3)
    parser.add_argument("--long-length", type=int, default=84)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--whole-session", action="store_true",
                        help="send the action server the whole session, as Rasa itself does (for a before/after)")
    parser.add_argument("--compare", type=Path, nargs=2, metavar=("BEFORE", "AFTER"),
                        help="print two --json results side by side instead of measuring")
    parser.add_argument("--cprofile", type=Path,
                        help="write cProfile stats of the last 10 messages of the first long conversation here")
    args = parser.parse_args()
    if args.compare:
        print(compare(*(json.loads(path.read_text()) for path in args.compare)))
        return 0
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.INFO)  # as `rasa run` does by default (debug logging costs time)
    data = asyncio.run(profile(args))
    if args.json:
        args.json.write_text(json.dumps(data))
    print(report(data))
    return 0


if __name__ == "__main__":
    sys.exit(main())
