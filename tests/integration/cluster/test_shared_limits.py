"""Rate limits through a real Redis: two limiters (as two Rasa nodes have) draw on one budget per conversation
and per client, refill by Redis's clock, leave no idle key and no id in clear; without Redis (stopped or not
answering) each node falls back to its own memory and every message still gets an answer."""

from __future__ import annotations

import asyncio
import logging
import socket
import time

import redis
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot.channels.guard import guarded
from bot.channels.limits import Rate, RateLimiter
from bot.channels.shared_limits import SharedRateLimiter
from tests.support.redis_server import redis_server  # noqa: F401 - fixture
from tests.unit.channels.conftest import fresh_database

SLOW = 0.001  # tokens a minute: no refill within a test


def nodes(url: str, conversation: Rate = Rate(5, SLOW), client: Rate = Rate(60, SLOW)):
    return [SharedRateLimiter(url, "cluster secret", conversation, client) for _ in range(2)]


async def test_two_nodes_share_one_budget_per_conversation(redis_server):  # noqa: F811
    node_a, node_b = nodes(redis_server.url)
    assert [await node_a.check("+15550100", "10.0.0.1") for _ in range(3)] == [True] * 3
    assert [await node_b.check("+15550100", "10.0.0.2") for _ in range(2)] == [True] * 2
    assert await node_a.check("+15550100", "10.0.0.1") is False  # the 6th, on either node
    assert await node_b.check("+15550100", "10.0.0.2") is False
    assert await node_b.check("+15550199", "10.0.0.2") is True  # another conversation has its own bucket


async def test_concurrent_messages_on_both_nodes_take_exactly_the_burst(redis_server):  # noqa: F811
    node_a, node_b = nodes(redis_server.url)
    results = await asyncio.gather(*(node.check("conv-1") for _ in range(20) for node in (node_a, node_b)))
    assert results.count(True) == 5


async def test_a_client_spread_over_both_nodes_has_one_client_budget(redis_server):  # noqa: F811
    node_a, node_b = nodes(redis_server.url, client=Rate(4, SLOW))
    allowed = [await node.check(f"conv-{i}", "10.0.0.3") for i in range(5) for node in (node_a, node_b)]
    assert allowed.count(True) == 4
    assert await node_b.check("conv-new", "10.0.0.4") is True  # another client is not affected


async def test_the_shared_bucket_refills_over_time(redis_server):  # noqa: F811
    node_a, node_b = nodes(redis_server.url, conversation=Rate(2, 300))  # 5 tokens a second
    assert [await node_a.check("conv-1") for _ in range(3)] == [True, True, False]
    assert await node_b.check("conv-1") is False  # emptied on the other node
    await asyncio.sleep(0.5)  # 2.5 tokens back, the bucket holds 2
    assert [await node_b.check("conv-1") for _ in range(3)] == [True, True, False]


async def test_a_token_given_back_on_one_node_is_there_for_the_other(redis_server):  # noqa: F811
    node_a, node_b = nodes(redis_server.url, conversation=Rate(2, SLOW), client=Rate(3, SLOW))
    await node_a.give_back("conv-new", "10.0.0.5")  # nothing drawn yet: the buckets stay full, no key is made
    assert not redis.Redis.from_url(redis_server.url).keys("*")
    assert [await node_a.check("conv-1", "10.0.0.5") for _ in range(3)] == [True, True, False]
    await node_b.give_back("conv-1", "10.0.0.5")  # a copy answered from storage on the other node
    assert [await node_a.check("conv-1", "10.0.0.5") for _ in range(2)] == [True, False]
    for _ in range(4):
        await node_b.give_back("conv-1", "10.0.0.5")
    # four came back, but a bucket never holds more than its burst: two for the conversation
    assert [await node_a.check("conv-1", "10.0.0.5") for _ in range(3)] == [True, True, False]


async def test_keys_expire_when_idle_and_name_no_id(redis_server):  # noqa: F811
    node_a, _ = nodes(redis_server.url, conversation=Rate(10, 30), client=Rate(60, 300))
    await node_a.check("+15550100", "192.0.2.7")
    client = redis.Redis.from_url(redis_server.url)
    keys = sorted(k.decode() for k in client.keys("*"))
    assert len(keys) == 2 and all(k.startswith("iopbot:limit:") for k in keys)
    assert not any("5550100" in k or "192.0.2.7" in k for k in keys)
    ttls = {k.split(":")[2]: client.pttl(k) for k in keys}
    assert 0 < ttls["conversation"] <= 21_000  # full again after 10 / 30 a minute = 20 s
    assert 0 < ttls["client"] <= 13_000


async def test_with_redis_stopped_each_node_falls_back_to_its_memory(redis_server, caplog):  # noqa: F811
    node_a, _ = nodes(redis_server.url, conversation=Rate(2, SLOW))
    assert await node_a.check("+15550100") is True
    redis_server.stop()
    with caplog.at_level(logging.INFO, logger="bot.channels.shared_limits"):
        started = time.monotonic()
        assert [await node_a.check("+15550100") for _ in range(4)] == [True, True, False, False]
        assert time.monotonic() - started < 2
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1  # logged once, with no id
    assert "5550100" not in caplog.text


async def test_with_redis_stopped_a_crisis_over_the_limit_still_gets_the_numbers(redis_server, tmp_path,  # noqa: F811
                                                                                monkeypatch):
    node_a, _ = nodes(redis_server.url, conversation=Rate(1, SLOW))
    redis_server.stop()
    assert await node_a.check("+15550100") is True
    limited = not await node_a.check("+15550100")  # over this node's own limit
    seen: list[str] = []

    async def dialogue(message: UserMessage) -> None:
        seen.append(message.text)

    async def nothing_offered(_app, _sender_id):
        return set()

    output = CollectingOutputChannel()
    with fresh_database(tmp_path, monkeypatch):
        await guarded(dialogue, offered=nothing_offered)(
            UserMessage("i want to kill myself tonight", output, "+15550100", input_channel="rest"), None,
            limited=limited)
    assert limited and seen == []
    assert any("988" in (m.get("text") or "") for m in output.messages)


async def test_a_redis_that_does_not_answer_costs_one_timeout_then_memory_answers():
    with socket.socket() as silent:  # accepts connections, never replies
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        limiter = SharedRateLimiter(f"redis://127.0.0.1:{silent.getsockname()[1]}/1", "s", Rate(2, SLOW))
        started = time.monotonic()
        assert await limiter.check("conv-1") is True
        assert time.monotonic() - started < 3
        started = time.monotonic()
        assert [await limiter.check("conv-1") for _ in range(2)] == [True, False]
        assert time.monotonic() - started < 0.5  # not retried within RETRY_SECONDS


def test_one_process_keeps_the_in_memory_limiter():
    assert type(RateLimiter.from_credentials(None, redis_url="")) is RateLimiter
