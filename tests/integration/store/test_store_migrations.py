import sqlalchemy as sa

from bot.store import db

APP_TABLES = {"screenings", "handoffs", "staff_users", "console_sessions", "notes", "staff_messages", "audit_log",
              "events", "conversation_activity", "sms_opt_outs", "sms_outbox"}


def _tables(url):
    engine = sa.create_engine(url, future=True)
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def _scripts():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(db.MIGRATIONS_DIR))
    return ScriptDirectory.from_config(cfg)


def _head() -> str:
    return _scripts().get_current_head()


def test_upgrade_downgrade_upgrade(db_url):
    assert db.current_revision(db_url) is None
    db.migrate(db_url)
    assert db.current_revision(db_url) == _head()
    assert _tables(db_url) >= APP_TABLES

    db.migrate(db_url)  # idempotent
    assert db.current_revision(db_url) == _head()

    db.downgrade(db_url)
    assert db.current_revision(db_url) is None
    assert _tables(db_url) & APP_TABLES == set()

    db.migrate(db_url)
    assert _tables(db_url) >= APP_TABLES


def test_migration_accepts_events_table_created_by_rasa_first(db_url):
    engine = sa.create_engine(db_url, future=True)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, "
                "type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), "
                "action_name VARCHAR(255), data TEXT)"
            )
        )
        conn.execute(
            sa.text("INSERT INTO events (id, sender_id, type_name, data) VALUES (1, 'a', 'user', '{}')")
        )
    engine.dispose()
    db.migrate(db_url)
    assert _tables(db_url) >= APP_TABLES
    engine = sa.create_engine(db_url, future=True)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM events")).scalar_one() == 1
    engine.dispose()


def test_open_handoff_unique_per_sender_is_enforced_by_the_schema(store_settings):
    engine = db.make_engine(settings=store_settings)
    insert = sa.text(
        "INSERT INTO handoffs (sender_id, channel, urgency, status, consent, reason, created_at, updated_at) "
        "VALUES ('same', 'web', 'normal', :status, false, 'asked_for_person', '2026-01-01', '2026-01-01')"
    )
    with engine.begin() as conn:
        conn.execute(insert, {"status": "closed"})
        conn.execute(insert, {"status": "closed"})
        conn.execute(insert, {"status": "waiting"})
    try:
        with engine.begin() as conn:
            conn.execute(insert, {"status": "claimed"})
        raise AssertionError("a second open handoff for the same sender was accepted")
    except sa.exc.IntegrityError:
        pass
    finally:
        engine.dispose()


def test_activity_is_backfilled_from_existing_tracker_events(tmp_path, db_url):
    """Migration 0005 builds one conversation_activity row per session start from the events already stored:
    screening opened, the last open question (decrypted), the last message; events before any start are skipped."""
    import datetime as dt
    import json

    from bot.store.crypto import cipher_for, encrypt_text
    from tests.integration.conftest import make_settings

    settings = make_settings(tmp_path, db_url)
    db.migrate(db_url, rev=_scripts().get_revision("0005").down_revision, settings=settings)
    cipher = cipher_for(settings.key("encryption_key"))
    t0 = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.timezone.utc).timestamp()

    def event(sender, type_name, at, clear_name=None, **data):
        text = json.dumps({"event": type_name, "timestamp": t0 + at, **data})
        return {"sender_id": sender, "type_name": type_name, "timestamp": t0 + at, "action_name": clear_name,
                "data": encrypt_text(cipher, text)}

    rows = [
        event("web-a", "user", -50),  # before any session start: no conversation
        event("web-a", "session_started", 0), event("web-a", "user", 5),
        event("web-a", "active_loop", 10, "screening_form", name="screening_form"),
        event("web-a", "slot", 20, "screening_current", name="screening_current", value="substances"),
        event("web-a", "slot", 30, "screening_current", name="screening_current", value="withdrawal"),
        event("web-a", "user", 40),
        event("web-a", "session_started", 3600), event("web-a", "user", 3605),
        event("+15550001111", "session_started", 100),
    ]
    engine = sa.create_engine(db_url, future=True)
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO events (sender_id, type_name, timestamp, action_name, data) "
                             "VALUES (:sender_id, :type_name, :timestamp, :action_name, :data)"), rows)
    db.migrate(db_url, settings=settings)
    with engine.connect() as conn:
        got = conn.execute(sa.text(
            "SELECT sender_id, channel, screening_opened_at IS NOT NULL, question, language, "
            "started_at, last_active_at FROM conversation_activity ORDER BY sender_id, started_at")).all()
    engine.dispose()
    start = dt.datetime(2026, 11, 2, 9, 0)

    def when(value):
        return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)

    assert [tuple(r[:5]) for r in got] == [("+15550001111", "sms", False, None, None),
                                           ("web-a", "web", True, "withdrawal", None),
                                           ("web-a", "web", False, None, None)]
    assert [(when(r[5]) - start, when(r[6]) - start) for r in got[1:]] == [
        (dt.timedelta(0), dt.timedelta(seconds=40)), (dt.timedelta(hours=1), dt.timedelta(seconds=3605))]


