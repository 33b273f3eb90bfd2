"""A kept tracker is handed back only while the database holds exactly what this store saved (SQLite, PostgreSQL)."""

import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.slots import TextSlot
from rasa.shared.core.trackers import DialogueStateTracker

from bot.store import tracker_store
from bot.store.tracker_store import EncryptedSQLTrackerStore

DOMAIN = Domain.from_dict({"slots": {"language": {"type": "text", "mappings": []}}})


def _store(url):
    return EncryptedSQLTrackerStore(domain=DOMAIN, url=url)


def _turn(tracker, text, timestamp=None):
    for event in (ActionExecuted("action_listen"), UserUttered(text, {"name": "inform", "confidence": 1.0}),
                  BotUttered(f"you said {text}"), SlotSet("language", "en")):
        if timestamp is not None:
            event.timestamp = timestamp
        tracker.update(event)


async def _started(store, sender):
    tracker = DialogueStateTracker(sender, [TextSlot("language", mappings=[])])
    tracker.update(SessionStarted())
    _turn(tracker, "hello")
    await store.save(tracker)
    return tracker


def _as_saved(tracker):
    return [event.as_dict() for event in tracker.events]


async def test_the_saved_tracker_comes_back_and_equals_the_database(process_settings):
    url = process_settings.database_url
    store = _store(url)
    tracker = await _started(store, "kept-1")
    assert await store.retrieve("kept-1") is tracker
    from_database = await _store(url).retrieve("kept-1")
    assert _as_saved(from_database) == _as_saved(tracker)


async def test_events_written_elsewhere_are_read_from_the_database(process_settings):
    url = process_settings.database_url
    ours, other_node = _store(url), _store(url)
    tracker = await _started(ours, "kept-2")
    theirs = await other_node.retrieve("kept-2")
    _turn(theirs, "from the other node")
    await other_node.save(theirs)
    loaded = await ours.retrieve("kept-2")
    assert loaded is not tracker
    assert [e.text for e in loaded.events if isinstance(e, UserUttered)] == ["hello", "from the other node"]


async def test_unsaved_changes_are_not_handed_back(process_settings):
    store = _store(process_settings.database_url)
    tracker = await _started(store, "kept-3")
    _turn(tracker, "a turn that failed before it was saved")
    loaded = await store.retrieve("kept-3")
    assert loaded is not tracker
    assert [e.text for e in loaded.events if isinstance(e, UserUttered)] == ["hello"]


async def test_a_new_session_and_purged_rows_load_as_rasa_does(process_settings):
    url = process_settings.database_url
    store = _store(url)
    tracker = await _started(store, "kept-4")
    tracker.update(SessionStarted())
    _turn(tracker, "new session")
    await store.save(tracker)
    loaded = await store.retrieve("kept-4")
    assert loaded is not tracker  # the kept one still holds the old session
    assert [e.text for e in loaded.events if isinstance(e, UserUttered)] == ["new session"]
    engine = sa.create_engine(url, future=True)
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM events WHERE sender_id = 'kept-4'"))
    engine.dispose()
    assert await store.retrieve("kept-4") is None


async def test_a_new_domain_and_all_sessions_read_the_database(process_settings):
    store = _store(process_settings.database_url)
    tracker = await _started(store, "kept-5")
    assert await store.retrieve_full_tracker("kept-5") is not tracker
    store.domain = Domain.from_dict(DOMAIN.as_dict())
    assert await store.retrieve("kept-5") is not tracker


async def test_only_the_most_recent_conversations_are_kept(process_settings, monkeypatch):
    monkeypatch.setattr(tracker_store, "KEPT_TRACKERS", 2)
    store = _store(process_settings.database_url)
    first = await _started(store, "kept-6")
    for sender in ("kept-7", "kept-8"):
        await _started(store, sender)
    assert list(store._kept) == ["kept-7", "kept-8"]
    assert await store.retrieve("kept-6") is not first


async def test_a_failure_while_keeping_never_fails_the_save(process_settings, monkeypatch):
    store = _store(process_settings.database_url)

    def broken(_sender_id):
        raise sa.exc.OperationalError("SELECT", {}, Exception("database went away"))

    monkeypatch.setattr(store, "_rows", broken)
    tracker = await _started(store, "kept-9")  # saved without an error
    monkeypatch.undo()
    loaded = await store.retrieve("kept-9")
    assert loaded is not tracker and _as_saved(loaded) == _as_saved(tracker)
