"""Property-based (hypothesis): any string or JSON shape sent to the channel layer gets a polite reply or a
clear refusal, never an exception, and the text reaches the dialogue (nothing lost)."""

import asyncio

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot.channels.guard import MAX_MESSAGE_CHARS, TEXT_MARK, guarded
from bot.channels.rest import parse_message
from bot.channels.tokens import ConversationTokens
from bot.text.canonical import valid_text
from tests.unit.channels.conftest import fresh_database

ANY_CHAR = st.characters(blacklist_categories=())  # includes lone surrogates, controls, format characters
TEXTS = st.one_of(st.text(ANY_CHAR, max_size=300), st.text(ANY_CHAR, min_size=1, max_size=40).map(lambda t: "/" + t),
                  st.sampled_from(["/crisis", "/restart", "/session_start", "/faq", '/inform{"choice":{"$ne":1}}',
                                   "\u200b/restart", "  /greet{}", "<script>alert(1)</script>", "\x00" * 5]))
JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(ANY_CHAR, max_size=30),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner,
                                                                               max_size=4), max_leaves=12)
BODIES = st.one_of(JSON, st.fixed_dictionaries({"sender": JSON, "message": JSON}),
                   st.fixed_dictionaries({"sender": st.text(ANY_CHAR, max_size=140), "message": TEXTS}))


@pytest.fixture(scope="module", autouse=True)
def database(tmp_path_factory):
    patch = pytest.MonkeyPatch()
    with fresh_database(tmp_path_factory.mktemp("props"), patch):
        yield
    patch.undo()


@settings(max_examples=300, deadline=None)
@given(BODIES)
def test_any_rest_body_is_either_a_message_or_a_clear_refusal(body):
    parsed = parse_message(body)
    if isinstance(parsed, str):
        assert parsed  # the reason, sent as a 400
    else:
        sender, text = parsed
        assert sender == body["sender"] and isinstance(text, str) and "\x00" not in text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS)
def test_any_text_reaches_the_dialogue_and_gets_a_reply(text):
    received = []

    async def dialogue(message: UserMessage) -> None:
        received.append(message.text)
        await message.output_channel.send_text_message(message.sender_id, "Thanks.")

    async def nothing_offered(_app, _sender_id):
        return set()

    output = CollectingOutputChannel()
    asyncio.run(guarded(dialogue, offered=nothing_offered)(UserMessage(text, output, "prop-1", input_channel="rest")))
    replies = [m.get("text") for m in output.messages]
    assert replies and all(isinstance(r, str) and r for r in replies)
    assert len(received) == 1
    # Rasa's UserMessage strips; the guard drops lone surrogates and bounds what NLU reads
    bounded = valid_text(text.strip())[:MAX_MESSAGE_CHARS]
    typed_command = bounded.lstrip().startswith("/") and bounded.strip() not in ("/greet", "/request_human")
    expected = TEXT_MARK + bounded.strip() if typed_command else bounded
    assert received[0] == expected
    received[0].encode("utf-8")  # storable and readable by spaCy: no lone surrogates left


@settings(max_examples=300, deadline=None)
@given(JSON)
def test_any_session_request_shape_gets_a_conversation(value):
    session = ConversationTokens("prop-secret").session_for(value)
    assert not session.resumed and len(session.conversation_id) == 32 and session.token.startswith(
        session.conversation_id + ".")


@pytest.mark.parametrize("sender", ["a b", "a/b", "café", "x%20y", "id?x=1", "tab\there"])
def test_a_rest_sender_id_that_urls_would_encode_is_refused(sender):
    """The console reaches a conversation by a URL that Rasa reads undecoded: such an id could not be reached."""
    assert isinstance(parse_message({"sender": sender, "message": "hi"}), str)


@pytest.mark.parametrize("sender", ["rest-1", "crm:42", "user@clinic.org", "a_b.c+d"])
def test_usual_rest_sender_ids_are_accepted(sender):
    assert parse_message({"sender": sender, "message": "hi"}) == (sender, "hi")
