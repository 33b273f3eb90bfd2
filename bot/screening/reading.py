"""Read a reply as an answer to the open question, the way an intake worker listens.

``AnswerReader.read(question, text)`` returns a ``Reading``: the value to store and how sure we are:

* ``sure``    store it and go on;
* ``check``   say back what we understood and ask "is that right?" (store on yes);
* ``unclear`` say we did not understand and give example answers.

Two layers, both driven by the questionnaire data:

1. rules (``bot.screening.parsers``): a clicked or typed option, yes/no words leading the reply, numbers,
   frequencies and dates, choice synonyms;
2. examples: clinician-editable example answers per choice (and per yes / no / not sure side), in every
   language, matched by a per-question classifier over a multilingual sentence embedding plus word and
   character n-grams. "dope sick bad", "diabetes", "my sponsor", "evenings only, i work days" are answered
   by examples, not by code.

The embedding function is passed in (``embed(texts) -> rows of unit vectors``): this module imports no model.
Without one, the examples are matched on n-grams alone.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import threading
from dataclasses import dataclass
from typing import Any, Callable, Literal, Sequence

from bot.screening.examples import NOT_ANSWER, ExampleSet
from bot.screening.model import Question
from bot.screening.parsers import ParsedAnswer, parse_answer, parse_yes_no, whole_reply_choice_value
from bot.screening.vocabulary import UNCLEAR as NOT_SURE
from bot.text.canonical import canonical
from bot.text.normalise import answer_form
from bot.text.replies import corrected_tail, denies_the_act, says_it_is_over, someone_elses_yes, without_limiters

Certainty = Literal["sure", "check", "unclear"]
Embed = Callable[[Sequence[str]], Any]

# Example classifier thresholds (probability of the best label), set on the development set
# (bench/answers_eval.py --dev); the evaluation set never tunes them.
SURE = 0.80
CHECK = 0.40
# a rule reading stands unless the examples give it less than this probability
RULE_FLOOR = 0.10


@dataclass(frozen=True)
class Reading:
    """What a reply says as an answer: ``value`` to store (None when unclear) and ``certainty``."""

    value: Any = None
    certainty: Certainty = "unclear"
    source: str = ""
    confidence: float = 0.0

    @property
    def understood(self) -> bool:
        return self.certainty != "unclear" and self.value is not None


UNCLEAR = Reading()
# "idk, i lose count" to "how many drinks?": an answer (not sure), stored as such at once; asking again would
# not help someone who does not know
DONT_KNOW = Reading(NOT_SURE, "sure", "dont_know", 1.0)
_EXAMPLE_TYPES = ("yes_no_unsure", "single_choice", "frequency", "multi_choice")
_NO_UNSURE_CHOICE = ("number", "last_use")
_CHOICE_TYPES = ("single_choice", "multi_choice")


def _dont_know(words: str) -> bool:
    parsed = parse_yes_no(words)
    return parsed.ok and parsed.value == "unsure"


class AnswerReader:
    """Reads replies to the questions of one questionnaire, with its example answers."""

    def __init__(self, examples: ExampleSet, embed: Embed | None = None) -> None:
        self.examples = examples
        self.embed = embed
        self._models: dict[str, _QuestionModel | None] = {}
        self._lock = threading.Lock()

    def read(self, question: Question, text: Any, *, today: dt.date | None = None) -> Reading:
        """The reading of ``text`` as an answer to ``question``. Never raises on any input."""
        words = canonical(text)
        if not words:
            return UNCLEAR
        clicked = whole_reply_choice_value(question, words)
        if clicked is not None:
            return Reading(clicked, "sure", "choice", 1.0) if clicked != "" else UNCLEAR
        tail = corrected_tail(words)
        if tail:
            corrected = self.read(question, tail, today=today)
            if corrected.value is not None:
                return corrected
        words = without_limiters(words)
        parsed = parse_answer(question, words, today=today)
        model = self._model(question) if question.type in _EXAMPLE_TYPES else None
        if model is None:
            if parsed.ok:
                return Reading(parsed.value, "sure", "rule", 1.0)
            return DONT_KNOW if question.type in _NO_UNSURE_CHOICE and _dont_know(words) else UNCLEAR
        probabilities = model.probabilities(words)
        if max(probabilities, key=probabilities.get) != "no" and _unheard_no(question, parsed, words):
            return Reading("no", "check", "rule", probabilities.get("no", 0.0))
        reading = _decide(question, parsed, probabilities)
        if question.type == "multi_choice" and reading.value is not None and len(reading.value) == 1:
            return _with_other_clauses(question, model, words, reading)
        return reading

    def warm_up(self, questions: Sequence[Question]) -> None:
        """Build every question's example model now (otherwise on its first reply)."""
        for question in questions:
            if question.type in _EXAMPLE_TYPES:
                self._model(question)

    def _model(self, question: Question) -> _QuestionModel | None:
        if question.id not in self._models:
            with self._lock:
                if question.id not in self._models:
                    pairs = self.examples.for_question(question)
                    labels = {label for _, label in pairs}
                    self._models[question.id] = _QuestionModel(pairs, self.embed) if len(labels) > 1 else None
        return self._models[question.id]


