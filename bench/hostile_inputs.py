"""Hostile messages against the real servers over REST, socket.io and SMS (signed Twilio webhooks).

    .venv/bin/python bench/hostile_inputs.py [--messages 5000] [--out bench/HOSTILE_RESULTS.md]

Starts the product stack on free local ports (fake Twilio API, nothing leaves this machine) with the test
rate limits relaxed, so every message reaches the bot, and sends slash commands, JSON shapes, markup, format
strings, control and invisible characters, huge texts and malformed requests; each text carries a marker.
Reports: HTTP 5xx, server processes that died, tracebacks, socket.io messages left without a reply, urgent
handoffs created (none of the messages is a crisis), and log lines containing the marker. Not part of the
test suite (it takes minutes).
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import shutil
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.e2e.channel_support import ChannelStack, FakeTwilio, post_sms, sms_params  # noqa: E402
from tests.support.stack import stack_settings, trained_model  # noqa: E402

MARKER = "HOSTILE-MARKER-7f3a"
SHAPES = [
    "/crisis", "/restart", "/session_start", "/faq", "/nlu_fallback", "/request_human{\"urgency\": \"urgent\"}",
    '/inform{"choice":{"$ne":1}}', '/inform{"choice": ["a", {"b": 1}]}', '/inform{"language": {"x": 1}}',
    '/inform{"choice": "__done__"}', "/affirm@0.99", "/deny{", "//", "/", " /restart ", "\u200b/restart",
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "'; DROP TABLE handoffs; --",
    "{crisis_line}{0}{__class__}", "%s%s%s%n", "${jndi:ldap://x/a}", "\x00\x01\x02", "\u202eevil",
    "\ud800", "A" * 5000, "🙂" * 300, "ｈｅｌｌｏ", "EXTERNAL: crisis", "null", "[]", "{}", "1", "#2", "STOP?",
]


def hostile_texts(n: int, rng: random.Random) -> list[str]:
    return [f"{rng.choice(SHAPES)} {MARKER}-{rng.randrange(10**6)} {rng.choice(SHAPES)}" for _ in range(n)]


def rest_bodies(stack, n: int, rng: random.Random, worker: int = 0) -> list[tuple[bytes, dict]]:
    """(body, headers): mostly authorised messages, some malformed bodies and wrong tokens."""
    good = {"Content-Type": "application/json", "Authorization": f"Bearer {stack.settings.key('rest_token')}"}
    out = []
    for i, text in enumerate(hostile_texts(n, rng)):
        kind = i % 10
        sender = f"hostile-rest-{worker}-{i % 97}"
        if kind == 7:
            out.append((f"not json {MARKER}".encode(), good))
        elif kind == 8:
            out.append((json.dumps({"sender": {"$ne": 1}, "message": [text]}).encode(), good))
        elif kind == 9:
            out.append((json.dumps({"sender": sender, "message": text}).encode(),
                        {**good, "Authorization": f"Bearer {MARKER}"}))
        else:
            out.append((json.dumps({"sender": sender, "message": text}).encode(), good))
    return out


def run_rest(stack, n: int, rng: random.Random, counts: Counter, worker: int = 0) -> None:
    for body, headers in rest_bodies(stack, n, rng, worker):
        request = urllib.request.Request(stack.rest_url, data=body, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=120) as reply:  # noqa: S310 - local server
                status = reply.status
                if not json.loads(reply.read()):
                    counts["rest_empty_replies"] += 1
        except urllib.error.HTTPError as error:
            status = error.code
        except OSError:
            status = 0
        counts[f"rest_{status}"] += 1


def run_socketio(stack, n: int, rng: random.Random, counts: Counter, _worker: int = 0) -> None:
    import queue

    texts = hostile_texts(n, rng)
    per_client = 50
    for start in range(0, n, per_client):
        inbox: queue.Queue = queue.Queue()
        client, token = _connect(stack, inbox, rng, counts)
        for i, text in enumerate(texts[start:start + per_client]):
            data = {"message": text, "session_id": token}
            if i % 10 == 9:  # odd shapes: not a string, no token, a forged token, not a dict
                data = rng.choice([{"message": {"text": text}, "session_id": token},
                                   {"message": text}, {"message": text, "session_id": token[:-3] + "xyz"},
                                   [text], text])
                client.emit("user_uttered", data)
                counts["socketio_odd_shapes"] += 1
                continue
            client.emit("user_uttered", data)
            counts["socketio_sent"] += 1
            try:
                inbox.get(timeout=120)
                counts["socketio_answered"] += 1
            except queue.Empty:
                counts["socketio_unanswered"] += 1
            while not inbox.empty():
                inbox.get_nowait()
            time.sleep(0.05)  # finish the turn's replies before the next message
        client.disconnect()


def _connect(stack, inbox, rng: random.Random, counts: Counter, attempts: int = 5):
    """A socket.io client with a confirmed session; a failed connect is counted and tried again (the run
    reports how often the server refused or timed out a connection)."""
    import socketio

    for attempt in range(attempts):
        client = socketio.Client()
        client.on("bot_uttered", lambda data, q=inbox: q.put(data))
        client.on("session_confirm", lambda data, q=inbox: q.put({"confirm": data}))
        try:
            client.connect(stack.base_url, transports=["polling"], socketio_path="/socket.io", wait_timeout=30)
            client.emit("session_request", {"session_id": rng.choice([None, {"$ne": 1}, "0" * 32, MARKER])})
            return client, inbox.get(timeout=60)["confirm"]
        except Exception as exc:  # noqa: BLE001 - counted; the next attempt goes on
            counts[f"socketio_connect_failed_{type(exc).__name__}"] += 1
            client.disconnect()
            time.sleep(2 * (attempt + 1))
    raise ConnectionError(f"socket.io: no session after {attempts} attempts")


def run_sms(stack, n: int, rng: random.Random, counts: Counter, worker: int = 0) -> None:
    for i, text in enumerate(hostile_texts(n, rng)):
        sender = f"+155501{worker}{i % 50:04d}"
        params = sms_params(sender, text.replace("\ud800", ""))  # a form post cannot carry a lone surrogate
        if i % 10 == 9:
            status = post_sms(stack.sms_url, params, signature="forged-" + MARKER)
        else:
            status = post_sms(stack.sms_url, params)
        counts[f"sms_{status}"] += 1


def in_parallel(stack, run, n: int, workers: int) -> Counter:
    """``run`` in ``workers`` threads, each with its own senders, random stream and counts."""
    parts = [Counter() for _ in range(workers)]

    def one(w: int) -> None:
        try:
            run(stack, n // workers, random.Random(15 + w), parts[w], w)
        except Exception as exc:  # noqa: BLE001 - a client-side failure is counted, the run goes on
            parts[w][f"bench_client_error_{type(exc).__name__}"] += 1

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(one, range(workers)))
    return sum(parts, Counter())


def urgent_handoffs(stack) -> list[str]:
    """Urgent handoffs: channel, reason and the (synthetic) message that triggered each."""
    from bot.store.db import session_scope
    from bot.store.models import Handoff

    with session_scope(stack.settings) as session:
        rows = session.query(Handoff).filter(Handoff.urgency == "urgent").all()
        return [f"{h.channel}/{h.reason}: {(h.trigger_message or '')[:120]!r}".replace(MARKER, "<marker>")
                for h in rows]


def scan_logs(log_dir: Path) -> tuple[list[str], list[str]]:
    """Log lines with the marker, and the exception line ending each traceback."""
    marked, errors = [], []
    for path in sorted(log_dir.glob("*.log")):
        in_traceback = False
        for line in path.read_text(errors="replace").splitlines():
            if MARKER in line:
                marked.append(f"{path.name}: {line[:200]}")
            if line.startswith("Traceback"):
                in_traceback = True
            elif in_traceback and line and not line.startswith((" ", "During handling", "The above")):
                errors.append(f"{path.name}: {line[:160]}")
                in_traceback = False
    return marked, errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--keep-logs", type=Path, help="copy the servers' logs here (they name no person: "
                        "the product redacts them) before the temporary directory goes")
    args = parser.parse_args()
    counts: Counter = Counter()
    n_rest, n_sio, n_sms = (int(args.messages * 0.4) // 4 * 4, int(args.messages * 0.4) // 4 * 4,
                            int(args.messages * 0.2) // 4 * 4)
    workers = 4  # each channel's share is sent by 4 threads (conversations do not overlap between threads)
    with tempfile.TemporaryDirectory() as tmp:
        fake = FakeTwilio().start()
        settings = stack_settings(Path(tmp), rasa_token="hostile-bench-rasa-token")
        stack = ChannelStack(settings, trained_model(settings), twilio_url=fake.url).start()
        began = time.monotonic()
        try:
            for name, run, n in (("REST", run_rest, n_rest), ("socket.io", run_socketio, n_sio),
                                 ("SMS", run_sms, n_sms)):
                print(f"==> {name}", flush=True)
                counts.update(in_parallel(stack, run, n, workers))
            counts["sms_sent_by_bot"] = len(fake.sent)
            alive = all(proc.poll() is None for _, proc in stack.group.running)
            handoffs = urgent_handoffs(stack)
            marked, errors = scan_logs(settings.data_dir / "logs")
        finally:
            stack.stop()
            fake.stop()
            if args.keep_logs:
                shutil.copytree(settings.data_dir / "logs", args.keep_logs, dirs_exist_ok=True)
    seconds = time.monotonic() - began
    five_xx = sum(v for k, v in counts.items() if k.split("_")[-1].startswith("5"))
    lines = [
        "# Hostile inputs (REST, socket.io, SMS) against the real servers", "",
        f"Recorded {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {platform.node() or 'dev machine'}, "
        f"Python {platform.python_version()}. Command: `python bench/hostile_inputs.py --messages {args.messages}`"
        f" ({seconds / 60:.1f} min; rate limits relaxed so every message reaches the bot).", "",
        f"- messages: {n_rest + n_sio + n_sms} (REST {n_rest}, socket.io {n_sio}, SMS {n_sms}), "
        f"{workers} senders at a time per channel",
        f"- HTTP 5xx: **{five_xx}**; server processes still running at the end: **{alive}**; "
        f"tracebacks in the logs: **{len(errors)}**",
        f"- socket.io: {counts['socketio_answered']} of {counts['socketio_sent']} well-formed messages answered, "
        f"{counts['socketio_unanswered']} unanswered; {counts['socketio_odd_shapes']} odd shapes sent (ignored)",
        f"- urgent handoffs created: **{len(handoffs)}** (the messages mix attack strings; none asks for help)",
        f"- log lines containing the marker: **{len(marked)}**", "",
        "| outcome | count |", "|---|---|",
        *(f"| {k} | {v} |" for k, v in sorted(counts.items())),
    ]
    for title, items in (("Urgent handoffs (first 10)", handoffs), ("Exceptions in the logs", sorted(set(errors))),
                         ("Marker lines (first 10)", marked)):
        if items:
            lines += ["", f"{title}:", "", *(f"    {m}" for m in items[:10])]
    report = "\n".join(lines) + "\n"
    print(report)
    if args.out:
        args.out.write_text(report)
    return 0 if five_xx == 0 and alive and not marked else 1


if __name__ == "__main__":
    sys.exit(main())
