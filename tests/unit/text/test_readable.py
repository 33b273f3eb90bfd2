"""Chat text is read as words: emoji by name, SMS shorthand spelled out, nothing else changed."""

import pytest

from bot.text.normalise import readable


@pytest.mark.parametrize("typed,read", [
    ("gn ty 👋", "good night thank you waving hand"),
    ("brb", "be right back"),
    ("r u a bot", "are you a bot"),
    ("i cant talk rn", "i can not talk right now"),
    ("🛑", "stop sign"),
    ("👍👍", "thumbs up thumbs up"),
    ("ttyl, thx!!", "talk to you later, thanks!!"),
])
def test_shorthand_and_emoji_become_words(typed, read):
    assert readable(typed) == read


@pytest.mark.parametrize("typed", ["y", "y tho", "Not now, but interested", "every day, mostly beer", ""])
def test_ambiguous_or_plain_text_keeps_its_words(typed):
    assert readable(typed).replace("though", "tho") == typed.lower()


def test_shorthand_inside_a_word_is_left_alone():
    assert readable("kyle knows my thxgiving plans") == "kyle knows my thxgiving plans"
