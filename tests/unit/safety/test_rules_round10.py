"""Crisis round 10 (2026-12-03), from the tuning half of the round-10 outside set: the rules alone (no model)
must find each crisis and leave each look-alike alone. New: a dose search said to be for the writer, "it would
look like an accident", "cut deeper" (the pattern never matched it alone), "last text from me", Spanish
"cuiden a mi hija" as a goodbye and naloxone that wore off; frames: "i do not" after a question someone asked
is a no, and someone's words told in a Spanish group."""

import pytest

from bot.safety import assess


@pytest.mark.parametrize("text", [
    "been looking up how much tylenol wrecks your liver. asking for me",
    "if i drive into the median tonight it would look like an accident right? thats what i want",
    "cut deeper than i meant to and its not stopping",
    "last text from me. sorry for wasting everyones time",
    "gracias por todo, ya no voy a ir a la cita del jueves. cuiden a mi hija",
    "le pusimos narcan y desperto tantito pero se esta yendo otra vez que hago",
    "they asked if i have a gun at home. i do, its loaded and im thinking about it",
])
def test_round10_crises_are_found_by_the_rules(text):
    assert assess(text, use_model=False).level == "crisis", text


@pytest.mark.parametrize("text", [
    "the screener asked if i have a gun at home. i dont, no weapons at all. is that all you need?",
    "en el grupo alguien dijo 'yo me queria morir' y me movio mucho. es normal?",
    "my dr said to look up how much tylenol is safe for my liver",
    "i looked up how much suboxone i should take on day one",
    "his death looked like an accident but the police think otherwise",
    "cuiden a mi hija mientras estoy en rehab porfa",
    "el ano pasado le pusimos narcan a mi primo y se salvo",
])
def test_round10_look_alikes_are_not_crises(text):
    assert assess(text, use_model=False).level != "crisis", text
