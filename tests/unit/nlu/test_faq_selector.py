"""The FAQ answer selector writes Rasa's response_selector property with the right faq/<topic> answer."""

from __future__ import annotations

import pytest
from rasa.engine.storage.resource import Resource
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.faq_selector import TfidfEmbeddingResponseSelector
from tests.unit.nlu.conftest import context, featurized

FAQS = {
    "faq/cost_insurance": ["how much does it cost", "is it covered by insurance", "do you take medicaid",
                           "what will i pay"],
    "faq/privacy_employer": ["will my boss find out", "is this confidential", "does my job have to know",
                             "who sees my answers"],
    "faq/program_length": ["how many weeks is it", "how long does the program last", "when will i be done",
                           "is it 3 months"],
}
RESPONSES = {f"utter_{key}": [{"text": f"answer about {key.split('/')[1]}"}] for key in FAQS}


def trained(featurizer, storage) -> tuple[TfidfEmbeddingResponseSelector, Resource]:
    texts = [t for ts in FAQS.values() for t in ts] + ["hi", "bye"]
    keys = [k for k, ts in FAQS.items() for _ in ts]
    messages = featurized(featurizer, texts, intent=["faq"] * len(keys) + ["greet", "goodbye"],
                          intent_response_key=keys + [None, None])
    data = TrainingData(messages, responses=RESPONSES)
    resource = Resource("faq_selector")
    selector = TfidfEmbeddingResponseSelector.create({"retrieval_intent": "faq"}, storage, resource,
                                                     context("faq_selector"))
    selector.train(data)
    return selector, resource


def prediction(message) -> dict:
    return message.get("response_selector")["faq"]


def test_selects_the_answer_with_rasa_response_selector_keys(featurizer, storage):
    selector, _ = trained(featurizer, storage)
    [message] = selector.process(featurized(featurizer, ["what's it gonna cost me with my insurance"]))
    properties = message.get("response_selector")
    assert properties["all_retrieval_intents"] == ["faq"]
    response = prediction(message)["response"]
    assert response["intent_response_key"] == "faq/cost_insurance"
    assert response["utter_action"] == "utter_faq/cost_insurance"
    assert response["responses"] == [{"text": "answer about cost_insurance"}]
    ranking = prediction(message)["ranking"]
    assert ranking[0]["intent_response_key"] == "faq/cost_insurance" and len(ranking) == 3
    assert ranking[0]["confidence"] == pytest.approx(response["confidence"])


def test_loaded_selector_gives_the_same_answer(featurizer, storage):
    selector, resource = trained(featurizer, storage)
    loaded = TfidfEmbeddingResponseSelector.load({"retrieval_intent": "faq"}, storage, resource,
                                                 context("faq_selector"))
    texts = ["will my employer know", "how many weeks"]
    before = [prediction(m)["response"] for m in selector.process(featurized(featurizer, texts))]
    after = [prediction(m)["response"] for m in loaded.process(featurized(featurizer, texts))]
    assert before == after
    assert [r["intent_response_key"] for r in after] == ["faq/privacy_employer", "faq/program_length"]


def test_without_a_trained_model_messages_are_left_alone(featurizer, storage):
    selector = TfidfEmbeddingResponseSelector.load({"retrieval_intent": "faq"}, storage, Resource("missing"),
                                                   context("faq_selector"))
    [message] = selector.process(featurized(featurizer, ["how much is it"]))
    assert message.get("response_selector") is None


def test_retrieval_intent_is_required(storage):
    with pytest.raises(InvalidConfigException, match="retrieval_intent"):
        TfidfEmbeddingResponseSelector({}, storage, Resource("x"))
