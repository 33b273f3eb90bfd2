"""Crisis round 16 (2026-12-05), from the tuning half of the round-16 outside set (weighted to look-alikes):
"wont be a problem for anybody much longer", a quoted goodbye text from someone who does not answer, a Spanish
goodbye whose negation is a long clause earlier; and their look-alikes: a Spanish news story, "el tráfico es un
suicidio", someone who passed out and is now awake and talking."""

import pytest

from bot.safety import assess
from bot.safety import assessment as module


@pytest.mark.parametrize("text", [
    "wont be a problem for anybody much longer. tell my counselor im sorry",
    "im not gonna be a problem for anyone much longer",
    "i wont be a burden to anyone much longer",
    "2. wont be a problem for anybody much longer",
    "my daughter is 19 and she just texted me 'i love you mom im sorry for everything' and now shes not picking up",
    "hola soy marisol del grupo de los jueves nomás les quería decir adiós a todas ya no voy a ir más al grupo "
    "hoy me voy a quitar la vida ya les dejé una carta a mis hijos",
])
def test_round16_crises_get_the_crisis_answer(text):
    assert assess(text, use_model=False).level == "crisis", text


@pytest.mark.parametrize("text", [
    "that wont be a problem for us much longer since the new schedule starts monday",
    "she texted me 'sorry for everything' after our fight but we made up and shes coming to dinner",
    "salió en el noticiero q en mi colonia hubo tres sobredosis esta semana. nosotros estamos bien pero quiero "
    "narcan pa la casa",
    "el tráfico pa llegar a la clínica es un suicidio, hora y media en la 91. hay IOP por video?",
    "nunca me voy a quitar la vida, solo quiero dejar de tomar",
])
def test_round16_look_alikes_stay_calm(text):
    assert assess(text, use_model=False).level == "none", text


def test_a_reckless_way_out_named_as_suicide_is_still_a_crisis():
    assert assess("mi unica salida es un suicidio", use_model=False).level == "crisis"


class Overdose:
    """A crisis model sure of an overdose in every message."""

    def estimate(self, _text):
        from bot.safety.model import CrisisEstimate

        return CrisisEstimate(0.99, "overdose")


@pytest.mark.parametrize(("text", "level"), [
    ("mi novio se desmayó en la fiesta por tomar, lo pusimos de lado, vomitó y ya se despertó, está hablando "
     "bien y tomando agua", "check"),
    ("my friend passed out at the party but shes awake and talking normal now", "check"),
    # "bien" as "very": breathing very slowly is no reassurance
    ("esta grisecita y respira bien despacio, se metio chiva hace rato", "crisis"),
])
def test_someone_said_to_be_awake_and_talking_gets_the_safety_question_not_the_alarm(monkeypatch, text, level):
    monkeypatch.setattr(module, "_model", Overdose)
    module._cached.cache_clear()
    try:
        assert assess(text).level == level
    finally:
        module._cached.cache_clear()
