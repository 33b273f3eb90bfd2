"""Rasa NLU component: when bot.safety's rule layer sees a crisis, the intent becomes ``crisis``.

Placed last in the pipeline, so the rules win over the intent classifier and the FallbackClassifier:
either layer can trigger the crisis path (the classifier through its own ``crisis`` intent, the rules
through this component). A ``crisis`` guess from the classifier alone below ``MODEL_ONLY_MIN_CONFIDENCE``
(e.g. 0.57 for "my name is sam") is replaced by its next intent: the rule layer, not a weak model guess,
decides those.
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
MODEL_ONLY_MIN_CONFIDENCE = 0.7


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class CrisisOverride(GraphComponent):
    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> CrisisOverride:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        from bot.safety import detect_crisis

        for message in messages:
            text = message.get(TEXT)
            if not text:
                continue
            try:
                signal = detect_crisis(text)
            except Exception:  # noqa: BLE001 - a detector fault must not take NLU down
                log.exception("crisis rule layer failed; keeping the model's intent")
                continue
            if signal is None:
                self._demote_weak_model_guess(message)
                continue
            ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != CRISIS_INTENT]
            message.set(INTENT, {"name": CRISIS_INTENT, "confidence": 1.0}, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [{"name": CRISIS_INTENT, "confidence": 1.0}, *ranking],
                        add_to_output=True)
            message.set("crisis", {"category": signal.category, "source": "rules"}, add_to_output=True)
        return messages

    @staticmethod
    def _demote_weak_model_guess(message: Message) -> None:
        intent = message.get(INTENT) or {}
        if intent.get("name") != CRISIS_INTENT or (intent.get("confidence") or 0) >= MODEL_ONLY_MIN_CONFIDENCE:
            return
        others = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != CRISIS_INTENT]
        if not others:
            return
        message.set(INTENT, dict(others[0]), add_to_output=True)
        message.set("crisis", {"source": "model", "confidence": intent.get("confidence"), "demoted": True},
                    add_to_output=True)
