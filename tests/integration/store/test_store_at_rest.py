"""Free text encrypted at rest and nothing telling in clear tracker columns (SQLite and PostgreSQL)."""

import sqlalchemy as sa
from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.store import db
from bot.store import repositories as repo
from bot.store.tracker_store import EncryptedSQLTrackerStore

PHONE = "+15550104242"


def _raw(url, sql, **params):
    engine = sa.create_engine(url, future=True)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(sql), params).fetchall()
    finally:
        engine.dispose()


def test_best_time_is_encrypted_in_the_database(store_settings):
    with db.session_scope(store_settings) as s:
        hid = repo.create_handoff(s, sender_id=PHONE, channel="twilio", best_time="after my NA meeting tonight")
        repo.update_handoff_contact(s, hid, best_time="after rehab group at 6")
    [(raw,)] = _raw(store_settings.database_url, "SELECT best_time FROM handoffs WHERE id = :i", i=hid)
    assert raw.startswith("gAAAA") and "rehab" not in raw
    with db.session_scope(store_settings) as s:
        assert repo.get_handoff(s, hid).best_time == "after rehab group at 6"


async def test_tracker_rows_name_no_crisis_intent_or_action_in_clear(process_settings):
    store = EncryptedSQLTrackerStore(host=process_settings.database_url)
    tracker = DialogueStateTracker(PHONE, [])
    for event in (SessionStarted(), UserUttered("i want to end it all", intent={"name": "crisis", "confidence": 1.0}),
                  ActionExecuted("action_handle_crisis")):
        tracker.update(event)
    await store.save(tracker)
    rows = _raw(process_settings.database_url, "SELECT sender_id, type_name, intent_name, action_name, data "
                "FROM events WHERE sender_id = :s", s=PHONE)
    assert {r.type_name for r in rows} >= {"user", "action"}
    assert all(r.intent_name is None and r.action_name is None for r in rows)
    assert not any("crisis" in " ".join(str(v) for v in r) for r in rows)
    restored = await EncryptedSQLTrackerStore(host=process_settings.database_url).retrieve(PHONE)  # not the kept one
    assert restored.latest_message.intent["name"] == "crisis"
    assert restored.latest_action_name == "action_handle_crisis"


def test_migration_encrypts_existing_rows_and_blanks_clear_columns(db_url, tmp_path):
    from tests.integration.conftest import make_settings

    settings = make_settings(tmp_path, db_url)
    db.migrate(db_url, rev="0001")
    engine = sa.create_engine(db_url, future=True)
    with engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO handoffs (sender_id, channel, urgency, status, consent, reason, best_time, created_at, "
            "updated_at) VALUES (:p, 'twilio', 'urgent', 'waiting', false, 'crisis', 'mornings before work', "
            "'2026-01-01 00:00:00', '2026-01-01 00:00:00')"), {"p": PHONE})
        conn.execute(sa.text(
            "INSERT INTO events (sender_id, type_name, timestamp, intent_name, action_name, data) VALUES "
            "(:p, 'user', 1.0, 'crisis', NULL, :d)"), {"p": PHONE, "d": '{"event": "user", "text": "help me"}'})
    engine.dispose()

    db.migrate(db_url, rev="0002", settings=settings)
    assert db.current_revision(db_url) == "0002"
    [(best_time,)] = _raw(db_url, "SELECT best_time FROM handoffs")
    [event] = _raw(db_url, "SELECT intent_name, action_name, data FROM events")
    assert best_time.startswith("gAAAA") and event.intent_name is None and event.data.startswith("gAAAA")
    from bot.store.crypto import cipher_for, decrypt_text  # the ORM models are at head (0004 adds columns)

    assert decrypt_text(cipher_for(settings.encryption_key), best_time) == "mornings before work"

    db.downgrade(db_url, rev="0001", settings=settings)  # and back: nothing lost
    assert _raw(db_url, "SELECT best_time FROM handoffs") == [("mornings before work",)]
    db.migrate(db_url, settings=settings)
    with db.session_scope(settings) as s:
        handoff = repo.get_active_handoff(s, PHONE)
        assert handoff.best_time == "mornings before work" and handoff.language is None
    db.dispose_all()
