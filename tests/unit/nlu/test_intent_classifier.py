"""The tf-idf + embedding intent classifier: trains, predicts a ranking, survives persist/load, refuses odd files."""

from __future__ import annotations

import pytest
from rasa.engine.storage.resource import Resource
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.intent_classifier import MODEL_FILE, TfidfEmbeddingIntentClassifier
from tests.unit.nlu.conftest import context, featurized

EXAMPLES = {
    "greet": ["hi", "hello", "hey there", "good morning", "hiya", "hello is anyone there"],
    "goodbye": ["bye", "goodbye", "see you", "take care", "good night", "bye for now"],
    "faq": ["how much does it cost", "is it covered by insurance", "how many hours a week", "how long is the program",
            "will my employer find out", "what is an iop"],
    "inform": ["every day", "mostly beer", "i live with my sister", "last night", "3 times a week", "oxy and xanax"],
}


def trained(featurizer, storage) -> tuple[TfidfEmbeddingIntentClassifier, Resource]:
    texts = [t for ts in EXAMPLES.values() for t in ts]
    intents = [i for i, ts in EXAMPLES.items() for _ in ts]
    resource = Resource("intent_classifier")
    classifier = TfidfEmbeddingIntentClassifier.create({}, storage, resource, context("intent_classifier"))
    classifier.train(TrainingData(featurized(featurizer, texts, intent=intents)))
    return classifier, resource


def test_predicts_unseen_messages_with_a_sorted_ranking(featurizer, storage):
    classifier, _ = trained(featurizer, storage)
    messages = classifier.process(featurized(featurizer, ["hello there!", "what does it cost", "cya, take care"]))
    assert [m.get(INTENT)["name"] for m in messages] == ["greet", "faq", "goodbye"]
    ranking = messages[0].get("intent_ranking")
    assert [r["name"] for r in ranking][0] == "greet" and len(ranking) == 4
    assert ranking == sorted(ranking, key=lambda r: -r["confidence"])
    assert abs(sum(r["confidence"] for r in ranking) - 1.0) < 1e-6


def test_persisted_model_loads_and_predicts_the_same(featurizer, storage):
    classifier, resource = trained(featurizer, storage)
    loaded = TfidfEmbeddingIntentClassifier.load({}, storage, resource, context("intent_classifier"))
    texts = ["hi again", "i drink every weekend"]
    before = [m.get(INTENT) for m in classifier.process(featurized(featurizer, texts))]
    after = [m.get(INTENT) for m in loaded.process(featurized(featurizer, texts))]
    assert before == after and [i["name"] for i in after] == ["greet", "inform"]


def test_a_model_file_with_unexpected_types_is_refused(featurizer, storage):
    import skops.io as sio

    _, resource = trained(featurizer, storage)
    with storage.write_to(resource) as directory:
        sio.dump({"classifier": Resource("not-a-classifier")}, directory / MODEL_FILE)
    with pytest.raises(InvalidConfigException, match="unexpected types"):
        TfidfEmbeddingIntentClassifier.load({}, storage, resource, context("intent_classifier"))


def test_untrained_component_leaves_messages_alone(featurizer, storage):
    classifier = TfidfEmbeddingIntentClassifier.load({}, storage, Resource("missing"), context("intent_classifier"))
    [message] = classifier.process(featurized(featurizer, ["hello"]))
    assert message.get(INTENT) is None


def test_messages_without_the_training_embedding_are_a_clear_error(featurizer, storage):
    classifier, _ = trained(featurizer, storage)
    with pytest.raises(InvalidConfigException, match="512-dimension"):
        classifier.process([Message({TEXT: "hello"})])


def test_invalid_regularisation_is_rejected(storage):
    with pytest.raises(InvalidConfigException):
        TfidfEmbeddingIntentClassifier({"C": 0}, storage, Resource("x"))


def test_shorthand_is_understood_through_the_words_it_stands_for(featurizer, storage):
    classifier, _ = trained(featurizer, storage)
    messages = classifier.process(featurized(featurizer, ["gm", "gn", "ttyl"]))
    assert [m.get(INTENT)["name"] for m in messages] == ["greet", "goodbye", "goodbye"]
