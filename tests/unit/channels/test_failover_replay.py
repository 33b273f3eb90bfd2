"""What a node that did not handle the previous turn needs (after a failover): the last numbered SMS choices
from the stored conversation, and stored replies sent again through an output channel."""

from rasa.core.channels.channel import CollectingOutputChannel
from rasa.shared.core.events import BotUttered, UserUttered

from bot.channels.guard import last_turn
from bot.channels.replay import replies_after, send_again
from bot.channels.sms import shown_options

YES_NO = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]


def last_options(events) -> list[tuple[str, str]]:
    return shown_options(last_turn(events)) or []


def test_last_options_are_the_buttons_of_the_bots_last_turn():
    events = [BotUttered("Ready?", {"buttons": YES_NO}), UserUttered("1"),
              BotUttered("Thanks."), BotUttered("How often?", {"buttons": [{"title": "Daily", "payload": "daily"}]})]
    assert last_options(events) == [("Daily", "daily")]
    assert last_options([*events, UserUttered("1"), BotUttered("Noted, thank you.")]) == []
    assert last_options([]) == []


async def test_stored_replies_are_sent_again_as_first_sent():
    events = [UserUttered("hi", message_id="m1"), BotUttered("Hello", {"buttons": YES_NO}), BotUttered("Ready?"),
              UserUttered("yes", message_id="m2"), BotUttered("Next")]
    stored = replies_after(events, "s1", "m1")
    output = CollectingOutputChannel()
    await send_again(output, "s1", stored)
    assert [(m["text"], m.get("buttons")) for m in output.messages] == [("Hello", YES_NO), ("Ready?", None)]
    assert all(m["recipient_id"] == "s1" for m in output.messages)
