import datetime as dt

import sqlalchemy as sa
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.store import db
from bot.store import repositories as repo
from bot.store.tracker_store import EncryptedSQLTrackerStore
from bot.store.transcript import load_transcript

SECRET = "I use heroin every day and I had a seizure"


def _tracker(sender_id):
    tracker = DialogueStateTracker(sender_id, [])
    tracker.update(SessionStarted())
    tracker.update(
        UserUttered(SECRET, intent={"name": "inform", "confidence": 1.0}, input_channel="socketio")
    )
    tracker.update(
        BotUttered("Thank you for telling me.", data={"buttons": [{"title": "Yes", "payload": "/y"}]})
    )
    tracker.update(BotUttered("Hi, this is Alice.", metadata={"iopbot_from": "staff", "staff_message_id": 1}))
    tracker.update(UserUttered("<script>alert(1)</script>"))
    return tracker


async def test_rasa_builds_the_store_from_endpoints_and_encrypts_events(process_settings):
    url = process_settings.database_url
    endpoint = EndpointConfig(url=url, type="bot.store.tracker_store.EncryptedSQLTrackerStore")
    store = TrackerStore.create(endpoint, Domain.empty())
    inner = getattr(store, "_tracker_store", store)
    assert isinstance(inner, EncryptedSQLTrackerStore)

    await store.save(_tracker("conv-1"))
    restored = await TrackerStore.create(endpoint, Domain.empty()).retrieve("conv-1")  # from the database
    texts = [e.text for e in restored.events if isinstance(e, (UserUttered, BotUttered))]
    assert texts == [SECRET, "Thank you for telling me.", "Hi, this is Alice.", "<script>alert(1)</script>"]

    engine = sa.create_engine(url, future=True)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT data FROM events WHERE sender_id = 'conv-1'")).scalars().all()
    engine.dispose()
    assert rows and all(r.startswith("gAAAA") for r in rows)
    assert not any("heroin" in r or "Alice" in r for r in rows)


async def test_store_defaults_to_settings_database(process_settings):
    store = EncryptedSQLTrackerStore(domain=Domain.empty())
    assert str(store.engine.url) == process_settings.database_url
    await store.save(_tracker("conv-2"))
    assert "conv-2" in list(await store.keys())


async def test_transcript_reader_labels_person_bot_and_staff(process_settings):
    store = EncryptedSQLTrackerStore(domain=Domain.empty(), url=process_settings.database_url)
    await store.save(_tracker("conv-3"))
    with db.session_scope() as s:
        hid = repo.create_handoff(s, sender_id="conv-3", channel="web")
        repo.add_staff_message(s, hid, "alice", "Still there?")
    transcript = load_transcript("conv-3", settings=process_settings)
    assert [(e["who"], e["text"]) for e in transcript] == [
        ("person", SECRET),
        ("bot", "Thank you for telling me.\n[Yes]"),
        ("staff", "Hi, this is Alice."),
        ("person", "<script>alert(1)</script>"),
        ("staff", "Still there?"),
    ]
    assert transcript[-1]["pending"] is True
    assert all(e["at"] is not None for e in transcript)


async def test_wrong_key_shows_placeholder_instead_of_failing(process_settings):
    store = EncryptedSQLTrackerStore(domain=Domain.empty())
    await store.save(_tracker("conv-4"))
    from cryptography.fernet import Fernet

    engine = db.make_engine(process_settings.database_url, encryption_key=Fernet.generate_key().decode())
    with db.make_session_factory(engine)() as s:
        transcript = load_transcript("conv-4", session=s)
    engine.dispose()
    assert transcript and {e["who"] for e in transcript} == {"system"}
    assert "heroin" not in str(transcript)


async def test_key_rotation_reads_old_rows(process_settings, monkeypatch):
    from cryptography.fernet import Fernet

    from bot.config import get_settings

    store = EncryptedSQLTrackerStore(domain=Domain.empty())
    await store.save(_tracker("conv-5"))
    old_key = process_settings.encryption_key
    monkeypatch.setenv("IOPBOT_ENCRYPTION_KEY", f"{Fernet.generate_key().decode()},{old_key}")
    get_settings.cache_clear()
    rotated = EncryptedSQLTrackerStore(domain=Domain.empty())
    restored = await rotated.retrieve("conv-5")
    assert any(getattr(e, "text", None) == SECRET for e in restored.events)


