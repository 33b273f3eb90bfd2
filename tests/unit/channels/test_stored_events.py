"""Reading a conversation's stored events for the channels: events, none stored, or an unreadable store."""

import asyncio
import logging
from types import SimpleNamespace

from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.channels.stored import agent_of, stored_events


def _agent(store):
    return SimpleNamespace(tracker_store=store)


def test_the_events_of_a_stored_conversation_and_none_for_an_unknown_one():
    store = InMemoryTrackerStore(Domain.empty())
    tracker = DialogueStateTracker("+15550001111", slots=[])
    tracker.update(UserUttered("hello"))
    asyncio.run(store.save(tracker))
    events = asyncio.run(stored_events(_agent(store), "+15550001111", "the test conversation"))
    assert [e.text for e in events if isinstance(e, UserUttered)] == ["hello"]
    assert asyncio.run(stored_events(_agent(store), "+15550002222", "the test conversation")) == []


def test_an_unreadable_store_gives_none_and_logs_what_without_the_id(caplog):
    class Broken:
        async def retrieve(self, _conversation_id):
            raise ConnectionError("database gone")

    with caplog.at_level(logging.ERROR):
        assert asyncio.run(stored_events(_agent(Broken()), "+15550003333", "the buttons last offered")) is None
    assert "could not read the buttons last offered" in caplog.text
    assert "+15550003333" not in caplog.text


def test_the_agent_of_an_app_or_none():
    agent = object()
    assert agent_of(SimpleNamespace(ctx=SimpleNamespace(agent=agent))) is agent
    assert agent_of(SimpleNamespace()) is None and agent_of(None) is None
