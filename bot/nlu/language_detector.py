"""Rasa NLU component: which of our languages a message is in, as the entity ``language`` (fills the slot).

* An explicit request ("en español", "¿habla español?", "in English please") sets the intent
  ``switch_language`` and the entity, so the bot confirms and repeats its question in that language.
* Otherwise a message clearly written in one language (two or more of its common words and none of the
  other's: "hola necesito ayuda", "hace como 3 semanas") sets the entity; a short or mixed message ("si",
  "ok", "me da anxiety") leaves the conversation's language as it is. A greeting word alone counts.
"""

from __future__ import annotations

import re
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.text.canonical import canonical
from bot.text.language import ENGLISH, SPANISH

SWITCH_INTENT = "switch_language"
_ASK = {
    "es": re.compile(r"^\W*(?:(?:en|in) )?(?:espa[nñ]ol|spanish|castellano)(?: (?:please|pls|por favor))?\W*$"
                     r"|\b(?:hablas?|habla usted|speak|puedo (?:hablar|escribir)|se puede) (?:en )?"
                     r"(?:espa[nñ]ol|spanish)\b"
                     r"|\b(?:en|in) (?:espa[nñ]ol|spanish)(?: (?:please|por favor))?\W*$"
                     r"|\b(?:mejor|prefiero) en espa[nñ]ol\b|\bno (?:hablo|entiendo) (?:ingles|english)\b"),
    "en": re.compile(r"^\W*(?:(?:en|in) )?(?:english|ingles)(?: (?:please|pls|por favor))?\W*$"
                     r"|\b(?:speak|habla|hablas|puedo hablar) (?:en )?(?:english|ingles)\b"
                     r"|\b(?:en|in) (?:english|ingles)(?: (?:please|por favor))?\W*$"
                     r"|\bi (?:don't|dont|do not) (?:speak|understand) spanish\b"),
}
_GREETINGS = {"hola": "es", "buenas": "es", "buenos dias": "es", "buenas tardes": "es", "buenas noches": "es",
              "hello": "en", "hi": "en", "hey": "en", "good morning": "en", "good evening": "en"}
_WORD = re.compile(r"[a-zñ']+")


def detect(text: str) -> tuple[str | None, bool]:
    """(language or None, whether the person asked for it explicitly)."""
    words = canonical(text)
    for lang, pattern in _ASK.items():
        if pattern.search(words):
            return lang, True
    bare = words.strip(" !.?¡¿")
    if bare in _GREETINGS:
        return _GREETINGS[bare], False
    tokens = _WORD.findall(words)
    spanish, english = sum(t in SPANISH for t in tokens), sum(t in ENGLISH for t in tokens)
    if spanish >= 2 and english == 0:
        return "es", False
    if english >= 2 and spanish == 0:
        return "en", False
    return None, False


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class LanguageDetector(GraphComponent):
    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> LanguageDetector:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not text or str(text).startswith("/"):
                continue
            lang, asked = detect(str(text))
            if lang is None:
                continue
            entity = {"entity": "language", "value": lang, "start": 0, "end": len(str(text)),
                      "extractor": "LanguageDetector", "confidence_entity": 1.0}
            message.set(ENTITIES, [*(message.get(ENTITIES) or []), entity], add_to_output=True)
            if asked:
                ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != SWITCH_INTENT]
                message.set(INTENT, {"name": SWITCH_INTENT, "confidence": 1.0}, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [{"name": SWITCH_INTENT, "confidence": 1.0}, *ranking],
                            add_to_output=True)
        return messages
