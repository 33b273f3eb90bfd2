import pytest

from bot.conversation.parsing import parse_for_whom


@pytest.mark.parametrize("text", ["1", "me", "myself", "for myself", "For me", "it's for me", "im asking for myself",
                                  "just me", "this is for me", "me, I need help", "Myself obviously"])
def test_self(text):
    assert parse_for_whom(text) == "self"


@pytest.mark.parametrize("text", ["2", "my son", "for my daughter", "my husband drinks too much", "a friend",
                                  "someone else", "my mom", "for my brother", "someone I care about",
                                  "my gf", "asking for him", "family member"])
def test_other(text):
    assert parse_for_whom(text) == "other"


@pytest.mark.parametrize("text", ["", "   ", "hmm", "what", "me and my wife", "banana"])
def test_unclear_is_none_not_a_guess(text):
    assert parse_for_whom(text) is None
