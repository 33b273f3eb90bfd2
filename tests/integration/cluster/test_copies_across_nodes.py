"""Two copies of one message on two nodes at once (a failover: the first node still works on it when the
client's repeat reaches the other): handled once, the other copy answered from storage. Real Redis (the
conversation lock, bot.cluster.lock_store) and the real tracker store (SQLite and PostgreSQL); the SMS
channel's real webhook handler; the dialogue is a stand-in that takes the lock and stores as Rasa does."""

from __future__ import annotations

import asyncio

import pytest
from rasa.core.lock_store import LockStore
from rasa.shared.core.events import UserUttered
from rasa.utils.endpoints import EndpointConfig

from bot.cluster.local import lock_store_config
from tests.integration.cluster.test_sms_across_nodes import SENDER, Node, sid
from tests.support.redis_server import redis_server  # noqa: F401 - fixture


class LockedNode(Node):
    """A node whose dialogue, like Rasa's ``Agent.handle_message``, runs under the conversation's lock."""

    def __init__(self, url: str, redis_url: str) -> None:
        super().__init__(url)
        self.app.ctx.agent.lock_store = LockStore.create(EndpointConfig(**lock_store_config(redis_url)))

    async def _dialogue(self, message) -> None:
        async with self.app.ctx.agent.lock_store.lock(message.sender_id):
            await asyncio.sleep(0.5)  # a slow turn: the other copy arrives meanwhile
            await super()._dialogue(message)


@pytest.fixture
def nodes(process_settings, redis_server):  # noqa: F811
    return (LockedNode(process_settings.database_url, redis_server.url),
            LockedNode(process_settings.database_url, redis_server.url))


async def test_a_copy_arriving_on_another_node_while_the_first_runs_is_answered_from_storage(nodes):
    a, b = nodes
    first = asyncio.create_task(a.text("hi", sid(1)))
    await asyncio.sleep(0.1)  # a holds the conversation's lock
    await b.text("hi", sid(1))
    await first
    assert a.handled + b.handled == ["hi"]
    assert len(a.sent) == 1 and b.sent == a.sent  # the same answer on both
    tracker = await a.tracker_store.retrieve(SENDER)
    assert [e.message_id for e in tracker.events if isinstance(e, UserUttered)] == [sid(1)]


async def test_messages_of_one_conversation_on_two_nodes_are_stored_in_the_order_they_arrived(nodes):
    a, b = nodes
    turns = []
    for n in range(6):  # each arrives while the earlier ones still wait for the lock
        turns.append(asyncio.create_task((a if n % 2 else b).text(f"message {n}", sid(10 + n))))
        await asyncio.sleep(0.05)
    await asyncio.gather(*turns)
    tracker = await a.tracker_store.retrieve(SENDER)
    assert [e.text for e in tracker.events if isinstance(e, UserUttered)] == [f"message {n}" for n in range(6)]


async def test_a_crisis_gets_the_numbers_at_once_while_an_earlier_message_holds_the_lock(process_settings,  # noqa: ARG001
                                                                                          redis_server):  # noqa: F811
    """The widget holds a turn's replies until it is stored, but the crisis numbers sent before the dialogue
    (the conversation is busy) go out at once, not after the earlier message's turn."""
    from types import SimpleNamespace

    from rasa.core.channels.channel import UserMessage

    from bot.channels.guard import guarded
    from bot.channels.replay import arrival
    from bot.channels.web import WebChatOutput
    from tests.unit.channels.test_widget_output import FakeServer

    def node():
        store = LockStore.create(EndpointConfig(**lock_store_config(redis_server.url)))
        return SimpleNamespace(ctx=SimpleNamespace(agent=SimpleNamespace(lock_store=store)))

    earlier, this = node(), node()
    release = asyncio.Event()

    async def hold_earlier() -> None:
        async with earlier.ctx.agent.lock_store.lock("conversation-1"):
            await release.wait()

    async def dialogue(message) -> None:
        await message.output_channel.send_text_message(message.sender_id, "Please call or text 988 now.")

    holder = asyncio.create_task(hold_earlier())
    await asyncio.sleep(0.2)
    server = FakeServer()
    output = WebChatOutput(server, "bot_uttered")
    output.hold()

    async def crisis() -> None:
        async with arrival(this, "conversation-1"):
            await guarded(dialogue)(UserMessage("i want to kill myself", output, "conversation-1"), this)
        await output.flush()

    turn = asyncio.create_task(crisis())
    for _ in range(300):  # the first crisis verdict loads the crisis model
        if server.emitted or turn.done():
            break
        await asyncio.sleep(0.1)
    assert any("988" in data["text"] for _, data, _ in server.emitted), server.emitted
    assert not turn.done()  # still waiting for the earlier message
    release.set()
    await asyncio.gather(holder, turn)
    assert "Please call or text" in server.emitted[-1][1]["text"]
