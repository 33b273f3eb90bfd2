import sqlalchemy as sa

from bot.store import db

APP_TABLES = {"screenings", "handoffs", "staff_users", "console_sessions", "notes", "staff_messages", "audit_log",
              "events"}


def _tables(url):
    engine = sa.create_engine(url, future=True)
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def _head() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(db.MIGRATIONS_DIR))
    return ScriptDirectory.from_config(cfg).get_current_head()


def test_upgrade_downgrade_upgrade(db_url):
    assert db.current_revision(db_url) is None
    db.migrate(db_url)
    assert db.current_revision(db_url) == _head()
    assert APP_TABLES <= _tables(db_url)

    db.migrate(db_url)  # idempotent
    assert db.current_revision(db_url) == _head()

    db.downgrade(db_url)
    assert db.current_revision(db_url) is None
    assert _tables(db_url) & APP_TABLES == set()

    db.migrate(db_url)
    assert APP_TABLES <= _tables(db_url)


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
    assert APP_TABLES <= _tables(db_url)
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
