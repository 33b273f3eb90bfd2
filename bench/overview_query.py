"""Time the console Overview's figures on a year of seeded data (100,000 conversations) on SQLite and PostgreSQL.

    .venv/bin/python bench/overview_query.py [--conversations 100000] [--db sqlite postgresql] [--runs 5]

Seeds a migrated database (SQLite file in a temp dir; a throwaway PostgreSQL cluster like the tests use):
one conversation per person over the last 365 days (15 % SMS, 20 % Spanish), ~30 tracker events and one
``conversation_activity`` row each (as the tracker store writes it), 70 % open the screening, 45 % complete it,
30 % hand off (3 % crisis, urgent), staff replies to most handoffs. Then times ``bot.console.overview.figures``
(every query the page runs) for the whole year and for the last 30 days, all channels, SMS only and Spanish
only, with the console's queries ("fast", ``bot.store.overview_queries``) and, as the same-run baseline on the
same database, the one-aggregate-per-figure queries they replaced ("reference", ``bot.store.overview_reference``):
the first call on a fresh connection pool, then the median and max of ``--runs`` more, the two alternating;
CPU time of this process and, on PostgreSQL, of the server backend. Target: under 1 s. Not a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from bot.config import load_settings  # noqa: E402
from bot.store import db  # noqa: E402
from bot.store.crypto import cipher_for  # noqa: E402

QUESTIONS = ["for_whom", "safety", "substances", "last_use", "withdrawal", "seizures", "medical", "mental_health",
             "relapse", "home", "support", "schedule"]
BANDS = ["iop_good_fit", "iop_maybe", "medical_first", "more_intensive", "outpatient", "urgent"]
STATUSES = ["closed"] * 8 + ["waiting", "claimed", "in_conversation"]
BATCH = 20_000


def _settings(tmp: Path, url: str):
    from cryptography.fernet import Fernet

    return load_settings(settings_file=ROOT / "data" / "clinic.yml", data_dir=tmp / "var", database_url=url,
                         encryption_key=Fernet.generate_key().decode(), secret_key=uuid.uuid4().hex * 2)


def seed(engine: sa.engine.Engine, key: str, conversations: int, now: dt.datetime, events: bool = True) -> int:
    """Bulk-insert a year of data. Event ciphertexts are reused except each ``screening_current`` slot event's
    (the Overview reads none of them; they make the table as large as a real one). ``events=False`` leaves the
    tracker's events out (quicker seeding for profiling; the Overview reads no events)."""
    cipher = cipher_for(key)
    enc = {name: cipher.encrypt(json.dumps(v).encode()).decode() for name, v in
           {"generic": {"event": "user", "text": "…"}, "answers": {"q": "a"}, "reasons": []}.items()}
    slot = {q: json.dumps({"event": "slot", "name": "screening_current", "value": q}).encode() for q in QUESTIONS}
    meta = sa.MetaData()
    names = ("events", "conversation_activity", "screenings", "handoffs", "staff_messages")
    meta.reflect(engine, only=names)
    rng = random.Random(19)
    rows: dict[str, list[dict]] = {name: [] for name in names}
    handoff_id = 0
    total_events = 0

    def flush(force: bool = False) -> None:
        nonlocal total_events
        if not force and max(len(r) for r in rows.values()) < BATCH:
            return
        with engine.begin() as conn:  # all tables, in foreign-key order
            for name in names:
                if rows[name]:
                    conn.execute(meta.tables[name].insert(), rows[name])
                    total_events += len(rows[name]) if name == "events" else 0
                    rows[name] = []

    for i in range(conversations):
        sms = rng.random() < 0.15
        sender = f"+1555{i:07d}" if sms else uuid.UUID(int=rng.getrandbits(128)).hex
        channel = "twilio" if sms else "socketio"
        start = now - dt.timedelta(seconds=rng.uniform(600, 365 * 86400))
        t = start.replace(tzinfo=dt.timezone.utc).timestamp()

        def event(type_name, name=None, data=enc["generic"], offset=0.0, sender=sender, t=t):
            if not events:
                return
            rows["events"].append({"sender_id": sender, "type_name": type_name, "timestamp": t + offset,
                                   "intent_name": "greet" if type_name == "user" else None, "action_name": name,
                                   "data": data})

        for k, (type_name, name) in enumerate([("action", "action_session_start"), ("session_started", None),
                                               ("action", "action_listen"), ("user", None), ("bot", None),
                                               ("action", "utter_greet"), ("action", "action_listen"),
                                               ("user", None)]):
            event(type_name, name, offset=k)
        completed = False
        language = "es" if rng.random() < 0.2 else "en"
        facts = {"sender_id": sender, "started_at": start, "channel": "sms" if sms else "web",
                 "language": language, "screening_opened_at": None, "question": None,
                 "last_active_at": start + dt.timedelta(seconds=7)}
        rows["conversation_activity"].append(facts)
        if rng.random() < 0.70:
            event("active_loop", "screening_form", offset=10)
            completed = rng.random() < 0.45 / 0.70
            asked = QUESTIONS if completed else QUESTIONS[: rng.randint(1, len(QUESTIONS) - 1)]
            facts.update(screening_opened_at=start + dt.timedelta(seconds=10), question=asked[-1],
                         last_active_at=start + dt.timedelta(seconds=22 + 3 * (len(asked) - 1)))
            for k, q in enumerate(asked):
                event("slot", "screening_current", cipher.encrypt(slot[q]).decode(), offset=20 + 3 * k)
                event("bot", None, offset=21 + 3 * k)
                event("user", None, offset=22 + 3 * k)
            event("slot", None, offset=60)  # the answers slot: no clear name (CLEAR_ACTION_NAMES)
        crisis = rng.random() < 0.03
        if crisis:  # the crisis action, stored as the tracker store keeps it: no clear name
            event("action", None, offset=70)
        when = start + dt.timedelta(minutes=5)
        if completed:
            rows["screenings"].append({"sender_id": sender, "channel": channel, "language": language,
                                       "answers": enc["answers"],
                                       "band": rng.choice(BANDS), "reasons": enc["reasons"], "started_at": start,
                                       "completed_at": when, "created_at": when})
        if crisis or rng.random() < 0.28:
            handoff_id += 1
            status = rng.choice(STATUSES)
            rows["handoffs"].append({"id": handoff_id, "sender_id": sender, "channel": channel, "language": language,
                                     "urgency": "urgent" if crisis else "normal", "status": status,
                                     "consent": True, "reason": "crisis" if crisis else "end_of_screening",
                                     "created_at": when, "updated_at": when})
            if status != "waiting" and rng.random() < 0.9:
                for k in range(rng.randint(1, 3)):
                    rows["staff_messages"].append({
                        "handoff_id": handoff_id, "sender_id": sender, "author": "sam", "text": enc["generic"],
                        "created_at": when + dt.timedelta(minutes=rng.expovariate(1 / 90) + 10 * k),
                        "attempts": 1})
        flush()
    flush(force=True)
    if engine.dialect.name == "postgresql":  # what autovacuum does on a live database (index-only scans)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE"))
    return total_events


