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
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
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
    return [f"{rng.choice(SHAPES)} {MARKER}-{i} {rng.choice(SHAPES)}" for i in range(n)]


def rest_bodies(stack, n: int, rng: random.Random) -> list[tuple[bytes, dict]]:
    """(body, headers): mostly authorised messages, some malformed bodies and wrong tokens."""
    good = {"Content-Type": "application/json", "Authorization": f"Bearer {stack.settings.key('rest_token')}"}
    out = []
    for i, text in enumerate(hostile_texts(n, rng)):
        kind = i % 10
        sender = f"hostile-rest-{i % 97}"
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


def run_rest(stack, n: int, rng: random.Random, counts: dict) -> None:
    for body, headers in rest_bodies(stack, n, rng):
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


def run_socketio(stack, n: int, rng: random.Random, counts: dict) -> None:
    import queue

    import socketio

    texts = hostile_texts(n, rng)
    per_client = 50
    for start in range(0, n, per_client):
        inbox: queue.Queue = queue.Queue()
        client = socketio.Client()
        client.on("bot_uttered", lambda data, q=inbox: q.put(data))
        client.on("session_confirm", lambda data, q=inbox: q.put({"confirm": data}))
        client.connect(stack.base_url, transports=["polling"], socketio_path="/socket.io")
        client.emit("session_request", {"session_id": rng.choice([None, {"$ne": 1}, "0" * 32, MARKER])})
        token = inbox.get(timeout=60)["confirm"]
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


def run_sms(stack, fake, n: int, rng: random.Random, counts: dict) -> None:
    for i, text in enumerate(hostile_texts(n, rng)):
        sender = f"+1555019{i % 50:04d}"
        if i % 10 == 9:
            status = post_sms(stack.sms_url, sms_params(sender, text), signature="forged-" + MARKER)
        else:
            status = post_sms(stack.sms_url, sms_params(sender, text.replace("\ud800", "")))
        counts[f"sms_{status}"] += 1
    counts["sms_sent_by_bot"] = len(fake.sent)


def urgent_handoffs(stack) -> list[tuple[str, str]]:
    from sqlalchemy import create_engine, text

    engine = create_engine(stack.settings.resolved_database_url)
    with engine.connect() as conn:
        rows = conn.execute(text("select sender_id, reason from handoffs where urgency = 'urgent'")).fetchall()
    engine.dispose()
    return [(r[0], r[1]) for r in rows]


def scan_logs(log_dir: Path) -> tuple[list[str], int]:
    marked, tracebacks = [], 0
    for path in sorted(log_dir.glob("*.log")):
        for line in path.read_text(errors="replace").splitlines():
            if MARKER in line:
                marked.append(f"{path.name}: {line[:200]}")
            tracebacks += line.startswith("Traceback")
    return marked, tracebacks


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    rng = random.Random(15)
    counts: Counter = Counter()
    n_rest, n_sio = int(args.messages * 0.4), int(args.messages * 0.4)
    n_sms = args.messages - n_rest - n_sio
    with tempfile.TemporaryDirectory() as tmp:
        fake = FakeTwilio().start()
        settings = stack_settings(Path(tmp), rasa_token="hostile-bench-rasa-token")
        stack = ChannelStack(settings, trained_model(settings), twilio_url=fake.url).start()
        began = time.monotonic()
        try:
            for name, run in (("REST", lambda: run_rest(stack, n_rest, rng, counts)),
                              ("socket.io", lambda: run_socketio(stack, n_sio, rng, counts)),
                              ("SMS", lambda: run_sms(stack, fake, n_sms, rng, counts))):
                print(f"==> {name}", flush=True)
                run()
            alive = all(proc.poll() is None for _, proc in stack.group.running)
            handoffs = urgent_handoffs(stack)
            marked, tracebacks = scan_logs(settings.data_dir / "logs")
        finally:
            stack.stop()
            fake.stop()
    seconds = time.monotonic() - began
    five_xx = sum(v for k, v in counts.items() if k.split("_")[-1].startswith("5"))
    lines = [
        "# Hostile inputs (REST, socket.io, SMS) against the real servers", "",
        f"Recorded {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {platform.node() or 'dev machine'}, "
        f"Python {platform.python_version()}. Command: `python bench/hostile_inputs.py --messages {args.messages}`"
        f" ({seconds / 60:.1f} min; rate limits relaxed so every message reaches the bot).", "",
        f"- messages: {args.messages} (REST {n_rest}, socket.io {n_sio}, SMS {n_sms})",
        f"- HTTP 5xx: **{five_xx}**; server processes still running at the end: **{alive}**; "
        f"tracebacks in the logs: **{tracebacks}**",
        f"- socket.io: {counts['socketio_answered']} of {counts['socketio_sent']} well-formed messages answered, "
        f"{counts['socketio_unanswered']} unanswered; {counts['socketio_odd_shapes']} odd shapes sent (ignored)",
        f"- urgent handoffs created (no message was a crisis): **{len(handoffs)}** {handoffs[:5] if handoffs else ''}",
        f"- log lines containing the marker: **{len(marked)}**", "",
        "| outcome | count |", "|---|---|",
        *(f"| {k} | {v} |" for k, v in sorted(counts.items())),
    ]
    if marked:
        lines += ["", "Marker lines (first 10):", "", *(f"    {m}" for m in marked[:10])]
    report = "\n".join(lines) + "\n"
    print(report)
    if args.out:
        args.out.write_text(report)
    return 0 if five_xx == 0 and alive and not marked else 1


if __name__ == "__main__":
    sys.exit(main())
