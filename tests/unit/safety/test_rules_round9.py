"""Crisis round 9 (2026-12-03), from the tuning half of the round-9 outside set: the rules alone (no model)
must find each crisis and leave each look-alike alone. New mechanisms: a car running in a closed garage
anywhere in the message, being found afterwards, pills counted out or taken one by one, a last text "to
anyone"; and frames: someone else's story told in a group, a question someone asked the writer answered no
(answered yes it counts), a ninth-step amends letter, "it can cause seizures", Spanish "y" closing a clause
and "hace mucho aire" (windy, not "long ago")."""

import pytest

from bot.safety import assess


@pytest.mark.parametrize("text", [
    "cant do this anymore. sitting in the car, garage door shut, engines running",
    "estoy en la cochera, la puerta cerrada y el carro prendido",
    "what happens to my cat if nobody finds me for a few days",
    "que va a pasar con mi perro si nadie me encuentra",
    "u asked if i feel safe. no. i have the pills counted out in front of me",
    "me estoy tomando las pastillas una por una mientras te escribo",
    "this is my last text to anyone. sorry",
    "how much xanax w vodka does it take to not wake up",
    "the nurse asked me if i wanted to kill myself and i said yes",
    "ya escribi las cartas a mis hijos. esta noche me voy",
    "estoy en el puente de la 35, hace mucho aire",
    "no he tomado desde el domingo y me dio un ataque, sigo temblando",
    "si mi mujer no me abre la puerta la voy a tumbar y la voy a ahorcar",
])
def test_round9_crises_are_found_by_the_rules(text):
    assert assess(text, use_model=False).level == "crisis", text


@pytest.mark.parametrize("text", [
    "in group yesterday someone said they wanted to die every day for a year. is it normal to feel triggered",
    "they asked me at the er if i wanted to kill myself and i said no bc i dont",
    "ayer escribi una carta a mis hijos pidiendoles perdon, es parte del paso 9 de AA",
    "el seguro cubre la desintoxicacion? dicen q puede dar convulsiones",
    "i counted out my pills for the week in my organizer",
    "the engine is running rough, its in the garage at my dads",
    "nunca he pensado en matarme",
])
def test_round9_look_alikes_are_not_crises(text):
    assert assess(text, use_model=False).level == "none", text
