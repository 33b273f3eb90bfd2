"""Rasa 3.6 intent classifier: logistic regression over tf-idf n-grams plus the sentence embedding.

See bot/nlu/linear_text.py for the model and why it replaces DIET here. Intents only: entities come from
the spaCy EntityRuler, FAQ answers from bot.nlu.faq_selector.

config.yml (after SentenceEmbeddingFeaturizer)::

    - name: bot.nlu.intent_classifier.TfidfEmbeddingIntentClassifier
      C: 30
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu import linear_text

logger = logging.getLogger(__name__)

MODEL_FILE = "intent_classifier.skops"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class TfidfEmbeddingIntentClassifier(GraphComponent, IntentClassifier):
    """Intent probabilities from word / character tf-idf and the sentence embedding."""

    @staticmethod
    def required_packages() -> list[str]:
        return ["sklearn", "skops"]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**linear_text.DEFAULT_CONFIG, "ranking_length": 10}

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource) -> None:
        self._config = {**self.get_default_config(), **config}
        linear_text.validate(self._config)
        self._storage = model_storage
        self._resource = resource
        self._model: linear_text.LinearTextModel | None = None

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> TfidfEmbeddingIntentClassifier:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(TEXT)]
        labels = [m.get(INTENT) for m in examples]
        if len(set(labels)) < 2:
            logger.warning("Fewer than two intents in the training data; the intent classifier is not trained.")
            return self._resource
        self._model = linear_text.LinearTextModel.fit(examples, labels, self._config)
        with self._storage.write_to(self._resource) as directory:
            self._model.save(directory / MODEL_FILE)
        return self._resource

    def process(self, messages: list[Message]) -> list[Message]:
        if self._model is None:
            return messages
        for message, best in self._model.rank(messages, int(self._config["ranking_length"])):
            ranking = [{INTENT_NAME_KEY: label, PREDICTED_CONFIDENCE_KEY: confidence} for _, label, confidence in best]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set("intent_ranking", ranking, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> TfidfEmbeddingIntentClassifier:
        component = cls(config, model_storage, resource)
        component._model, _ = linear_text.load_saved(model_storage, resource, MODEL_FILE)
        if component._model is None:
            logger.warning("No trained intent classifier in the model; intents will not be predicted.")
        return component
