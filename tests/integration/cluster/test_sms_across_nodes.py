"""The SMS channel on two nodes sharing one database (SQLite and PostgreSQL), as after a failover: each "node"
has its own channel (its own memory) and its own tracker store object; the webhook handler is the real one
(signatures are tested in tests/e2e/test_sms.py). The dialogue is a stand-in that stores what Rasa stores."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered

from bot.channels.sms import EMPTY_TWIML, TwilioSmsInput
from bot.store.tracker_store import EncryptedSQLTrackerStore

SENDER = "+15550109001"
BUTTONS = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]


class Node:
    def __init__(self, url: str) -> None:
        self.channel = TwilioSmsInput("AC00000000000000000000000000000000", "token", "+15550000000")
        self.channel.signature_ok = lambda _request: True
        self.channel.sender = SimpleNamespace(send=self._send)
        self.tracker_store = EncryptedSQLTrackerStore(domain=Domain.empty(), url=url)
        self.app = SimpleNamespace(ctx=SimpleNamespace(agent=SimpleNamespace(tracker_store=self.tracker_store)))
        self.handled: list[str] = []
        self.sent: list[str] = []
        hook = self.channel.blueprint(self._dialogue)
        self._receive = next(r.handler for r in hook._future_routes if r.uri == "/webhook")  # noqa: SLF001

    async def _send(self, _to: str, body: str) -> bool:
        self.sent.append(body)
        return True

    async def _dialogue(self, message) -> None:
        """Like Rasa: the user message stored with its message_id, a reply with buttons, stored too."""
        self.handled.append(message.text)
        tracker = await self.tracker_store.get_or_create_tracker(message.sender_id)
        tracker.update(UserUttered(message.text, input_channel=message.input_channel, message_id=message.message_id))
        await message.output_channel.send_text_with_buttons(message.sender_id, "Shall we go on?", BUTTONS)
        tracker.update(BotUttered("Shall we go on?", data={"buttons": BUTTONS}))
        await self.tracker_store.save(tracker)

    async def text(self, body: str, sid: str) -> str:
        request = SimpleNamespace(form={"From": SENDER, "Body": body, "MessageSid": sid}, app=self.app)
        reply = await self._receive(request)
        assert reply.status == 200
        return reply.body.decode()


def sid(n: int) -> str:
    return f"SM{n:032x}"


@pytest.fixture
def nodes(process_settings):
    return Node(process_settings.database_url), Node(process_settings.database_url)


async def test_a_repeated_delivery_to_another_node_gets_the_stored_answer_and_is_not_handled(nodes):
    a, b = nodes
    await a.text("hi", sid(1))
    assert a.handled == ["hi"] and len(a.sent) == 1
    # Twilio's retry, routed to b after a failover (a may have died before sending): the stored answer again
    assert await b.text("hi", sid(1)) == EMPTY_TWIML
    assert b.handled == [] and b.sent == a.sent
    await b.text("hello again", sid(2))  # a new message on b is handled as usual
    assert b.handled == ["hello again"]


async def test_a_numbered_reply_on_another_node_picks_the_option_shown_by_the_first(nodes):
    a, b = nodes
    await a.text("hi", sid(3))
    assert "1" in a.sent[0] and "Yes" in a.sent[0]
    await b.text("2", sid(4))  # b has not seen this conversation: reads the stored last bot turn
    assert b.handled == ["/deny"]
    await b.text("#1", sid(5))  # b's own turn, read back from the conversation
    assert b.handled == ["/deny", "/affirm"]


async def test_a_stop_on_one_node_holds_on_the_other(nodes):
    a, b = nodes
    await b.text("hello", sid(6))  # b has checked this number before the STOP
    await a.text("STOP", sid(7))
    assert len(a.sent) == 1 and "START" in a.sent[0]
    sent_by_b = len(b.sent)
    await b.text("what is IOP?", sid(8))
    assert b.handled == ["hello"] and len(b.sent) == sent_by_b  # nothing handled, nothing sent
    await b.text("START", sid(9))
    assert "subscribed again" in b.sent[-1]
    await a.text("hi", sid(10))
    assert a.handled == ["hi"]
