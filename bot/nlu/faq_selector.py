"""Rasa 3.6 response selector for a retrieval intent (our FAQs): which ``faq/<topic>`` answer fits.

Same model as the intent classifier (bot/nlu/linear_text.py), trained on the examples of the retrieval
intent with their ``faq/<topic>`` keys. It writes the message property Rasa's own ResponseSelector writes
(``response_selector.<intent>.response`` with ``utter_action``, ``intent_response_key``, ``responses`` and
``confidence``, plus a ``ranking``), so ``utter_faq``, the form validators and ``rasa test`` read it as usual.
Rasa's training-time check knows only its own ResponseSelector and warns that none is configured; that
warning is expected.

config.yml::

    - name: bot.nlu.faq_selector.TfidfEmbeddingResponseSelector
      retrieval_intent: faq
"""

from __future__ import annotations

import json
import logging
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import (
    RESPONSE_SELECTOR_PREDICTION_KEY,
    RESPONSE_SELECTOR_PROPERTY_NAME,
    RESPONSE_SELECTOR_RANKING_KEY,
    RESPONSE_SELECTOR_RESPONSES_KEY,
    RESPONSE_SELECTOR_RETRIEVAL_INTENTS,
    RESPONSE_SELECTOR_UTTER_ACTION_KEY,
)
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import INTENT, INTENT_RESPONSE_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.shared.utils.io import read_json_file, write_text_file

from bot.nlu import linear_text

logger = logging.getLogger(__name__)

MODEL_FILE = "faq_selector.skops"
RESPONSES_FILE = "faq_selector.responses.json"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class TfidfEmbeddingResponseSelector(GraphComponent):
    """Picks the answer (``utter_<intent>/<topic>``) for messages of one retrieval intent."""

    @staticmethod
    def required_packages() -> list[str]:
        return ["sklearn", "skops"]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**linear_text.DEFAULT_CONFIG, "retrieval_intent": None, "ranking_length": 10}

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource) -> None:
        self._config = {**self.get_default_config(), **config}
        linear_text.validate(self._config)
        if not self._config["retrieval_intent"]:
            raise InvalidConfigException("TfidfEmbeddingResponseSelector needs `retrieval_intent`.")
        self._storage = model_storage
        self._resource = resource
        self._model: linear_text.LinearTextModel | None = None
        self._responses: dict[str, list[dict[str, Any]]] = {}
        self._retrieval_intents: list[str] = []

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> TfidfEmbeddingResponseSelector:
        return cls(config, model_storage, resource)

    @property
    def _intent(self) -> str:
        return self._config["retrieval_intent"]

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples
                    if m.get(INTENT) == self._intent and m.get(INTENT_RESPONSE_KEY) and m.get(TEXT)]
        keys = [m.get(INTENT_RESPONSE_KEY) for m in examples]
        if len(set(keys)) < 2:
            logger.warning(f"Fewer than two '{self._intent}/...' answers in the training data; not trained.")
            return self._resource
        self._model = linear_text.LinearTextModel.fit(examples, keys, self._config)
        self._responses = {k: v for k, v in training_data.responses.items()
                           if k.startswith(f"utter_{self._intent}/")}
        self._retrieval_intents = sorted(training_data.retrieval_intents)
        with self._storage.write_to(self._resource) as directory:
            self._model.save(directory / MODEL_FILE)
            saved = {"responses": self._responses, "retrieval_intents": self._retrieval_intents}
            write_text_file(json.dumps(saved), directory / RESPONSES_FILE)
        return self._resource

    def process(self, messages: list[Message]) -> list[Message]:
        if self._model is None:
            return messages
        for message, ranking in self._model.rank(messages, int(self._config["ranking_length"])):
            _, best, confidence = ranking[0]
            utter_action = f"utter_{best}"
            prediction = {
                RESPONSE_SELECTOR_PREDICTION_KEY: {
                    RESPONSE_SELECTOR_RESPONSES_KEY: self._responses.get(utter_action) or [{TEXT: best}],
                    PREDICTED_CONFIDENCE_KEY: confidence,
                    INTENT_RESPONSE_KEY: best,
                    RESPONSE_SELECTOR_UTTER_ACTION_KEY: utter_action,
                },
                RESPONSE_SELECTOR_RANKING_KEY: [{"id": i, PREDICTED_CONFIDENCE_KEY: c, INTENT_RESPONSE_KEY: key}
                                                for i, key, c in ranking],
            }
            properties = message.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {}
            properties[RESPONSE_SELECTOR_RETRIEVAL_INTENTS] = self._retrieval_intents
            properties[self._intent] = prediction
            message.set(RESPONSE_SELECTOR_PROPERTY_NAME, properties, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> TfidfEmbeddingResponseSelector:
        component = cls(config, model_storage, resource)
        component._model, saved = linear_text.load_saved(model_storage, resource, MODEL_FILE,
                                                          lambda directory: read_json_file(directory / RESPONSES_FILE))
        if saved:
            component._responses = saved["responses"]
            component._retrieval_intents = saved["retrieval_intents"]
        if component._model is None:
            logger.warning(f"No trained '{component._intent}' answer selector in the model.")
        return component