def test_first_reply_time_is_backfilled_and_kept_by_the_database(tmp_path, db_url):
    """Migration 0006 fills handoffs.first_reply_at from existing staff replies; its triggers keep it equal to the
    earliest reply on every insert, change and delete, whoever writes."""
    from tests.integration.conftest import make_settings

    settings = make_settings(tmp_path, db_url)
    db.migrate(db_url, rev="0005", settings=settings)
    engine = sa.create_engine(db_url, future=True)

    def run(sql, **params):
        with engine.begin() as conn:
            return conn.execute(sa.text(sql), params).all() if sql.startswith("SELECT") else conn.execute(
                sa.text(sql), params)

    def first_reply(handoff_id):
        return run("SELECT first_reply_at FROM handoffs WHERE id = :id", id=handoff_id)[0][0]

    def reply(handoff_id, at):
        run("INSERT INTO staff_messages (handoff_id, sender_id, author, text, created_at, attempts) "
            "VALUES (:h, 'web-a', 'sam', 'x', :at, 0)", h=handoff_id, at=at)

    try:
        for handoff_id, sender in ((1, "web-a"), (2, "web-b")):
            run("INSERT INTO handoffs (id, sender_id, channel, urgency, status, consent, reason, created_at, "
                "updated_at) VALUES (:id, :s, 'socketio', 'normal', 'closed', true, 'asked_for_person', "
                "'2026-11-02 09:00:00', '2026-11-02 09:00:00')", id=handoff_id, s=sender)
        reply(1, "2026-11-02 09:30:00")
        reply(1, "2026-11-02 09:10:00")
        db.migrate(db_url, settings=settings)
        assert str(first_reply(1))[:19] == "2026-11-02 09:10:00" and first_reply(2) is None
        reply(2, "2026-11-02 10:00:00")
        reply(1, "2026-11-02 09:05:00")
        assert str(first_reply(1))[:19] == "2026-11-02 09:05:00"
        assert str(first_reply(2))[:19] == "2026-11-02 10:00:00"
        run("DELETE FROM staff_messages WHERE created_at = :at", at="2026-11-02 09:05:00")
        assert str(first_reply(1))[:19] == "2026-11-02 09:10:00"
        run("UPDATE staff_messages SET handoff_id = 2 WHERE handoff_id = 1")
        assert first_reply(1) is None and str(first_reply(2))[:19] == "2026-11-02 09:10:00"
        run("UPDATE staff_messages SET created_at = :at WHERE handoff_id = 2", at="2026-11-02 11:00:00")
        assert str(first_reply(2))[:19] == "2026-11-02 11:00:00"
        db.downgrade(db_url, rev="0005")
        assert "first_reply_at" not in {c["name"] for c in sa.inspect(engine).get_columns("handoffs")}
        reply(1, "2026-11-02 12:00:00")  # no trigger left behind
    finally:
        engine.dispose()
