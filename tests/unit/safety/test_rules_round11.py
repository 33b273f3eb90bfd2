"""Crisis round 11 (2026-12-04), from the tuning half of the round-11 outside set: the rules alone (no model)
must find each crisis and leave each look-alike alone. New: throwing someone through a wall or a window
("putting" is read as "put": spaCy's lookup table has "putt"), Spanish bleeding that will not stop, and "que
fuera la última vez" is a wish, not a past; frames: a loss to suicide or an overdose with more than one word
for the person ("lost my best friend to suicide", "perdí a mi mejor amiga por suicidio"), "i'm not there
anymore" closes a past, and a spoiler as the reason of a threat."""

import pytest

from bot.safety import assess


@pytest.mark.parametrize("text", [
    "swear to god if she says one more word im putting her through the wall. she's in the kitchen",
    "im gonna throw him through the window when he gets home",
    "putting an end to everything tonight",  # the "=put an end to" rule missed "putting" the same way
    "me corté y no para de salir sangre, la neta quería que fuera la última vez de todo",
    "se cortó y no deja de sangrar, ayuda",
])
def test_round11_crises_are_found_by_the_rules(text):
    assert assess(text, use_model=False).level == "crisis", text


@pytest.mark.parametrize("text", [
    "lost my best friend to suicide in october, the holidays are gonna be rough",
    "perdí a mi mejor amiga por suicidio en octubre, estas fiestas van a estar duras",
    "last year i was in a really dark place and thought about ending it. im not there anymore but i need support",
    "im gonna kill my sister she spoiled the finale",
    "i threw my phone through the window lol",
    "la última vez que fui al grupo me sentí mejor",
])
def test_round11_look_alikes_are_not_crises(text):
    assert assess(text, use_model=False).level != "crisis", text
