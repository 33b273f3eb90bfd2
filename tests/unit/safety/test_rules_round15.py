"""Crisis round 15 (2026-12-05), from the tuning half of the round-15 outside set (hard-to-catch crises):
naloxone wearing off, standing on a roof, "not a problem for anyone much longer", a lethal amount asked with
a laugh ("jaja ... cuantas serian pa no despertar"), "esta vez conseguí una pistola", a goodbye kept from
someone; and their look-alikes: roof work, a past in "9th grade" or "a los 19", "morirme de la vergüenza"."""

import pytest

from bot.safety import assess
from bot.text.canonical import canonical


@pytest.mark.parametrize("text", [
    "we narcanned him and he came to for a sec but now hes nodding out again",
    "im standing on the roof. bye",
    "not gonna be a problem for anyone much longer",
    "toy bien jaja nomás quería saber cuántas quetiapinas serían pa no despertar",
    "el año pasado lo intenté con pastillas y no funcionó. esta vez conseguí una pistola",
    "mi mamá no para de llamar y no le contesto xq no quiero q me oiga despedirme",
    "im in 9th grade and im standing on the roof of the school rn",
    "esta es la última vez q escribo aquí. grax x intentar",
    "this is the last time im texting here. thanks for trying",
])
def test_round15_crises_get_the_crisis_answer(text):
    assert assess(text, use_model=False).level == "crisis", text


@pytest.mark.parametrize("text", [
    "what if he starts nodding out again after the narcan wears off",
    "my dad is standing on the roof cleaning the gutters lol",
    "im sitting on the roof watching the fireworks",
    "my cousin stood on the roof of our school in 9th grade. they talked him down. hes a teacher now",
    "intenté suicidarme a los 19. ya tengo 35 y estoy bien pero el alcohol se me está saliendo de las manos",
    "me quería morir de la vergüenza, recaí en la boda de mi prima enfrente de todos",
    "cuantas horas faltan para morirme de aburrimiento jaja",
    "thanks for everything, this is my last message before i start detox tomorrow",
    "this is my last text from this number, new phone tomorrow. thanks for everything",
    "esta es la ultima vez que les escribo desde este numero, gracias por todo",
    "gracias por intentar, ya encontre otro programa",
])
def test_round15_look_alikes_stay_calm(text):
    assert assess(text, use_model=False).level == "none", text


def test_a_question_about_help_from_someone_on_a_roof_still_gets_the_safety_question():
    assert assess("do u guys still help ppl if theyre standing on a roof", use_model=False).level != "none"


@pytest.mark.parametrize("name", ["quetiapinas", "paracetamol", "acetaminofen", "sertralina", "rivotril", "seroquel"])
def test_a_medicine_spelled_letter_by_letter_is_read_back_whole(name):
    assert canonical(" ".join(name)) == name


def test_a_lethal_amount_asked_with_spaced_letters_gets_the_crisis_answer():
    text = "toy bien jaja nomás quería saber cuántas q u e t i a p i n a s serían pa no d e s p e r t a r"
    assert assess(text, use_model=False).level == "crisis"