def _unheard_no(question: Question, parsed: ParsedAnswer, words: str) -> bool:
    """A no the examples cannot hear, to be said back: the act itself denied ("i wouldn't actually do it": they
    hear "do it"), someone else's story after the no ("not me, my brother is the one ..."), or, to a question
    about now or a recent window, the thing said to be over ("two summers ago i took pills. since then no" to
    "in the past 3 months ...?")."""
    if question.type == "yes_no_unsure" and parsed.value in (None, "no") and denies_the_act(answer_form(words)):
        return True
    if question.type == "yes_no_unsure" and someone_elses_yes(words):
        return True
    return question.recent and not (parsed.value == "yes" and parsed.strong) and says_it_is_over(words)


def _decide(question: Question, parsed: ParsedAnswer, probabilities: dict[str, float]) -> Reading:
    best = max(probabilities, key=probabilities.get)
    confidence = probabilities[best]
    if best == NOT_ANSWER:
        # a strong rule reading, or choices named by their words ("el guaro parce"), is said back
        if parsed.ok and (parsed.strong or question.type in _CHOICE_TYPES):
            return Reading(parsed.value, "check", "rule", probabilities.get(str(parsed.value), 0.0))
        return Reading(None, "unclear", "examples", 1.0 - confidence)
    if question.type == "multi_choice":
        return _decide_multi(question, parsed, best, confidence)
    if parsed.ok:
        support = probabilities.get(str(parsed.value), 0.0)
        if parsed.value == best:
            # a weak rule word the examples barely prefer ("not a seizure exactly, i blacked out and shook") is
            # said back, not stored unasked
            certainty = "sure" if parsed.strong or confidence >= CHECK else "check"
            return Reading(parsed.value, certainty, "rule+examples", confidence)
        if parsed.strong:
            if support >= RULE_FLOOR:
                return Reading(parsed.value, "sure", "rule", support)
            # rule and examples disagree: say back the examples' reading when they are sure of it
            return Reading(best, "check", "examples", confidence) if confidence >= SURE \
                else Reading(parsed.value, "check", "rule", support)
        if question.type == "yes_no_unsure" and confidence >= SURE:
            # the reply's own yes / no / not sure words say otherwise ("im not sure. ... never told us"):
            # the examples' reading is said back, not stored unasked (saying back the words' reading instead
            # stored fewer answers right on every set)
            return Reading(best, "check", "examples", confidence)
        if confidence < CHECK:
            # the examples cannot tell ("not that i know of, she seems ok mood wise its mostly the pills"): the
            # reply's own words are said back rather than asked again
            return Reading(parsed.value, "check", "rule", support)
    return _by_examples(best, confidence)


