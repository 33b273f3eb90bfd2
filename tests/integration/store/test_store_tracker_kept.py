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


async def _turn_elsewhere(other_node, sender, text, timestamp=None):
    """A turn another node loads, plays and saves."""
    theirs = await other_node.retrieve(sender)
    _turn(theirs, text, timestamp=timestamp)
    await other_node.save(theirs)


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
    await _turn_elsewhere(other_node, "kept-2", "from the other node")
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

    def broken(_executor, _sender_id):
        raise sa.exc.OperationalError("SELECT", {}, Exception("database went away"))

    monkeypatch.setattr(store, "_rows", broken)
    tracker = await _started(store, "kept-9")  # saved without an error
    monkeypatch.undo()
    loaded = await store.retrieve("kept-9")
    assert loaded is not tracker and _as_saved(loaded) == _as_saved(tracker)


def _count_session_queries(store, monkeypatch):
    """How often Rasa's session query (the one that reads every row of the session) runs on ``store``."""
    calls = []
    rasa_query = store._event_query

    def counted(*args, **kwargs):
        calls.append(args[1:])
        return rasa_query(*args, **kwargs)

    monkeypatch.setattr(store, "_event_query", counted)
    return calls


async def test_turns_of_a_kept_conversation_are_saved_without_the_session_query(process_settings, monkeypatch):
    url = process_settings.database_url
    store = _store(url)
    tracker = await _started(store, "kept-10")
    calls = _count_session_queries(store, monkeypatch)
    for number in range(5):
        assert await store.retrieve("kept-10") is tracker
        _turn(tracker, f"turn {number}")
        await store.save(tracker)
    assert calls == []
    assert await store.retrieve("kept-10") is tracker
    assert _as_saved(await _store(url).retrieve("kept-10")) == _as_saved(tracker)


async def test_rows_written_elsewhere_before_the_save_make_it_save_as_rasa_does(process_settings, monkeypatch):
    url = process_settings.database_url
    ours, other_node = _store(url), _store(url)
    tracker = await _started(ours, "kept-11")
    await _turn_elsewhere(other_node, "kept-11", "from the other node")
    calls = _count_session_queries(ours, monkeypatch)
    _turn(tracker, "ours")
    await ours.save(tracker)
    assert calls  # Rasa's own save ran, not ours: it decides what is new by counting the session's rows
    # (here it counts the other node's turn as ours and writes nothing: the conversation lock is there to
    # prevent two nodes interleaving one conversation)
    texts = [e.text for e in (await _store(url).retrieve("kept-11")).events if isinstance(e, UserUttered)]
    assert texts == ["hello", "from the other node"]


async def test_a_turn_timed_before_the_session_start_is_not_kept(process_settings):
    url = process_settings.database_url
    store = _store(url)
    tracker = await _started(store, "kept-12")
    session_start = next(e.timestamp for e in tracker.events if isinstance(e, SessionStarted))
    _turn(tracker, "from a clock behind", timestamp=session_start - 60)
    await store.save(tracker)
    loaded = await store.retrieve("kept-12")
    assert loaded is not tracker  # Rasa's session query leaves that turn out: ours loads what Rasa loads
    assert _as_saved(loaded) == _as_saved(await _store(url).retrieve("kept-12"))


async def test_saving_kept_trackers_writes_what_rasas_save_writes(process_settings, monkeypatch):
    """Random histories (turns, new sessions, turns timed before the session start, failed turns, another
    node's turns), each played on two conversations: one saved as Rasa saves, one with kept trackers. After
    every step both load the same events, and the store with kept trackers hands back what a new store loads."""
    import random

    url = process_settings.database_url
    store, other_node = _store(url), _store(url)
    rasa_only = _store(url)
    monkeypatch.setattr(rasa_only, "_append", lambda _kept, _tracker: _false())
    clock = [1_700_000_000.0]

    def tick():
        clock[0] += 1
        return clock[0]

    for history in range(12):
        rng = random.Random(history)
        pair = {f"eq-{history}-rasa": rasa_only, f"eq-{history}-kept": store}
        for sender, saver in pair.items():
            tracker = DialogueStateTracker(sender, [TextSlot("language", mappings=[])])
            tracker.update(SessionStarted(timestamp=clock[0]))
            await saver.save(tracker)
        for step in range(rng.randint(4, 12)):
            kind = rng.choice(["turn", "turn", "turn", "session", "behind", "failed", "other"])
            stamp = tick()
            for sender, saver in pair.items():
                tracker = await saver.retrieve(sender)
                if kind == "session":
                    tracker.update(SessionStarted(timestamp=stamp))
                if kind == "failed":
                    _turn(tracker, f"lost {step}", timestamp=stamp)
                    continue
                if kind == "other":
                    await _turn_elsewhere(other_node, sender, f"other {step}", timestamp=stamp)
                    continue
                _turn(tracker, f"turn {step}", timestamp=stamp - 3600 if kind == "behind" else stamp)
                await saver.save(tracker)
            loaded = [[e.as_dict() for e in (await _store(url).retrieve(sender)).events] for sender in pair]
            assert loaded[0] == loaded[1], (history, step, kind)
            handed_back = await store.retrieve(f"eq-{history}-kept")
            assert [e.as_dict() for e in handed_back.events] == loaded[1], (history, step, kind)


async def _false():
    return False


async def test_with_an_event_broker_each_new_event_is_published_once(process_settings):
    class Broker:
        def __init__(self):
            self.published = []

        def publish(self, body):
            self.published.append(body)

    store = _store(process_settings.database_url)
    store.event_broker = Broker()
    tracker = await _started(store, "kept-13")
    assert await store.retrieve("kept-13") is tracker
    _turn(tracker, "published")
    await store.save(tracker)
    assert [body["event"] for body in store.event_broker.published] == [e.type_name for e in tracker.events]
