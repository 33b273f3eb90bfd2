"""What the nodes share through a real Redis: Rasa's conversation lock, the widget's socket.io rooms (a message
emitted on one node reaches a socket on another) and the typing state; and what still works when Redis is down."""

from __future__ import annotations

import asyncio
import contextlib

import socketio
from aiohttp import web
from rasa.core.lock_store import LockStore
from rasa.utils.endpoints import EndpointConfig

from bot.channels.shared_state import SharedTypingBoard, room_manager
from bot.cluster.local import lock_store_config
from tests.support.redis_server import redis_server  # noqa: F401 - fixture
from tests.support.stack import free_port


async def test_the_lock_of_a_conversation_holds_across_two_lock_stores(redis_server):  # noqa: F811
    config = lock_store_config(redis_server.url)
    node_a, node_b = (LockStore.create(EndpointConfig(**config)) for _ in range(2))
    order: list[str] = []

    async def turn(store, name: str, hold: float) -> None:
        async with store.lock("conversation-1", wait_time_in_seconds=0.05):
            order.append(f"{name} in")
            await asyncio.sleep(hold)
            order.append(f"{name} out")

    first = asyncio.create_task(turn(node_a, "a", 0.5))
    await asyncio.sleep(0.1)
    await turn(node_b, "b", 0.0)
    await first
    assert order == ["a in", "a out", "b in", "b out"]


async def test_typing_marked_on_one_node_is_seen_on_another_and_expires(redis_server):  # noqa: F811
    node_a, node_b = SharedTypingBoard(redis_server.url, ttl=0.5), SharedTypingBoard(redis_server.url, ttl=0.5)
    await node_a.mark("conversation-1", True)
    assert await node_b.typing_now("conversation-1") is True
    assert await node_b.typing_now("conversation-2") is False
    await asyncio.sleep(0.7)
    assert await node_b.typing_now("conversation-1") is False
    await node_a.mark("conversation-1", True)
    await node_b.mark("conversation-1", False)
    assert await node_a.typing_now("conversation-1") is False


async def test_without_redis_the_typing_board_falls_back_to_this_nodes_memory(redis_server, caplog):  # noqa: F811
    from bot.redact import redact_record

    board = SharedTypingBoard(redis_server.url)
    redis_server.stop()
    await board.mark("conversation-1", True)
    assert await board.typing_now("conversation-1") is True
    # what the log file gets (%-arguments redacted) still names the kind of failure, and no conversation id
    logged = [redact_record(r).getMessage() for r in caplog.records if "typing state" in r.getMessage()]
    assert logged and all("Error" in m and "conversation-1" not in m for m in logged), logged


async def _socket_node(manager) -> tuple[socketio.AsyncServer, web.AppRunner, int]:
    sio = socketio.AsyncServer(async_mode="aiohttp", client_manager=manager)

    @sio.event
    async def connect(sid, _environ, auth):
        await sio.enter_room(sid, auth["room"])

    app = web.Application()
    sio.attach(app)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return sio, runner, port


async def _client(port: int, room: str) -> tuple[socketio.AsyncClient, asyncio.Queue]:
    client, got = socketio.AsyncClient(), asyncio.Queue()
    client.on("bot_uttered", got.put_nowait)
    await client.connect(f"http://127.0.0.1:{port}", auth={"room": room}, transports=["polling"])
    return client, got


async def test_a_message_emitted_on_one_node_reaches_the_socket_on_another(redis_server):  # noqa: F811
    (sio_a, runner_a, _), (sio_b, runner_b, port_b) = [await _socket_node(room_manager(redis_server.url))
                                                       for _ in range(2)]
    client, got = await _client(port_b, "conversation-1")
    try:
        await asyncio.sleep(0.5)  # both managers subscribed
        await sio_a.emit("bot_uttered", {"text": "Dana: hello"}, room="conversation-1")
        assert await asyncio.wait_for(got.get(), 5) == {"text": "Dana: hello"}
        redis_server.stop()  # the node holding the socket still reaches it without Redis
        await sio_b.emit("bot_uttered", {"text": "still here"}, room="conversation-1")
        assert await asyncio.wait_for(got.get(), 5) == {"text": "still here"}
    finally:
        with contextlib.suppress(asyncio.TimeoutError):  # a long-polling client waits out its open poll
            await asyncio.wait_for(client.disconnect(), 2)
        await runner_a.cleanup()
        await runner_b.cleanup()


async def test_messages_between_nodes_after_idle_seconds_all_arrive(redis_server):  # noqa: F811
    """The subscription outlives quiet seconds: a read timeout (1 s before) made it fail and subscribe again a
    second later, and what another node emitted in that second was lost."""
    (sio_a, runner_a, _), (_, runner_b, port_b) = [await _socket_node(room_manager(redis_server.url))
                                                   for _ in range(2)]
    client, got = await _client(port_b, "conversation-1")
    try:
        await asyncio.sleep(0.5)  # both managers subscribed
        for n in range(6):  # a quiet 1.3 s before each: the old read timeout failed the subscription every time
            await asyncio.sleep(1.3)
            await sio_a.emit("bot_uttered", {"text": f"staff {n}"}, room="conversation-1")
        await asyncio.sleep(1)
        arrived = [got.get_nowait()["text"] for _ in range(got.qsize())]
        assert arrived == [f"staff {n}" for n in range(6)]
    finally:
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(client.disconnect(), 2)
        await runner_a.cleanup()
        await runner_b.cleanup()


def test_one_process_keeps_the_in_memory_defaults():
    assert room_manager("") is None