async def test_transcript_marks_each_message_with_its_language(process_settings):
    """A Spanish conversation: the first message is read as Spanish before the slot changes, the bot's
    replies after the switch are marked Spanish, and the conversation's language is Spanish."""
    from rasa.shared.core.events import SlotSet

    from bot.store.transcript import conversation_language

    tracker = DialogueStateTracker.from_events("conv-es", [
        SessionStarted(),
        UserUttered("hello", parse_data={"intent": {"name": "greet"}, "entities": []}),
        BotUttered("Hi!"),
        UserUttered("hola necesito ayuda", parse_data={
            "intent": {"name": "start_screening"},
            "entities": [{"entity": "language", "value": "es", "start": 0, "end": 19}]}),
        SlotSet("language", "es"),
        BotUttered("Claro, le ayudo."),
    ])
    await EncryptedSQLTrackerStore(domain=Domain.empty(), url=process_settings.database_url).save(tracker)
    transcript = load_transcript("conv-es", settings=process_settings)
    assert [(e["text"], e["lang"]) for e in transcript] == [
        ("hello", "en"), ("Hi!", "en"), ("hola necesito ayuda", "es"), ("Claro, le ayudo.", "es")]
    assert conversation_language(transcript) == "es"
    assert conversation_language([]) == "en"


async def test_saving_keeps_one_activity_row_per_conversation(process_settings):
    """What the Overview counts: written on every save, updated in place, a new row for a new session; the
    question is a question id from the form's slot, never an answer."""
    from rasa.shared.core.events import ActiveLoop, SlotSet
    from rasa.shared.core.slots import TextSlot

    from bot.store.models import ConversationActivity

    store = EncryptedSQLTrackerStore(domain=Domain.empty(), url=process_settings.database_url)
    slots = [TextSlot("language", mappings=[]), TextSlot("screening_current", mappings=[])]
    tracker = DialogueStateTracker("+15557654321", slots)
    for event in (SessionStarted(timestamp=1_800_000_000), UserUttered("hola", input_channel="twilio",
                                                                       timestamp=1_800_000_005),
                  SlotSet("language", "es"), ActiveLoop("screening_form", timestamp=1_800_000_010),
                  SlotSet("screening_current", "substances")):
        tracker.update(event)
    await store.save(tracker)
    tracker.update(SlotSet("screening_current", "withdrawal"))
    tracker.update(UserUttered(SECRET, input_channel="twilio", timestamp=1_800_000_060))
    await store.save(tracker)

    def rows():
        with db.session_scope() as s:
            return [(r.channel, r.language, r.question, r.started_at, r.last_active_at,
                     r.screening_opened_at is not None) for r in
                    s.query(ConversationActivity).filter_by(sender_id="+15557654321").order_by("started_at")]

    start = dt.datetime(2027, 1, 15, 8, 0)  # 1_800_000_000 in UTC
    assert rows() == [("sms", "es", "withdrawal", start, start + dt.timedelta(minutes=1), True)]
    tracker.update(SessionStarted(timestamp=1_800_003_600))
    await store.save(tracker)
    assert len(rows()) == 2 and rows()[1][2] is None and rows()[1][5] is False


async def test_one_database_connection_serves_message_after_message(process_settings):
    """A SQLite file keeps its connection open (SQLAlchemy 1.4 would open one per session); PostgreSQL pools."""
    store = EncryptedSQLTrackerStore(domain=Domain.empty(), url=process_settings.database_url)
    opened = []
    sa.event.listen(store.engine, "connect", lambda connection, _record: opened.append(connection))
    for number in range(5):
        await store.save(_tracker(f"pooled-{number}"))
        assert await store.retrieve(f"pooled-{number}") is not None
    assert len(opened) == 1


def test_an_in_memory_sqlite_store_is_not_pooled(process_settings):  # noqa: ARG001 - its key
    store = EncryptedSQLTrackerStore(domain=Domain.empty(), url="sqlite://")
    assert not isinstance(store.engine.pool, sa.pool.QueuePool)  # each pooled connection would be another database
