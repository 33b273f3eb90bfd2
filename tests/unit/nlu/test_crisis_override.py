"""The last NLU component: the crisis verdict sets the intent (crisis or crisis_check); a weak classifier-only
crisis guess gives way; a failure counts as a possible crisis."""

from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.crisis_override import CrisisOverride
from bot.safety import Assessment


def _message(text, name, confidence, ranking):
    return Message(data={TEXT: text, INTENT: {"name": name, "confidence": confidence},
                         INTENT_RANKING_KEY: [{"name": n, "confidence": c} for n, c in ranking]})


def _run(message):
    return CrisisOverride().process([message])[0]


def test_rules_force_crisis_over_the_classifier():
    out = _run(_message("i want to kill myself tonight", "inform", 0.9, [("inform", 0.9), ("crisis", 0.05)]))
    assert out.get(INTENT)["name"] == "crisis"
    assert out.get(INTENT_RANKING_KEY)[0]["name"] == "crisis"
    assert out.get("crisis")["category"] == "suicide" and out.get("crisis")["language"] == "en"


def test_a_spanish_crisis_is_a_crisis_in_spanish():
    out = _run(_message("ya no quiero vivir", "out_of_scope", 0.6, [("out_of_scope", 0.6)]))
    assert out.get(INTENT)["name"] == "crisis" and out.get("crisis")["language"] == "es"


def test_weak_classifier_only_crisis_guess_is_replaced_by_the_next_intent():
    out = _run(_message("my name is sam", "crisis", 0.57, [("crisis", 0.57), ("inform", 0.3)]))
    assert out.get(INTENT)["name"] == "inform" and out.get("crisis") is None


def test_confident_classifier_crisis_without_a_verdict_asks_the_safety_question(monkeypatch):
    import bot.safety

    monkeypatch.setattr(bot.safety, "assess", lambda _text: Assessment("none"))
    out = _run(_message("everything is falling apart and i cant do this", "crisis", 0.93,
                        [("crisis", 0.93), ("inform", 0.04)]))
    assert out.get(INTENT)["name"] == "crisis_check"


def test_a_check_verdict_asks_the_safety_question(monkeypatch):
    import bot.safety

    monkeypatch.setattr(bot.safety, "assess", lambda _text: Assessment("check", "suicide", "model", "en"))
    out = _run(_message("i don't know how much longer i can do this", "inform", 0.8, [("inform", 0.8)]))
    assert out.get(INTENT)["name"] == "crisis_check" and out.get("crisis")["source"] == "model"


def test_a_failing_detector_counts_as_a_possible_crisis(monkeypatch):
    import bot.safety

    def broken(_text):
        raise RuntimeError("boom")

    monkeypatch.setattr(bot.safety, "assess", broken)
    out = _run(_message("anything at all", "inform", 0.99, [("inform", 0.99)]))
    assert out.get(INTENT)["name"] == "crisis" and out.get("crisis")["source"] == "failure"


def test_ordinary_messages_are_untouched():
    out = _run(_message("every day", "inform", 0.99, [("inform", 0.99)]))
    assert out.get(INTENT)["name"] == "inform" and out.get("crisis") is None
