"""The sentence-embedding featurizer: the packaged multilingual model loads offline and adds one meaningful vector
per text, in English and in Spanish."""

from __future__ import annotations

import numpy as np
import pytest
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.embedding import DIMENSIONS
from bot.nlu.sentence_embeddings import SentenceEmbeddingFeaturizer


def sentence_vector(message: Message) -> np.ndarray:
    [feature] = [f for f in message.features if f.type == FEATURE_TYPE_SENTENCE and f.attribute == TEXT]
    return feature.features


def test_each_message_gets_one_normalised_sentence_feature(featurizer):
    [message] = featurizer.process([Message({TEXT: "i've been drinking every day since march"})])
    vector = sentence_vector(message)
    assert vector.shape == (1, DIMENSIONS)
    assert np.isclose(np.linalg.norm(vector), 1.0, atol=1e-4)
    assert not [f for f in message.features if f.type == FEATURE_TYPE_SEQUENCE]


def test_similar_meanings_are_closer_than_unrelated_ones(featurizer):
    texts = ["yes", "certainly", "will it snow tomorrow", "how much does the program cost",
             "is it covered by my insurance"]
    vectors = [sentence_vector(m)[0] for m in featurizer.process([Message({TEXT: t}) for t in texts])]
    yes, certainly, snow, cost, insurance = vectors
    assert yes @ certainly > yes @ snow
    assert cost @ insurance > cost @ snow


def test_blank_text_gets_zeros_and_messages_without_text_are_left_alone(featurizer):
    blank, no_text = featurizer.process([Message({TEXT: "   "}), Message({"intent": "greet"})])
    assert not sentence_vector(blank).any()
    assert no_text.features == []


def test_training_data_is_featurized_in_place(featurizer):
    data = TrainingData([Message({TEXT: "hi", "intent": "greet"}), Message({TEXT: "bye", "intent": "goodbye"})])
    processed = featurizer.process_training_data(data)
    assert all(sentence_vector(m).shape == (1, DIMENSIONS) for m in processed.training_examples)


def test_spanish_and_english_of_the_same_answer_are_close(featurizer):
    texts = ["me dan temblores cuando dejo de tomar", "i get the shakes when i stop drinking",
             "cuanto cuesta el programa"]
    shakes_es, shakes_en, cost_es = [sentence_vector(m)[0] for m in featurizer.process([Message({TEXT: t})
                                                                                        for t in texts])]
    assert shakes_es @ shakes_en > shakes_es @ cost_es


def test_batch_size_must_be_positive():
    with pytest.raises(InvalidConfigException):
        SentenceEmbeddingFeaturizer.validate_config({"batch_size": 0})
