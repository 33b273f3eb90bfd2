"""A message a person types is text: "/..." counts only for the buttons the bot just offered; over the rate
limit only a crisis is answered (with the crisis numbers)."""

import asyncio

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.nlu.training_data.message import Message

from bot.channels.guard import TEXT_MARK, as_text, guarded, offered_payloads
from bot.text.canonical import canonical
from tests.unit.channels.conftest import fresh_database

TYPED = ["/crisis", "/restart", "/session_start", "/faq", '/inform{"choice":{"$ne":1}}', " /restart ",
         '/inform{"choice": ["a", "b"]}', "/affirm", "/nlu_fallback", "//", "/"]
CHOICE = '/inform{"choice": "daily"}'


@pytest.fixture
def database(tmp_path, monkeypatch):
    with fresh_database(tmp_path, monkeypatch):
        yield


def _events():
    return [ActionExecuted("action_listen"), UserUttered("hi"),
            BotUttered("How often?", {"buttons": [{"title": "Daily", "payload": CHOICE},
                                                  {"title": "Never", "payload": '/inform{"choice": "never"}'}]}),
            BotUttered("You can also type.", {"quick_replies": [{"title": "Talk", "payload": "/request_human"}]})]


def test_the_payloads_offered_are_those_of_the_bots_last_turn():
    assert offered_payloads(_events()) == {CHOICE, '/inform{"choice": "never"}', "/request_human"}
    assert offered_payloads([*_events(), UserUttered("daily")]) == set()
    assert offered_payloads([BotUttered("x", {"buttons": [{"payload": {"$ne": 1}}, "junk", None]})]) == set()
    assert offered_payloads(None) == set()


@pytest.mark.parametrize("typed", TYPED)
def test_typed_commands_become_text_rasa_does_not_unpack(typed):
    text = as_text(typed, offered_payloads(_events()))
    assert text.startswith(TEXT_MARK)
    parsed = YAMLStoryReader.unpack_regex_message(Message({"text": text}))
    assert parsed.get("intent") is None and parsed.get("entities") is None  # Rasa's "/intent{...}" reader
    assert canonical(text) == canonical(typed)  # NLU and the crisis detector read what was typed


def test_offered_payloads_and_the_widgets_own_controls_pass_unchanged():
    offered = offered_payloads(_events())
    assert as_text(CHOICE, offered) == CHOICE
    assert as_text("/greet", set()) == "/greet"
    assert as_text("/request_human", set()) == "/request_human"
    assert as_text('/greet{"language":"es"}', set()) == '/greet{"language":"es"}'  # the widget in Spanish
    assert as_text("every day", set()) == "every day"
    for typed in ('/greet{"language":"es"} hola', '/greet{"language":"es","x":1}', '/crisis{"language":"es"}'):
        assert as_text(typed, set()) == TEXT_MARK + typed


def _through_guard(text, offered=frozenset(), limited=False):
    seen = []

    async def dialogue(message: UserMessage) -> None:
        seen.append(message.text)
        await message.output_channel.send_text_message(message.sender_id, "Thanks.")

    async def lookup(_app, _sender_id):
        return set(offered)

    output = CollectingOutputChannel()
    message = UserMessage(text, output, sender_id="typed-1", input_channel="rest")
    asyncio.run(guarded(dialogue, offered=lookup)(message, None, limited=limited))
    return seen, [m.get("text") or "" for m in output.messages]


@pytest.mark.parametrize("typed", TYPED)
@pytest.mark.usefixtures("database")
def test_the_guard_hands_typed_commands_to_the_dialogue_as_text(typed):
    seen, replies = _through_guard(typed)
    assert seen == [TEXT_MARK + typed.strip()] and replies


@pytest.mark.usefixtures("database")
def test_the_guard_passes_a_payload_the_bot_offered():
    assert _through_guard(CHOICE, offered={CHOICE})[0] == [CHOICE]
    assert _through_guard(CHOICE, offered=set())[0] == [TEXT_MARK + CHOICE]


@pytest.mark.usefixtures("database")
def test_over_the_limit_the_dialogue_does_not_run_and_nothing_is_said():
    assert _through_guard("hello again", limited=True) == ([], [])


@pytest.mark.usefixtures("database")
def test_over_the_limit_a_crisis_still_gets_the_numbers_and_an_urgent_handoff():
    from bot.store import repositories

    seen, replies = _through_guard("i want to kill myself tonight", limited=True)
    assert seen == [] and any("988" in r for r in replies)
    handoff = repositories.get_active_handoff("typed-1")
    assert handoff is not None and handoff.urgency == "urgent"



@pytest.mark.usefixtures("database")
def test_a_lone_surrogate_is_dropped_before_the_dialogue():
    seen, replies = _through_guard("\ud800hello \udfff there")
    assert seen == ["hello  there"] and replies
