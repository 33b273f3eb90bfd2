"""A copy of a message (same message id) in one process: the guard answers it from the stored conversation
with the same safety net as on a cluster: the trouble reply instead of silence, the crisis texts once."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered

from bot.channels.guard import guarded
from bot.channels.replay import answered_before, send_again
from tests.unit.channels.conftest import fresh_database

SENDER = "copy-1"
NEXT = "Thanks. Next question: how often?"


@pytest.fixture
def database(tmp_path, monkeypatch):
    with fresh_database(tmp_path, monkeypatch):
        yield


def _app(*events) -> SimpleNamespace:
    """One process's Rasa app: an in-memory lock store (not re-entrant) and a tracker holding ``events``."""
    store = InMemoryTrackerStore(Domain.empty())
    tracker = asyncio.run(store.get_or_create_tracker(SENDER))
    for event in events:
        tracker.update(event)
    asyncio.run(store.save(tracker))
    agent = SimpleNamespace(lock_store=InMemoryLockStore(), tracker_store=store)
    return SimpleNamespace(ctx=SimpleNamespace(agent=agent))


HANDLED: list[str] = []


async def _must_not_run(message: UserMessage) -> None:
    HANDLED.append(message.text)  # the guard catches errors, so a raise here could not fail the test


async def _answers(message: UserMessage) -> None:
    await message.output_channel.send_text_message(message.sender_id, NEXT)


async def _send(app, text: str, message_id: str, dialogue=_must_not_run) -> list[str]:
    output = CollectingOutputChannel()
    message = UserMessage(text, output, SENDER, input_channel="rest", message_id=message_id)
    repeat = answered_before(app, SENDER, message_id, lambda replies: send_again(output, SENDER, replies))
    HANDLED.clear()
    await guarded(dialogue)(message, app, repeat=repeat)
    assert dialogue is not _must_not_run or not HANDLED, "a copy of a handled message was handled again"
    return [m.get("text") or "" for m in output.messages]


@pytest.mark.usefixtures("database")
def test_a_copy_gets_its_stored_answer_and_nothing_more():
    app = _app(UserUttered("every day", message_id="m1"), BotUttered(NEXT))
    assert asyncio.run(_send(app, "every day", "m1")) == [NEXT]


@pytest.mark.usefixtures("database")
def test_a_copy_whose_stored_turn_has_no_reply_gets_the_trouble_reply_not_silence():
    """The first copy got the guard's trouble reply, which is not stored."""
    app = _app(UserUttered("every day", message_id="m1"))
    texts = asyncio.run(_send(app, "every day", "m1"))
    assert len(texts) == 1 and "988" in texts[0] and "911" in texts[0]


@pytest.mark.usefixtures("database")
def test_a_copy_of_a_crisis_gets_the_crisis_texts_its_stored_answer_lacks():
    app = _app(UserUttered("i want to kill myself tonight", message_id="m1"), BotUttered(NEXT))
    texts = asyncio.run(_send(app, "i want to kill myself tonight", "m1"))
    assert texts[0] == NEXT and any("988" in t for t in texts[1:])


@pytest.mark.usefixtures("database")
def test_a_crisis_copy_while_the_conversation_is_busy_gets_the_crisis_texts_once():
    """The crisis texts go out first (the conversation's lock is held), the copy waits for the lock, and the
    safety net then sees the texts already sent."""
    app = _app(UserUttered("i want to kill myself tonight", message_id="m1"), BotUttered(NEXT))

    async def scenario() -> list[str]:
        async def hold() -> None:
            async with app.ctx.agent.lock_store.lock(SENDER):
                await asyncio.sleep(0.6)

        holder = asyncio.create_task(hold())
        await asyncio.sleep(0.1)
        texts = await _send(app, "i want to kill myself tonight", "m1")
        await holder
        return texts

    texts = asyncio.run(scenario())
    assert sum("988" in t for t in texts) == 1, texts
    assert "988" in texts[0] and NEXT in texts


@pytest.mark.usefixtures("database")
def test_a_new_message_id_is_handled():
    app = _app(UserUttered("every day", message_id="m1"), BotUttered(NEXT))
    assert asyncio.run(_send(app, "twice a week", "m2", dialogue=_answers)) == [NEXT]


@pytest.mark.usefixtures("database")
def test_copies_of_an_answered_message_cost_no_rate_limit_tokens():
    """A client retrying a message whose answer it lost (REST, same id) five times, with a burst of two, is
    answered from storage each time and its next new message is still handled."""
    from bot.channels.limits import Rate, RateLimiter
    from bot.channels.rest import SafeRestInput

    app = _app(UserUttered("every day", message_id="m1"), BotUttered(NEXT))
    channel = SafeRestInput()
    channel.limiter = RateLimiter(Rate(2, 0.001), Rate(60, 0.001))
    handle = guarded(_answers)

    async def send(text: str, message_id: str):
        message = UserMessage(text, CollectingOutputChannel(), SENDER, input_channel="rest", message_id=message_id)
        return await channel._take(app, message, "10.0.0.9", handle)  # noqa: SLF001 - the channel's own path

    async def scenario():
        copies = [await send("every day", "m1") for _ in range(5)]
        return copies, await send("twice a week", "m2")

    copies, new = asyncio.run(scenario())
    assert all(r.status == 200 and NEXT.encode() in r.body for r in copies)
    assert new.status == 200 and NEXT.encode() in new.body
