"""Widget conversation tokens: only a token the server issued, unexpired, resumes a conversation."""

import time

import pytest
from itsdangerous import TimestampSigner

from bot.channels.tokens import SALT, ConversationTokens, same_token

SECRET = "unit-test-secret"


def _signed_at(conversation_id: str, when: float, secret: str = SECRET) -> str:
    class Then(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(when)

    return Then(secret, salt=SALT).sign(conversation_id).decode()


def test_an_issued_token_resumes_its_conversation():
    tokens = ConversationTokens(SECRET)
    first = tokens.session_for(None)
    assert not first.resumed and len(first.conversation_id) == 32
    again = tokens.session_for(first.token)
    assert again.resumed and again.conversation_id == first.conversation_id and again.token == first.token


@pytest.mark.parametrize("given", [
    "0123456789abcdef0123456789abcdef",  # a bare id, never issued with a token (or someone else's)
    "+15550101001",
    "",
    None,
    {"$ne": 1},
    ["a"],
    12345,
    "x" * 10_000,
    "\ud800.abc.def",  # a lone surrogate, as JSON can carry it
])
def test_anything_but_a_token_gets_a_new_conversation(given):
    session = ConversationTokens(SECRET).session_for(given)
    assert not session.resumed and session.conversation_id != given
    assert ConversationTokens(SECRET).conversation_of(session.token) == session.conversation_id


def test_a_forged_or_foreign_token_gets_a_new_conversation():
    tokens = ConversationTokens(SECRET)
    victim = tokens.session_for(None)
    cid, stamp, signature = victim.token.split(".")
    forged = f"{cid}.{stamp}.{signature[:-2]}{'AA' if not signature.endswith('AA') else 'BB'}"
    other_key = ConversationTokens("another-secret").issue(cid)
    for token in (forged, other_key, f"{'f' * 32}.{stamp}.{signature}"):
        session = tokens.session_for(token)
        assert not session.resumed and session.conversation_id != cid, token


def test_an_expired_token_gets_a_new_conversation():
    tokens = ConversationTokens(SECRET, max_age=3600)
    cid = "a" * 32
    assert tokens.session_for(_signed_at(cid, time.time() - 600)).conversation_id == cid
    expired = tokens.session_for(_signed_at(cid, time.time() - 4000))
    assert not expired.resumed and expired.conversation_id != cid


def test_a_token_past_half_its_life_is_renewed_for_the_same_conversation():
    tokens = ConversationTokens(SECRET, max_age=3600)
    old = _signed_at("b" * 32, time.time() - 2000)
    session = tokens.session_for(old)
    assert session.resumed and session.conversation_id == "b" * 32 and session.token != old
    assert tokens.session_for(session.token).token == session.token


def test_same_token_compares_any_input_without_raising():
    assert same_token("abc", "abc")
    assert not same_token("abd", "abc")
    assert not same_token("", "")
    assert not same_token(None, "abc")
    assert not same_token({"a": 1}, "abc")
    assert not same_token("\ud800", "abc")
