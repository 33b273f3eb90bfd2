"""A regularised logistic regression over tf-idf n-grams plus the sentence embedding, saved with skops.

Shared by the intent classifier and the FAQ answer selector. Why this and not DIET / Rasa's
ResponseSelector: with a few thousand short examples those let the large count features drown the
512-dimension sentence embedding (intent macro-F1 0.79, FAQ answer selection 0.69 in our cross-validation).
Sublinear tf-idf of words and character n-grams, L2-normalised like the embedding, with a logistic
regression reach about 0.95 for both in the same cross-validation on more data, train in seconds and give
probabilities the fallback thresholds can use (bench/NLU_RESULTS.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import numpy as np
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.text.classifier import load_trusted
from bot.text.normalise import readable

# embedding_weight scales the (unit-length) sentence embedding against the two unit-length tf-idf blocks
DEFAULT_CONFIG = {"C": 30.0, "embedding_weight": 1.0, "max_iter": 3000, "random_state": 7}


def validate(config: dict[str, Any]) -> None:
    if float(config["C"]) <= 0:
        raise InvalidConfigException("C must be positive.")
    if float(config.get("embedding_weight", 1.0)) <= 0:
        raise InvalidConfigException("embedding_weight must be positive.")


def _embeddings(messages: list[Message]):
    """Stacked sentence embeddings (from the dense featurizers before us), or None when there are none."""
    rows = []
    for message in messages:
        _, sentence = message.get_dense_features(TEXT)
        if sentence is None:
            return None
        rows.append(sentence.features.reshape(-1))
    return np.vstack(rows).astype(np.float32) if rows else None


class LinearTextModel:
    """Fit on messages + labels; predict a probability per label."""

    def __init__(self, state: dict[str, Any]) -> None:
        self._state = state

    @property
    def labels(self) -> list[str]:
        return [str(label) for label in self._state["classifier"].classes_]

    @classmethod
    def fit(cls, messages: list[Message], labels: list[str], config: dict[str, Any]) -> LinearTextModel:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        state: dict[str, Any] = {
            "chars": TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True, dtype=np.float32),
            "words": TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, dtype=np.float32),
        }
        state["embedding_weight"] = float(config.get("embedding_weight", 1.0))
        model = cls(state)
        features = model._features(messages, fit=True)
        state["classifier"] = LogisticRegression(C=float(config["C"]), max_iter=int(config["max_iter"]),
                                                 class_weight="balanced", random_state=config["random_state"])
        state["classifier"].fit(features, labels)
        return model

    def _features(self, messages: list[Message], fit: bool = False):
        from scipy.sparse import csr_matrix, hstack

        # the words as typed and as read (shorthand spelled out): "gn" and "good night" both count
        texts = [f"{text}\n{readable(text)}" for text in (str(m.get(TEXT) or "") for m in messages)]
        chars, words = self._state["chars"], self._state["words"]
        parts = [chars.fit_transform(texts), words.fit_transform(texts)] if fit else \
            [chars.transform(texts), words.transform(texts)]
        dense = _embeddings(messages)
        if fit:
            self._state["embedding_dim"] = 0 if dense is None else dense.shape[1]
        dim = self._state["embedding_dim"]
        if dim:
            if dense is None or dense.shape[1] != dim:
                raise InvalidConfigException(f"Expected {dim}-dimension sentence features from the featurizers "
                                             "this model was trained with.")
            parts.append(csr_matrix(dense * self._state.get("embedding_weight", 1.0)))
        return hstack(parts).tocsr()

    def predict(self, messages: list[Message]) -> np.ndarray:
        """Probabilities, one row per message, columns in the order of ``labels``."""
        return self._state["classifier"].predict_proba(self._features(messages))

    def rank(self, messages: list[Message], limit: int) -> list[tuple[Message, list[tuple[int, str, float]]]]:
        """For each message with a text: its ``limit`` best (label index, label, probability), best first."""
        with_text = [m for m in messages if m.get(TEXT) is not None]
        if not with_text:
            return []
        labels = self.labels
        limit = limit or len(labels)
        return [(message, [(int(i), labels[i], float(row[i])) for i in np.argsort(-row)[:limit]])
                for message, row in zip(with_text, self.predict(with_text), strict=True)]

    def save(self, path: Path) -> None:
        import skops.io as sio

        sio.dump(self._state, path)

    @classmethod
    def load(cls, path: Path) -> LinearTextModel | None:
        """The saved model, or None when there is none; refuses a file with unexpected types."""
        try:
            state = load_trusted(path)
        except ValueError as error:
            raise InvalidConfigException(str(error)) from None
        return None if state is None else cls(state)


def load_saved(model_storage, resource, file_name: str,
               read_extra: Callable[[Path], Any] | None = None) -> tuple[LinearTextModel | None, Any]:
    """(model, extra) from a component's model storage; (None, None) when the component was not trained.

    ``read_extra(directory)`` reads files saved beside the model. A file with unexpected types still raises.
    """
    try:
        with model_storage.read_from(resource) as directory:
            model = LinearTextModel.load(directory / file_name)
            return model, (read_extra(directory) if model is not None and read_extra else None)
    except InvalidConfigException:
        raise
    except ValueError:  # the resource is not in the model
        return None, None
