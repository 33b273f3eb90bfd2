"""Rasa 3.6 NLU graph component: adds the substance category to spaCy's substance entities.

Runs after ``SpacyEntityExtractor`` (which emits the EntityRuler's labels with value = the matched text).
For every ``substance`` entity it ADDS ``"substance_category"`` (e.g. ``"percs"`` -> ``"opioids"``) and
keeps ``value`` as typed, so the transcript and staff summary show the person's own words. With the
option ``replace_value: true`` the value becomes the category instead (the text is then kept under
``"substance_text"``). ``no_substance`` entities (false friends like "ice cream") are removed.

config.yml::

    - name: SpacyEntityExtractor
      dimensions: [substance, frequency, duration]
    - name: bot.nlu.substance_normaliser.SubstanceNormaliser
      replace_value: false
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.pipeline import NO_SUBSTANCE, SUBSTANCE, normalise_substance

CATEGORY_KEY = "substance_category"


def normalise_entities(entities: list[dict[str, Any]], replace_value: bool = False) -> list[dict[str, Any]]:
    """Return the entities with substance categories added (or swapped in) and false friends dropped."""
    result = []
    for found in entities:
        label = found.get("entity")
        if label == NO_SUBSTANCE:
            continue
        entity = found
        if label == SUBSTANCE:
            entity = dict(found)
            category = normalise_substance(str(entity.get("value", "")))
            entity[CATEGORY_KEY] = category
            if replace_value and category:
                entity["substance_text"] = entity.get("value")
                entity["value"] = category
        result.append(entity)
    return result


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class SubstanceNormaliser(GraphComponent):
    """Adds ``substance_category`` to each ``substance`` entity; see the module docstring."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"replace_value": False}

    def __init__(self, config: dict[str, Any]) -> None:
        self._replace_value = bool(config.get("replace_value", False))

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> SubstanceNormaliser:
        return cls(config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            entities = message.get(ENTITIES)
            if entities:
                message.set(ENTITIES, normalise_entities(entities, self._replace_value), add_to_output=True)
        return messages
