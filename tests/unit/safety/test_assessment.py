"""The crisis verdict: rules (English and Spanish) and the crisis model together; failure counts as a crisis."""

import pytest

from bot.safety import assess
from bot.safety import assessment as module
from bot.safety.rules_es import signals_es

SPANISH_CRISES = ["ya no quiero vivir", "me voy a matar esta noche", "estoy en el puente y me voy a aventar",
                  "mi hijo se tomo todas las pastillas y no despierta", "lo voy a matar cuando llegue",
                  "deje de tomar hace 3 dias y estoy viendo bichos en la pared", "pienso en quitarme la vida"]
SPANISH_CALM = ["me muero de risa jaja", "mi jefe me va a matar si llego tarde", "nunca he pensado en matarme",
                "mi primo tuvo una sobredosis en 2019, ya esta bien y lleva 4 años limpio",
                "vi una pelicula sobre el suicidio", "¿el 988 habla español?",
                "estoy en el puente esperando la guagua, llego tarde a mi cita"]


@pytest.mark.parametrize("text", SPANISH_CRISES)
def test_spanish_crises_are_found_by_the_spanish_rules(text):
    found, _ = signals_es(text)
    assert found, text


@pytest.mark.parametrize("text", SPANISH_CALM)
def test_spanish_look_alikes_are_not_crises_for_the_rules(text):
    found, _ = signals_es(text.lower())
    assert not found, (text, found)


def test_verdicts_name_the_language(monkeypatch):
    monkeypatch.setattr(module, "_model", lambda: None)
    module._cached.cache_clear()
    assert assess("ya no quiero vivir").language == "es"
    english = assess("i want to kill myself")
    assert (english.level, english.category, english.language) == ("crisis", "suicide", "en")
    assert assess("what are your hours?").level == "none"


class Fixed:
    """A crisis model that gives every message probability ``p`` (of ``category``)."""

    def __init__(self, p, category="suicide"):
        self.p, self.category = p, category

    def estimate(self, _text):
        from bot.safety.model import CrisisEstimate

        return CrisisEstimate(self.p, self.category)


def test_the_model_alone_asks_the_safety_question_or_gives_help_by_its_confidence(monkeypatch):
    for probability, level in ((0.99, "crisis"), (0.95, "check"), (0.7, "check"), (0.2, "none")):
        monkeypatch.setattr(module, "_model", lambda p=probability: Fixed(p))
        module._cached.cache_clear()
        assert assess("i left letters for everyone on the table").level == level
    monkeypatch.setattr(module, "_model", lambda: Fixed(0.95))
    module._cached.cache_clear()
    # words of despair with an unsure model: the safety question, not silence and not the alarm
    assert assess("i cant do this anymore").level == "check"
    monkeypatch.setattr(module, "_model", lambda: Fixed(0.2))
    module._cached.cache_clear()
    assert assess("i cant do this anymore").level == "check"
    assert assess("im done").level == "check"
    assert assess("im done with my homework").level == "none"
    monkeypatch.setattr(module, "_model", lambda: Fixed(0.95))
    module._cached.cache_clear()
    # the rules cancelled a match ("never"): only a very sure model asks, and never sounds the alarm
    assert assess("i have never had thoughts of hurting myself").level == "none"
    module._cached.cache_clear()


def test_a_rule_hit_the_model_doubts_in_a_long_message_gets_the_safety_question(monkeypatch):
    # look-alikes the rules match (8+ words), and a short crisis
    long_en = "my therapist said 'wanting to die' doesnt always mean suicidal, is that true?"
    long_es = "mi primo se murio de sobredosis en 2019, por eso quiero ayuda"
    short = "i want to die tonight"
    for model, text, level, category in (
            (Fixed(0.05, None), long_en, "check", "suicide"), (Fixed(0.05, None), long_es, "check", "overdose"),
            (Fixed(0.5, None), long_en, "crisis", "suicide"), (Fixed(0.01, None), short, "crisis", "suicide"),
            (None, long_en, "crisis", "suicide")):
        monkeypatch.setattr(module, "_model", lambda model=model: model)
        module._cached.cache_clear()
        verdict = assess(text)
        assert (verdict.level, verdict.category) == (level, category), (text, model and model.p)
        assert verdict.source in ("rules", "rules_es")
    module._cached.cache_clear()


def test_the_real_model_doubts_a_rule_only_on_a_look_alike():
    module._cached.cache_clear()
    if module._model() is None:
        from bot.safety.model import build, loaded_model

        build()
        loaded_model.cache_clear()
    assert module._model() is not None
    # development look-alikes the rules still match: the safety question, not the alarm
    assert assess("my therapist said 'wanting to die' doesnt always mean suicidal, is that true?").level == "check"
    assert assess("in breaking bad when jane chokes and turns blue i had to pause it").level == "check"
    # crises the same rules find keep the full answer
    assert assess("i have been saving my pills for weeks and tonight i am taking all of them").level == "crisis"
    assert assess("need narcan now").level == "crisis"


def test_a_failure_inside_is_a_possible_crisis_and_is_logged_without_the_text(monkeypatch, caplog):
    def broken(_text):
        raise RuntimeError("boom")

    monkeypatch.setattr("bot.safety.detector.detect_details", broken)
    module._cached.cache_clear()
    verdict = assess("my secret health detail")
    module._cached.cache_clear()
    assert (verdict.level, verdict.source) == ("crisis", "failure")
    assert "my secret health detail" not in caplog.text and "possible crisis" in caplog.text


def test_any_input_is_safe():
    for text in [None, 3, b"\xff", "", "\ud800" * 10, "x" * 100_000]:
        assert assess(text).level in ("crisis", "check", "none")
