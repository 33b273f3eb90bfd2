"""Rasa NLU component: the crisis verdict (``bot.safety.assess``) decides the intent of every message.

Placed last in the pipeline, so it wins over the intent classifier and the FallbackClassifier:

* verdict crisis (rules, the crisis model, or a detector failure) -> intent ``crisis`` (help at once);
* verdict check, or the intent classifier's own ``crisis`` / ``crisis_check`` guess at
  ``MODEL_ONLY_MIN_CONFIDENCE`` or more without a crisis verdict -> intent ``crisis_check`` (one direct
  safety question);
* a weaker such guess of the classifier gives way to its next intent.

``message["crisis"]`` carries the category, the source and the language of the message (for the answer).
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

log = logging.getLogger(__name__)
CRISIS_INTENT = "crisis"
CHECK_INTENT = "crisis_check"
MODEL_ONLY_MIN_CONFIDENCE = 0.7


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class CrisisOverride(GraphComponent):
    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> CrisisOverride:
        from bot.safety import assess

        assess("warm up")  # load rules and the crisis model with the Rasa model, not on a person's first message
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not text:
                continue
            try:
                self._decide(message, text)
            except Exception:  # noqa: BLE001 - a fault here counts as a possible crisis, never as silence
                log.exception("crisis override failed; treating the message as a possible crisis")
                _set(message, CRISIS_INTENT, {"category": None, "source": "failure", "language": "en"})
        return messages

    @staticmethod
    def _decide(message: Message, text: str) -> None:
        from bot.safety import assess

        verdict = assess(text)
        details = {"category": verdict.category, "source": verdict.source, "language": verdict.language}
        if verdict.level == "crisis":
            _set(message, CRISIS_INTENT, details)
            return
        intent = message.get(INTENT) or {}
        guessed = intent.get("name") in (CRISIS_INTENT, CHECK_INTENT)
        if verdict.level == "check" or (guessed and (intent.get("confidence") or 0) >= MODEL_ONLY_MIN_CONFIDENCE):
            _set(message, CHECK_INTENT, {**details, "source": details["source"] or "classifier"})
            return
        if guessed:
            others = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") not in (CRISIS_INTENT,
                                                                                             CHECK_INTENT)]
            if others:
                message.set(INTENT, dict(others[0]), add_to_output=True)


def _set(message: Message, intent: str, details: dict[str, Any]) -> None:
    ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") not in (CRISIS_INTENT,
                                                                                         CHECK_INTENT)]
    message.set(INTENT, {"name": intent, "confidence": 1.0}, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [{"name": intent, "confidence": 1.0}, *ranking], add_to_output=True)
    message.set("crisis", details, add_to_output=True)
