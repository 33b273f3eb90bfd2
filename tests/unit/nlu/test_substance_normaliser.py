"""The Rasa component adds the substance category to spaCy's entities and drops false friends."""

from __future__ import annotations

from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.substance_normaliser import CATEGORY_KEY, SubstanceNormaliser, normalise_entities


def spacy_entity(label: str, value: str) -> dict:
    return {"entity": label, "value": value, "start": 0, "end": len(value), "confidence": None,
            "extractor": "SpacyEntityExtractor"}


def test_category_is_added_and_value_kept():
    entities = normalise_entities([spacy_entity("substance", "Percs"), spacy_entity("frequency", "daily")])
    assert entities[0]["value"] == "Percs" and entities[0][CATEGORY_KEY] == "opioids"
    assert entities[1] == spacy_entity("frequency", "daily")


def test_replace_value_option_swaps_in_the_category():
    [entity] = normalise_entities([spacy_entity("substance", "molly")], replace_value=True)
    assert entity["value"] == "mdma_hallucinogens" and entity["substance_text"] == "molly"


def test_false_friends_are_dropped():
    assert normalise_entities([spacy_entity("no_substance", "ice cream")]) == []


def test_component_processes_rasa_messages():
    component = SubstanceNormaliser({**SubstanceNormaliser.get_default_config()})
    message = Message({TEXT: "bars daily", ENTITIES: [spacy_entity("substance", "bars")]})
    [processed] = component.process([message])
    assert processed.get(ENTITIES)[0][CATEGORY_KEY] == "benzodiazepines"
    untouched = Message({TEXT: "hello"})
    assert component.process([untouched])[0].get(ENTITIES) is None
