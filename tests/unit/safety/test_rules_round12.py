"""Crisis round 12 (2026-12-04), from the tuning half of the round-12 outside set: the rules alone (no model)
must find each crisis and leave each look-alike alone. New: a note to be read afterwards ("by the time u read
this ill be gone"), a goodbye text from someone who then cannot be reached, "take to just not wake up", the
edge of "our building roof", vomiting "a bunch of" blood, a rope bought "at home depot" (not "at home"); and
a goodbye letter to alcohol is a recovery exercise. A crisis the Spanish rules find in a message whose language
guess is a tie is answered in Spanish."""

import pytest

from bot.safety import assess


@pytest.mark.parametrize("text", [
    "dont bother calling back. by the time u read this ill be gone",
    "my son is 19 and he just texted me 'sorry for everything mom i love u' and now his phone goes straight to "
    "voicemail, i dont know where he is",
    "i cant do the whole shame thing again. bought a rope at home depot this afternoon",
    "how many oxy would it take to just not wake up. i have like 40",
    "been drinking all week straight and just threw up a bunch of blood, dark red almost black",
    "i can see him from the street standing on the edge of our building roof",
])
def test_round12_crises_are_found_by_the_rules(text):
    assert assess(text, use_model=False).level == "crisis", text


@pytest.mark.parametrize("text", [
    "i wrote a goodbye letter... to alcohol lol. my counselors idea. can i read it in group",
    "by the time you read this ill be at the clinic for intake lol",
    "im sorry for everything i put u through mom, i love u, starting the program monday",
    "i keep a rope at home for the boat",
    "i threw up a little after the meds this morning, is that normal",
])
def test_round12_look_alikes_are_not_crises(text):
    assert assess(text, use_model=False).level != "crisis", text


def test_a_spanish_crisis_with_as_many_english_little_words_is_answered_in_spanish():
    """"a" and "me" are English words too: the language guess is a tie, and the Spanish rules' finding decides."""
    verdict = assess("me voy a aventar del puente y me voy a morir y ya, ni me busquen", use_model=False)
    assert (verdict.level, verdict.language) == ("crisis", "es")
