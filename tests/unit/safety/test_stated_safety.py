"""Wishing to be dead with a plain denial of intent gets the safety question, not the full alarm; a denial beside
means, an act, a goodbye or a stated intent to kill oneself changes nothing. From the round-13 tuning half."""

import pytest

from bot.safety import assessment as module
from tests.unit.safety.test_assessment import Fixed


@pytest.fixture
def use_model(monkeypatch):
    """``use_model(p, category)``: a crisis model giving every message ``p`` (None: the rules alone), with the
    verdict cache cleared then and after the test."""

    def use(probability, category="suicide"):
        monkeypatch.setattr(module, "_model", lambda: Fixed(probability, category) if probability else None)
        module._cached.cache_clear()

    yield use
    module._cached.cache_clear()


@pytest.fixture(params=[None, 0.99], ids=["rules alone", "model very sure"])
def model(request, use_model):
    use_model(request.param)


@pytest.mark.usefixtures("model")
@pytest.mark.parametrize("text", [
    "sometimes i think everyone would be better off without me but i don't have any plan and i'm going to group "
    "tomorrow",
    "i wish i was dead some days, im not gonna do anything tho",
    "a veces pienso q todos estarian mejor sin mi pero no tengo ningun plan y mañana voy al grupo",
    "ya no quiero vivir asi pero no voy a hacer nada, nomas quiero hablar con alguien",
])
def test_wishing_to_be_dead_with_a_denial_gets_the_safety_question(text):
    assert module.assess(text).level == "check"


@pytest.mark.usefixtures("model")
@pytest.mark.parametrize("text", [
    "i want to die, i'm not going to do anything tonight but i have the pills",  # means named
    "better off without me. i have no plan just a goodbye note",  # a goodbye
    "i want to kill myself but i wont do it",  # intent to kill oneself is not a passive wish
    "no tengo plan pero me voy a matar",
    "i want to die and i have a plan",  # no denial at all
    "ya no quiero vivir",
])
def test_a_denial_beside_means_an_act_or_intent_does_not_soften_the_alarm(text):
    assert module.assess(text).level == "crisis"


def test_a_model_alarm_with_a_denial_asks_instead(use_model):
    use_model(0.99)
    assert module.assess("honestly i dont care if i wake up tomorrow. im not going to do anything").level == "check"
    assert module.assess("honestly i dont care if i wake up tomorrow").level == "crisis"
    use_model(0.99, "overdose")
    # the denial speaks of suicide only: an overdose alarm stays
    assert module.assess("took all my xanax, im not going to do anything else").level == "crisis"


def test_a_model_overdose_alarm_for_someone_out_of_danger_asks_instead(use_model):
    use_model(0.99, "overdose")
    calm = "my friend got really drunk and passed out on my couch, she's breathing fine and i'm staying up with her"
    assert module.assess(calm).level == "check"
    assert module.assess("took my meds twice by accident, poison control said i'll be fine").level == "check"
    assert module.assess("my friend got really drunk and passed out on my couch").level == "crisis"
    # a rule's alarm stays: breathing "fine" does not outweigh not waking up
    assert module.assess("he's breathing fine i think but he won't wake up after the fentanyl").level == "crisis"


def test_a_model_alarm_for_someone_now_in_care_and_stable_asks_instead(use_model):
    use_model(0.99, "overdose")
    assert module.assess("my buddy took something bad last night but he is in the hospital now and he is "
                         "stable").level == "check"
    assert module.assess("my buddy took something bad and he is in the hospital now").level == "crisis"
