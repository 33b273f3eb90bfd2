"""The last NLU component: rules force the crisis intent; a weak model-only crisis guess is replaced."""

from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.crisis_override import CrisisOverride


def _message(text, name, confidence, ranking):
    return Message(data={TEXT: text, INTENT: {"name": name, "confidence": confidence},
                         INTENT_RANKING_KEY: [{"name": n, "confidence": c} for n, c in ranking]})


def _run(message):
    return CrisisOverride().process([message])[0]


def test_rules_force_crisis_over_the_model():
    out = _run(_message("i want to kill myself tonight", "inform", 0.9, [("inform", 0.9), ("crisis", 0.05)]))
    assert out.get(INTENT)["name"] == "crisis"
    assert out.get(INTENT_RANKING_KEY)[0]["name"] == "crisis"
    assert out.get("crisis")["category"] == "suicide"


def test_weak_model_only_crisis_guess_is_replaced_by_the_next_intent():
    out = _run(_message("my name is sam", "crisis", 0.57, [("crisis", 0.57), ("inform", 0.3)]))
    assert out.get(INTENT)["name"] == "inform"
    assert out.get("crisis")["demoted"] is True


def test_confident_model_crisis_stays():
    out = _run(_message("everything is falling apart and i cant do this", "crisis", 0.93,
                        [("crisis", 0.93), ("inform", 0.04)]))
    assert out.get(INTENT)["name"] == "crisis"


def test_ordinary_messages_are_untouched():
    out = _run(_message("every day", "inform", 0.99, [("inform", 0.99)]))
    assert out.get(INTENT)["name"] == "inform" and out.get("crisis") is None