def _backend_cpu(session) -> float | None:
    """CPU seconds used so far by this session's PostgreSQL backend process (the bench's cluster runs on this
    machine, so /proc has it); None on SQLite, where the work is in this process's own CPU time."""
    if session.get_bind().dialect.name != "postgresql":
        return None
    pid = session.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


PATHS = ("reference", "fast")


def _figures(path: str):
    """``bot.console.overview.figures`` computing its raw figures with ``path``: "fast" is the code the console
    runs (``overview_queries.overview``), "reference" the one-aggregate-per-figure queries it replaced
    (``overview_reference``), timed in the same run on the same database as the baseline."""
    from bot.console import overview as console
    from bot.store import overview_queries, overview_reference

    def run(session, settings, filters):
        if path == "fast":
            return console.figures(session, settings, filters)
        saved = overview_queries.overview
        overview_queries.overview = overview_reference.overview_reference
        try:
            return console.figures(session, settings, filters)
        finally:
            overview_queries.overview = saved

    return run


def time_figures(settings, runs: int, now: dt.datetime) -> list[tuple]:
    """Per case and path (reference, fast): the first run on a fresh connection pool, then the median and max
    wall time of ``runs`` more (the two paths alternate, so both see the same machine load), the median CPU
    time of this process and (PostgreSQL) of the server backend that ran the queries. On SQLite the database
    works inside this process, so its CPU time is the work itself, whatever else runs on the machine."""
    from bot.store.db import make_engine, make_session_factory

    engine = make_engine(settings=settings)
    sessions = make_session_factory(engine)
    today = now.date()
    cases = [("365 days, all channels", 364, None, None), ("365 days, SMS only", 364, "sms", None),
             ("365 days, Spanish only", 364, None, "es"), ("30 days, all channels", 29, None, None)]
    out = []
    for label, days, channel, language in cases:
        filters = {"date_from": today - dt.timedelta(days=days), "date_to": today, "channel": channel,
                   "language": language}
        samples: dict[str, list[tuple]] = {path: [] for path in PATHS}
        for k in range(runs + 1):
            for path in PATHS:
                if k == 0:
                    engine.dispose()  # the first run of each path on a fresh pool
                with sessions() as s:
                    server = _backend_cpu(s)
                    began, began_cpu = time.perf_counter(), time.process_time()
                    _figures(path)(s, settings, filters)
                    wall, cpu = time.perf_counter() - began, time.process_time() - began_cpu
                    server = None if server is None else _backend_cpu(s) - server
                    samples[path].append((wall, cpu, server))
        for path in PATHS:
            first, rest = samples[path][0], samples[path][1:]
            servers = [x[2] for x in rest if x[2] is not None]
            out.append((label, path, first[0], statistics.median(x[0] for x in rest), max(x[0] for x in rest),
                        statistics.median(x[1] for x in rest), statistics.median(servers) if servers else None))
    out.append(("of which, year / all channels (warm):", *_sections(sessions, settings, today)))
    engine.dispose()
    return out