def _decide_multi(question: Question, parsed: ParsedAnswer, best: str, confidence: float) -> Reading:
    if parsed.ok and (parsed.strong or best in parsed.value or confidence < CHECK):
        return Reading(parsed.value, "sure", "rule", 1.0)
    kept = question.kept_ids
    named = [choice for choice in parsed.value if choice in kept] if parsed.ok else []
    if named:
        # both when the examples' reading is itself a kept risk or sure; else the named risk, said back
        # ("lives with her husband and he's abusive": not "stable and not safe")
        if best not in question.exclusive_ids and (best in kept or confidence >= SURE):
            return _by_examples([best, *named], confidence)
        return Reading(named, "check", "rule", confidence)
    if parsed.ok and len(parsed.value) > 1 and confidence < SURE:
        # several choices named by their words, the examples unsure of another one: say back the named ones
        # ("klonopin from her dr ... and she drinks wine" is not "opioids")
        return Reading(parsed.value, "check", "rule", confidence)
    return _by_examples([best], confidence)


# "whos going to watch his kids? and he doesnt have a car", "no one to watch my kids and no ride": one choice
# per clause
_CLAUSES = re.compile(r"[.?!;]+\s*|,\s*(?=(?:and|also|plus|y|tambien|ademas)\b)|\s+(?:and also|and|plus|y ademas|"
                      r"y tambien|y)\s+(?=(?:the|el|la|los|las|he|she|they|i|me|le|money|cost|dinero|no|nobody|"
                      r"tampoco|ni|how|what|who|cuanto|quien|que|q)\b)")
# a clause's own reading counts from this probability (0.6 and 0.7 gave the same readings on every set; 0.5 lost
# answers on the round-5 English set)
CLAUSE_SURE = 0.6


def _with_other_clauses(question: Question, model: _QuestionModel, words: str, reading: Reading) -> Reading:
    """A one-choice reading of a reply of several clauses, another clause clearly naming another choice: all
    of them are said back."""
    clauses = [c for c in _CLAUSES.split(words) if len(c.split()) >= 2]
    if len(clauses) < 2:
        return reading
    exclusive, kept = question.exclusive_ids, question.kept_ids
    found = set(reading.value)
    for clause in clauses:
        probabilities = model.probabilities(clause)
        best = max(probabilities, key=probabilities.get)
        # beside a named risk, another kind of choice needs sure examples ("my bf and i live together, he uses
        # too" is not also a stable home)
        floor = SURE if found & kept and best not in kept else CLAUSE_SURE
        if best != NOT_ANSWER and best not in exclusive and probabilities[best] >= floor:
            found.add(best)
    if found <= set(reading.value) or found & exclusive:
        return reading
    ordered = [c.id for c in question.choices if c.id in found]
    return Reading(ordered, "check", "clauses", reading.confidence)


def _by_examples(value: Any, confidence: float) -> Reading:
    if confidence >= SURE:
        return Reading(value, "sure", "examples", confidence)
    if confidence >= CHECK:
        return Reading(value, "check", "examples", confidence)
    return Reading(None, "unclear", "examples", confidence)


class _QuestionModel:
    """The question's example answers learned by ``bot.text.classifier.TextClassifier``."""

    def __init__(self, pairs: Sequence[tuple[str, str]], embed: Embed | None) -> None:
        from bot.text.classifier import TextClassifier

        texts = [canonical(text) for text, _ in pairs]
        self.embed = embed
        self.classifier = TextClassifier.fit(texts, [label for _, label in pairs], self._vectors(texts),
                                             C=10.0, embedding_weight=2.0)

    def _vectors(self, texts: list[str]):
        return None if self.embed is None else _as_array(self.embed(texts))

    def probabilities(self, text: str) -> dict[str, float]:
        row = self.classifier.probabilities([text], self._vectors([text]))[0]
        return {label: float(p) for label, p in zip(self.classifier.labels, row, strict=True)}


def _as_array(vectors: Any):
    import numpy as np

    array = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    return array / np.where(norms == 0, 1.0, norms)


@functools.lru_cache(maxsize=1)
def default_reader() -> AnswerReader:
    """A reader over the questionnaire's own examples, without an embedding (n-grams only)."""
    from bot.screening.examples import load_examples

    return AnswerReader(load_examples())
