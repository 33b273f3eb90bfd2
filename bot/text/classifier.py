"""One small text classifier for the whole bot: logistic regression over word and character n-grams plus a
sentence embedding. Used by the answer reader (per question), the crisis model and the NLU components.

Why this shape: with a few dozen to a few thousand short, misspelt, two-language examples per task, sublinear
tf-idf n-grams catch the exact words ("suboxone", "perico") and the multilingual embedding catches meaning
("the shakes" ~ "temblores"); a regularised logistic regression over both trains in well under a second and
gives probabilities that thresholds can use. Plain Python + scikit-learn; the embedding is passed in as
vectors, so nothing here loads a model.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

import numpy as np

# types inside a saved classifier that skops does not trust by default; anything else refuses to load
ALLOWED_TYPES = {"scipy.sparse._csr.csr_matrix"}


class TextClassifier:
    """``fit(texts, labels, vectors)`` then ``probabilities(texts, vectors)`` -> rows over ``labels``."""

    def __init__(self, state: dict[str, Any]) -> None:
        self._state = state

    @property
    def labels(self) -> list[str]:
        return [str(label) for label in self._state["classifier"].classes_]

    @classmethod
    def fit(cls, texts: Sequence[str], labels: Sequence[str], vectors: np.ndarray | None = None, *,
            C: float = 10.0, embedding_weight: float = 1.0, char_range: tuple[int, int] = (2, 5),
            max_iter: int = 3000, random_state: int = 7) -> TextClassifier:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        state: dict[str, Any] = {
            "chars": TfidfVectorizer(analyzer="char_wb", ngram_range=char_range, sublinear_tf=True,
                                     dtype=np.float32),
            "words": TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, dtype=np.float32,
                                     token_pattern=r"(?u)\b\w+\b"),  # noqa: S106 - a regex, not a password
            "embedding_weight": float(embedding_weight),
            "embedding_dim": 0 if vectors is None else int(np.asarray(vectors).shape[1]),
        }
        model = cls(state)
        features = model._features(list(texts), vectors, fit=True)
        state["classifier"] = LogisticRegression(C=C, max_iter=max_iter, class_weight="balanced",
                                                 random_state=random_state)
        state["classifier"].fit(features, list(labels))
        return model

    def _features(self, texts: list[str], vectors: np.ndarray | None, fit: bool = False):
        from scipy.sparse import csr_matrix, hstack

        chars, words = self._state["chars"], self._state["words"]
        parts = [chars.fit_transform(texts), words.fit_transform(texts)] if fit else \
            [chars.transform(texts), words.transform(texts)]
        dim = self._state["embedding_dim"]
        if dim:
            if vectors is None or np.asarray(vectors).shape != (len(texts), dim):
                raise ValueError(f"expected {dim}-dimension sentence vectors, one per text")
            parts.append(csr_matrix(np.asarray(vectors, dtype=np.float32) * self._state["embedding_weight"]))
        return hstack(parts).tocsr()

    @property
    def uses_vectors(self) -> bool:
        return bool(self._state["embedding_dim"])

    def probabilities(self, texts: Sequence[str], vectors: np.ndarray | None = None) -> np.ndarray:
        """One row per text, columns in the order of ``labels``."""
        return self._state["classifier"].predict_proba(self._features(list(texts), vectors))

    def save(self, path: Path) -> None:
        import skops.io as sio

        path.parent.mkdir(parents=True, exist_ok=True)
        sio.dump(self._state, path)

    @classmethod
    def load(cls, path: Path) -> TextClassifier | None:
        """The saved classifier, or None when there is none; refuses a file with unexpected types."""
        state = load_trusted(path)
        return None if state is None else cls(state)


def load_trusted(path: Path) -> Any:
    """What ``path`` holds (skops), or None when there is no file; ValueError when it holds a type beyond skops'
    defaults and ``ALLOWED_TYPES``. One pass over the file (listing the types first would read it twice)."""
    import skops.io as sio

    if not path.exists():
        return None
    try:
        return sio.load(path, trusted=sorted(ALLOWED_TYPES))
    except sio.exceptions.UntrustedTypesFoundException:
        found = sorted(sio.get_untrusted_types(file=path))
        raise ValueError(f"Refusing to load {path.name}: unexpected types {found}.") from None