def _sections(sessions, settings, today: dt.date) -> tuple:
    """Warm time of each query group of the year / all-channels case, reference and fast, as text cells."""
    from bot.conversation.hours import utc_offsets
    from bot.store import overview_queries as q
    from bot.store import overview_reference as ref

    start = dt.datetime.combine(today - dt.timedelta(days=364), dt.time())
    period = q.Period(start, dt.datetime.combine(today + dt.timedelta(days=1), dt.time()))
    idle = dt.datetime.utcnow() - dt.timedelta(minutes=settings.session_expiration_minutes)
    hours = settings.staffed_hours
    offsets = utc_offsets(hours, period.start, period.end)
    postgresql = "postgresql" in settings.database_url
    handoffs = q._handoff_figures_postgresql if postgresql else q.handoff_figures
    fast_conversations = ref.conversations if postgresql else q.conversations
    parts = {
        "reference": {"conversations": lambda s: ref.conversations(s, period),
                      "screenings": lambda s: ref.screenings(s, period, idle),
                      "crisis": lambda s: ref.crisis(s, period), "handoffs": lambda s: ref.handoffs(s, period),
                      "reply times": lambda s: ref.reply_times(s, period, hours, offsets)},
        "fast": {"conversations": lambda s: fast_conversations(s, period),
                 "screenings": lambda s: (ref.screenings if postgresql else q.screenings)(s, period, idle),
                 "crisis + handoffs + reply times": lambda s: handoffs(s, period, hours, offsets)},
    }
    cells = []
    for path, fns in parts.items():
        texts = []
        for name, fn in fns.items():
            best = None
            for _ in range(3):
                with sessions() as s:
                    server = _backend_cpu(s)
                    began, began_cpu = time.perf_counter(), time.process_time()
                    fn(s)
                    took = (time.perf_counter() - began, time.process_time() - began_cpu,
                            None if server is None else _backend_cpu(s) - server)
                best = took if best is None or took[0] < best[0] else best
            texts.append(f"{name} {best[0] * 1000:.0f} ms (CPU {best[1] * 1000:.0f} ms"
                         + ("" if best[2] is None else f", server {best[2] * 1000:.0f} ms") + ")")
        cells.append(f"{path}: " + ", ".join(texts))
    return tuple(cells)


def run(kind: str, conversations: int, runs: int, events: bool = True) -> tuple[int, list, float]:
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    with tempfile.TemporaryDirectory(prefix="iopbot-bench-") as tmp:
        cluster = None
        if kind == "postgresql":
            from tests.support.postgres import own_cluster

            cluster = own_cluster()
            url = cluster.url()
        else:
            url = f"sqlite:///{tmp}/bench.db"
        try:
            settings = _settings(Path(tmp), url)
            db.migrate(url)
            engine = sa.create_engine(url, future=True)
            began = time.perf_counter()
            events = seed(engine, settings.encryption_key, conversations, now, events)
            seeded = time.perf_counter() - began
            engine.dispose()
            return events, time_figures(settings, runs, now), seeded
        finally:
            if cluster is not None:
                cluster.remove()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--db", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-events", action="store_true", help="seed no tracker events (quicker; the Overview "
                        "reads none, but the database is smaller than a real one)")
    args = parser.parse_args()
    cpu = platform.processor() or platform.machine()
    print(f"{dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC · {platform.node()} · {cpu} · "
          f"Python {platform.python_version()} · SQLAlchemy {sa.__version__} · load {os.getloadavg()[0]:.1f}")
    for kind in args.db:
        events, results, seeded = run(kind, args.conversations, args.runs, not args.no_events)
        print(f"\n{kind}: {args.conversations:,} conversations, {events:,} tracker events (seeded in {seeded:.0f} s, "
              f"load {os.getloadavg()[0]:.1f} after timing)")
        print("| case | path | first | median | max | median CPU (this process) | median CPU (PostgreSQL backend) |")
        print("|---|---|---|---|---|---|---|")
        for label, *cells in results:
            if len(cells) == 2:
                print(f"\n{label}\n\n* {cells[0]}\n* {cells[1]}")
                continue
            path, cold, median, worst, cpu_median, server = cells
            print(f"| {label} | {path} | {cold * 1000:.0f} ms | {median * 1000:.0f} ms | {worst * 1000:.0f} ms | "
                  f"{cpu_median * 1000:.0f} ms | {'' if server is None else f'{server * 1000:.0f} ms'} |")


if __name__ == "__main__":
    main()
