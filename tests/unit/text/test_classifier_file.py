"""A saved ``TextClassifier`` (the crisis model, the answer models) loads back the same, and a file holding a
type beyond skops' defaults and ours is refused rather than unpickled."""

from pathlib import Path

import numpy as np
import pytest

from bot.text.classifier import TextClassifier

TEXTS = ["i want to die", "i want to quit drinking", "kill myself tonight", "what time is group"] * 3
LABELS = ["crisis", "none", "crisis", "none"] * 3


def test_a_saved_classifier_loads_and_reads_the_same(tmp_path: Path):
    classifier = TextClassifier.fit(TEXTS, LABELS)
    classifier.save(tmp_path / "model.skops")
    loaded = TextClassifier.load(tmp_path / "model.skops")
    probe = ["i want to die tonight", "is group at 6"]
    assert np.allclose(classifier.probabilities(probe), loaded.probabilities(probe))


def test_no_file_is_no_classifier(tmp_path: Path):
    assert TextClassifier.load(tmp_path / "missing.skops") is None


def test_a_file_with_unexpected_types_is_refused(tmp_path: Path):
    from fractions import Fraction

    import skops.io as sio

    sio.dump({"classifier": Fraction(1, 3)}, tmp_path / "model.skops")
    with pytest.raises(ValueError, match="unexpected types"):
        TextClassifier.load(tmp_path / "model.skops")
