"""SMS Twilio's API did not take wait in the database (SQLite and PostgreSQL), encrypted, and go out later from
any process, in order, once; a real HTTP server stands in for Twilio's Messages API."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest
import sqlalchemy as sa

from bot.channels import sms_sender
from bot.channels.sms_outbox import Outbox
from bot.channels.sms_sender import SmsSender
from tests.unit.channels.test_sms_sender import ACCOUNT, TO, Api

OTHER = "+15550108003"


@pytest.fixture(autouse=True)
def quick(monkeypatch):
    monkeypatch.setattr(sms_sender, "CALL_SECONDS", 0.5)
    monkeypatch.setattr(sms_sender, "FIRST_PAUSE", 0.05)
    monkeypatch.setattr(sms_sender, "LATER", (0.2, 0.2, 0.2))
    monkeypatch.setattr(sms_sender, "POLL_SECONDS", 0.1)


def _sender(api: Api, settings) -> SmsSender:
    return SmsSender(ACCOUNT, "token", "+15550000000", api.url, outbox=Outbox(settings))


async def _close(*senders: SmsSender) -> None:
    for sender in senders:
        await sender.stop_later_tries()
        if sender._client is not None:  # noqa: SLF001 - the test owns the client
            await sender._twilio().http_client.close()  # noqa: SLF001


def _raw_rows(settings) -> list[tuple]:
    engine = sa.create_engine(settings.database_url, future=True)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(sa.text("SELECT number, body, tries FROM sms_outbox ORDER BY id"))]
    finally:
        engine.dispose()


async def _until_empty(settings, seconds: float = 10.0) -> None:
    began = time.monotonic()
    while _raw_rows(settings):
        assert time.monotonic() - began < seconds, "SMS still waiting in the outbox"
        await asyncio.sleep(0.05)


async def _until_logged(caplog, text: str, seconds: float = 10.0) -> None:
    """The sender logs after the outbox row is gone (``give_up`` returns the count it logs): wait for the line."""
    began = time.monotonic()
    while not any(text in r.getMessage() for r in caplog.records):
        assert time.monotonic() - began < seconds, f"never logged: {text}"
        await asyncio.sleep(0.05)


async def test_an_sms_left_by_a_process_that_ended_goes_out_from_another_in_order(store_settings):
    api = Api([503] * sms_sender.ATTEMPTS + [201])
    first = _sender(api, store_settings)
    try:
        assert await first.send(TO, "first reply") is False
        assert await first.send(TO, "second reply") is False  # behind the first, not tried now
        assert len(api.bodies) == sms_sender.ATTEMPTS
        await first.stop_later_tries()  # the process ends before any later try

        rows = _raw_rows(store_settings)
        assert len(rows) == 2
        assert not any(TO in str(r) or "reply" in str(r) for r in rows)  # number and text encrypted at rest

        second = _sender(api, store_settings)  # another node, or the same one restarted
        second.start_later_tries()
        await _until_empty(store_settings)
        await _close(second)
        later = api.bodies[sms_sender.ATTEMPTS:]
        assert len(later) == 2 and "first" in later[0] and "second" in later[1]
    finally:
        await _close(first)
        api.close()


async def test_two_nodes_trying_at_once_send_each_sms_once(store_settings):
    api = Api([201])
    outbox = Outbox(store_settings)
    for n in range(6):
        assert outbox.add(TO if n % 2 else OTHER, f"reply {n}", 0.0)
    one, two = _sender(api, store_settings), _sender(api, store_settings)
    try:
        await asyncio.gather(one.try_due(), two.try_due(), one.try_due(), two.try_due())
        await _until_empty(store_settings)
        sent = sorted(body.split("Body=")[1].split("&")[0] for body in api.bodies)
        assert sent == [f"reply+{n}" for n in range(6)]
    finally:
        await _close(one, two)
        api.close()


async def test_an_sms_is_given_up_after_every_later_try_and_a_refusal_is_final(store_settings, caplog):
    api = Api([503])
    sender = _sender(api, store_settings)
    try:
        with caplog.at_level(logging.ERROR):
            assert await sender.send(TO, "never taken") is False
            await _until_empty(store_settings)
            await _until_logged(caplog, "gave up on SMS after every later try: 1 not delivered")
        assert len(api.bodies) == sms_sender.ATTEMPTS * (1 + len(sms_sender.LATER))
    finally:
        await _close(sender)
        api.close()

    refused = Api([503] * sms_sender.ATTEMPTS + [400])
    sender = _sender(refused, store_settings)
    try:
        assert await sender.send(TO, "refused later") is False
        await _until_empty(store_settings)
        assert len(refused.bodies) == sms_sender.ATTEMPTS + 1  # the refusal is not tried again
    finally:
        await _close(sender)
        refused.close()


async def test_without_a_database_the_sms_waits_in_memory(tmp_path):
    from tests.integration.conftest import make_settings

    broken = make_settings(tmp_path, f"sqlite:///{tmp_path}/missing/dir/bot.db")
    api = Api([503] * sms_sender.ATTEMPTS + [201])
    sender = _sender(api, broken)
    try:
        assert await sender.send(TO, "kept in memory") is False
        await sender.settled()
        assert len(api.bodies) == sms_sender.ATTEMPTS + 1 and "kept+in+memory" in api.bodies[-1]
    finally:
        await _close(sender)
        api.close()
