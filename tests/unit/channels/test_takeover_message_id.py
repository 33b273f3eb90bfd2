"""A message recorded during a staff takeover keeps its message_id, so a repeated delivery (an SMS MessageSid,
a REST message_id) is recognised by ``bot.channels.replay`` on any node."""

from __future__ import annotations

from types import SimpleNamespace

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain

from bot.channels.guard import guarded
from bot.channels.replay import answered_before


async def test_a_message_recorded_during_a_takeover_keeps_its_message_id(monkeypatch):
    monkeypatch.setattr("bot.store.repositories.is_taken_over", lambda _sender_id: True)
    store = InMemoryTrackerStore(Domain.empty())

    async def fetch(sender_id, _output, _metadata):
        return await store.get_or_create_tracker(sender_id)

    processor = SimpleNamespace(fetch_tracker_and_update_session=fetch, save_tracker=store.save)
    app = SimpleNamespace(ctx=SimpleNamespace(agent=SimpleNamespace(lock_store=InMemoryLockStore(),
                                                                     processor=processor, tracker_store=store)))

    async def dialogue(_message):
        raise AssertionError("the bot must stay silent during a takeover")

    message = UserMessage("are you there?", CollectingOutputChannel(), "+15550106001", input_channel="twilio",
                          message_id="SM" + "a" * 32)
    await guarded(dialogue)(message, app)
    sent: list[list[dict]] = []

    async def send(replies: list[dict]) -> None:
        sent.append(replies)

    assert await answered_before(app, "+15550106001", "SM" + "a" * 32, send)() == []
    assert await answered_before(app, "+15550106001", "SM" + "b" * 32, send)() is None
    assert sent == [[]]
