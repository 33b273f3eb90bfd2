"""Rasa 3.6 intent classifier: logistic regression over tf-idf n-grams plus the sentence embedding.

Why not DIET: with about 3,000 short examples, DIET (and Rasa's LogisticRegressionClassifier, which uses raw
counts) let the large count features drown the 384-dimension sentence embedding, and reached intent
macro-F1 0.79-0.85 in our cross-validation. Scaled features (sublinear tf-idf of words and character
n-grams, L2-normalised like the embedding) with a regularised logistic regression reach about 0.92 on the
same split, train in seconds and give probabilities that the fallback thresholds can use
(bench/NLU_RESULTS.md). Intents only: entities come from the spaCy EntityRuler, FAQ answers from the
ResponseSelector.

config.yml (after SentenceEmbeddingFeaturizer)::

    - name: bot.nlu.intent_classifier.TfidfEmbeddingIntentClassifier
      C: 30
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

logger = logging.getLogger(__name__)

MODEL_FILE = "intent_classifier.skops"
# types inside the saved model that skops does not trust by default; anything else refuses to load
ALLOWED_TYPES = {"scipy.sparse._csr.csr_matrix"}


def _vectorizers():
    from sklearn.feature_extraction.text import TfidfVectorizer

    return (TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True, dtype=np.float32),
            TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, dtype=np.float32))


def _text(message: Message) -> str:
    return str(message.get(TEXT) or "").lower()


def _embeddings(messages: list[Message]):
    """Stacked sentence embeddings (from the dense featurizers before us), or None when there are none."""
    rows = []
    for message in messages:
        _, sentence = message.get_dense_features(TEXT)
        if sentence is None:
            return None
        rows.append(sentence.features.reshape(-1))
    return np.vstack(rows).astype(np.float32) if rows else None


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class TfidfEmbeddingIntentClassifier(GraphComponent, IntentClassifier):
    """Intent probabilities from word / character tf-idf and the sentence embedding; see the module docstring."""

    @staticmethod
    def required_packages() -> list[str]:
        return ["sklearn", "skops"]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"C": 30.0, "max_iter": 3000, "ranking_length": 10, "random_state": 7}

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource) -> None:
        self._config = {**self.get_default_config(), **config}
        if float(self._config["C"]) <= 0:
            raise InvalidConfigException("C must be positive.")
        self._storage = model_storage
        self._resource = resource
        self._model: dict[str, Any] | None = None

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> TfidfEmbeddingIntentClassifier:
        return cls(config, model_storage, resource)

    def _features(self, messages: list[Message], fit: bool = False):
        from scipy.sparse import csr_matrix, hstack

        texts = [_text(m) for m in messages]
        chars, words = self._model["chars"], self._model["words"]
        parts = [chars.fit_transform(texts), words.fit_transform(texts)] if fit else \
            [chars.transform(texts), words.transform(texts)]
        dense = _embeddings(messages)
        if fit:
            self._model["embedding_dim"] = 0 if dense is None else dense.shape[1]
        dim = self._model["embedding_dim"]
        if dim:
            if dense is None or dense.shape[1] != dim:
                raise InvalidConfigException(f"Expected {dim}-dimension sentence features from the featurizers "
                                             "this classifier was trained with.")
            parts.append(csr_matrix(dense))
        return hstack(parts).tocsr()

    def train(self, training_data: TrainingData) -> Resource:
        from sklearn.linear_model import LogisticRegression

        examples = [m for m in training_data.intent_examples if m.get(TEXT)]
        labels = sorted({m.get(INTENT) for m in examples})
        if len(labels) < 2:
            logger.warning("Fewer than two intents in the training data; the intent classifier is not trained.")
            return self._resource
        chars, words = _vectorizers()
        self._model = {"chars": chars, "words": words}
        features = self._features(examples, fit=True)
        classifier = LogisticRegression(C=float(self._config["C"]), max_iter=int(self._config["max_iter"]),
                                        class_weight="balanced", random_state=self._config["random_state"])
        classifier.fit(features, [m.get(INTENT) for m in examples])
        self._model["classifier"] = classifier
        self.persist()
        return self._resource

    def process(self, messages: list[Message]) -> list[Message]:
        if self._model is None:
            return messages
        with_text = [m for m in messages if m.get(TEXT) is not None]
        if not with_text:
            return messages
        classifier = self._model["classifier"]
        probabilities = classifier.predict_proba(self._features(with_text))
        limit = int(self._config["ranking_length"]) or len(classifier.classes_)
        for message, row in zip(with_text, probabilities, strict=True):
            order = np.argsort(-row)
            ranking = [{INTENT_NAME_KEY: str(classifier.classes_[i]), PREDICTED_CONFIDENCE_KEY: float(row[i])}
                       for i in order[:limit]]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set("intent_ranking", ranking, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def persist(self) -> None:
        import skops.io as sio

        with self._storage.write_to(self._resource) as directory:
            sio.dump(self._model, directory / MODEL_FILE)

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> TfidfEmbeddingIntentClassifier:
        import skops.io as sio

        component = cls(config, model_storage, resource)
        try:
            with model_storage.read_from(resource) as directory:
                path = directory / MODEL_FILE
                untrusted = set(sio.get_untrusted_types(file=path)) if path.exists() else None
                if untrusted is not None and not untrusted - ALLOWED_TYPES:
                    component._model = sio.load(path, trusted=sorted(untrusted))
        except ValueError:  # the resource is not in the model: trained without intents
            untrusted = None
        if untrusted is None:
            logger.warning("No trained intent classifier in the model; intents will not be predicted.")
        elif component._model is None:
            raise InvalidConfigException(f"Refusing to load the intent classifier: unexpected types {untrusted}.")
        return component
