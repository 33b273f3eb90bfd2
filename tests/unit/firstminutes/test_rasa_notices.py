"""Rasa's notices about our data are explained only when a project check holds for the name in them."""

from __future__ import annotations

import shutil

from bot.config import PROJECT_ROOT
from bot.rasa_notices import explain, names_in_code

SELECTOR_NOTICE = ("You have defined training data with examples for training a response selector, but your NLU "
                   "configuration does not include a response selector component. To train a model on your response "
                   "selector data, add a 'ResponseSelector' to your configuration.")


def test_a_response_sent_by_a_custom_action_is_explained_one_nobody_sends_is_not():
    assert "utter_default" in names_in_code()  # actions/fallback.py sends it on the first miss
    assert explain("The utterance 'utter_default' is not used in any story or rule.") == \
        "a custom action sends utter_default"
    assert explain("The utterance 'utter_nobody_sends_this' is not used in any story or rule.") is None


def test_an_intent_the_form_validation_reads_is_explained_an_unknown_one_is_not():
    assert explain("The intent 'go_back' is not used in any story or rule.") is not None
    assert explain("The intent 'order_pizza' is not used in any story or rule.") is None


def test_the_duplicated_retrieval_intent_is_explained_a_real_duplicate_is_not():
    notice = "The following duplicated intents have been found across multiple domain files: {}"
    assert explain(notice.format("faq")) == "Rasa adds retrieval intents to the domain a second time"
    assert explain(notice.format("faq, greet")) is None


def test_the_response_selector_notice_holds_only_while_our_selector_is_configured(tmp_path):
    assert explain(SELECTOR_NOTICE) == "bot.nlu.faq_selector selects the FAQ answers"
    shutil.copytree(PROJECT_ROOT / "data" / "nlu", tmp_path / "data" / "nlu")
    config = (PROJECT_ROOT / "config.yml").read_text()
    (tmp_path / "config.yml").write_text(config.replace("bot.nlu.faq_selector.TfidfEmbeddingResponseSelector",
                                                        "LexicalSyntacticFeaturizer"))
    assert explain(SELECTOR_NOTICE, root=tmp_path) is None


def test_anything_else_rasa_says_is_shown():
    assert explain("Issue found in 'data/rules/x.yml': Found intent 'faq' in stories which is not part of the "
                   "domain.") is None
