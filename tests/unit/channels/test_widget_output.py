"""The widget's output: replies carry the message_id they answer, and a turn's replies are held until it is
stored (a node that dies mid-turn has shown nothing of it), except what the guard sends at once."""

from __future__ import annotations

from bot.channels.web import WebChatOutput


class FakeServer:
    def __init__(self) -> None:
        self.emitted: list[tuple[str, dict, str]] = []

    async def emit(self, event: str, data: dict, room: str) -> None:
        self.emitted.append((event, data, room))


async def test_replies_carry_the_message_id_they_answer():
    server = FakeServer()
    output = WebChatOutput(server, "bot_uttered")
    output.reply_to = "web-1.3"
    await output.send_text_message("conversation-1", "Next question?")
    reply = {"text": "Next question?", "metadata": {"reply_to": "web-1.3"}}
    assert server.emitted == [("bot_uttered", reply, "conversation-1")]


async def test_a_held_turn_goes_out_on_flush_in_order():
    server = FakeServer()
    output = WebChatOutput(server, "bot_uttered")
    output.hold()
    await output.send_text_message("conversation-1", "Thanks.")
    await output.send_text_message("conversation-1", "How often?")
    assert server.emitted == [] and [m["text"] for m in output.messages] == ["Thanks.", "How often?"]
    await output.flush()
    await output.send_text_message("conversation-1", "Later.")  # still held until the next flush
    assert [data["text"] for _, data, _ in server.emitted] == ["Thanks.", "How often?"]
    await output.flush()
    assert [data["text"] for _, data, _ in server.emitted] == ["Thanks.", "How often?", "Later."]
