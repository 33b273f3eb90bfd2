"""Who the person is told they are talking to: joined / left notices in the conversation's events."""

from rasa.shared.core.events import BotUttered, UserUttered

from bot.conversation.live_chat import announced_staff, first_name, live_text, notice


def test_first_name_from_a_console_username():
    assert first_name("dana") == "Dana"
    assert first_name("maria.lopez") == "Maria"
    assert first_name("J_SMITH2") == "J"
    assert first_name("1234") is None
    assert first_name(None) is None


def test_the_last_notice_decides_who_is_present():
    joined = notice("en", "joined", "Dana")
    left = notice("en", "left", "Dana")
    as_dicts = [{"event": "bot", "text": joined["text"], "metadata": {k: v for k, v in joined.items() if k != "text"}},
                {"event": "user", "text": "is this a real person?"}]
    assert announced_staff(as_dicts) == "Dana"
    meta = {k: v for k, v in left.items() if k != "text"}
    events = [BotUttered("hi"), UserUttered("hello"), BotUttered(left["text"], metadata=meta)]
    assert announced_staff(events) is None
    assert announced_staff([]) is None


def test_notices_in_english_and_spanish_name_the_staff_member():
    assert live_text("en", "joined", "Dana").startswith("Dana from the intake team has joined")
    assert "Dana" in live_text("es", "left", "Dana") and "salido" in live_text("es", "left", "Dana")
    assert live_text("en", "joined", None).startswith("A person from the intake team has joined")
    assert "back with the assistant" in live_text("en", "back")
