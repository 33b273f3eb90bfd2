"""Example answers per choice and per yes / no / not sure side, in every language, from the questionnaire data.

Where they live (clinicians edit them; nothing else is needed for the bot to understand a new phrasing):

* ``data/screening/questionnaire.yml`` (English): ``examples: [...]`` under a choice; ``examples: {yes: [...],
  no: [...], unsure: [...]}`` under a yes / no / not sure question; top-level ``yes_no_examples`` shared by
  every yes / no / not sure question ("ya", "nope", "idk").
* ``data/screening/translations/<lang>.yml``: the same keys for another language, under
  ``questions: {<question id>: {examples: ..., choices: {<choice id>: {examples: [...]}}}}``.

Labels are choice ids (or yes / no / unsure). Examples of a "choose all that apply" question name one choice.
Top-level ``not_answer_examples`` (greetings, questions back, things off the topic) are learned by every
question as ``NOT_ANSWER``, so such a reply is "not understood" rather than a guess.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

import yaml

from bot.screening.errors import ScreeningDataError
from bot.screening.model import Question
from bot.screening.vocabulary import YES_NO_VALUES

SCREENING_DIR = Path(__file__).resolve().parents[2] / "data" / "screening"
TRANSLATIONS_DIR = SCREENING_DIR / "translations"

Example = tuple[str, str, str]  # (text, label, language)
NOT_ANSWER = "__not_an_answer__"


@dataclass(frozen=True)
class ExampleSet:
    """Example answers by question id, plus the yes / no / not sure examples every such question shares."""

    by_question: Mapping[str, tuple[Example, ...]] = field(default_factory=dict)
    yes_no: tuple[Example, ...] = ()
    not_answer: tuple[Example, ...] = ()

    def for_question(self, question: Question) -> list[tuple[str, str]]:
        """(text, label) pairs to learn ``question``'s answers from (``NOT_ANSWER`` included when any)."""
        own = list(self.by_question.get(question.id, ()))
        if question.type == "yes_no_unsure":
            own += self.yes_no
        if own:
            own += self.not_answer
        return [(text, label) for text, label, _ in own]

    def languages(self) -> set[str]:
        return {lang for rows in self.by_question.values() for _, _, lang in rows} | {e[2] for e in self.yes_no}

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, str, str, str]], yes_no: Iterable[Example] = (),
                  not_answer: Iterable[Example] = ()) -> ExampleSet:
        """From (question id, text, label, language) rows."""
        grouped: dict[str, list[Example]] = {}
        for qid, text, label, lang in rows:
            grouped.setdefault(qid, []).append((text, label, lang))
        return cls({qid: tuple(v) for qid, v in grouped.items()}, tuple(yes_no), tuple(not_answer))


def load_examples(questionnaire_file: Path | None = None, translations_dir: Path | None = None) -> ExampleSet:
    """Every example of the questionnaire file (English) and of each translation file."""
    from bot.screening.loader import load_questionnaire

    questionnaire_file = questionnaire_file or SCREENING_DIR / "questionnaire.yml"
    translations_dir = translations_dir or TRANSLATIONS_DIR
    questionnaire = load_questionnaire(questionnaire_file)
    rows: list[tuple[str, str, str, str]] = []
    yes_no: list[Example] = []
    not_answer: list[Example] = []
    base = _read(questionnaire_file)
    yes_no += _sides(base.get("yes_no_examples"), "en", str(questionnaire_file), "yes_no_examples")
    not_answer += _not_answers(base, "en", str(questionnaire_file))
    for i, raw in enumerate(base.get("questions") or []):
        rows += _question_rows(questionnaire.get(raw.get("id")), raw, "en", str(questionnaire_file),
                               f"questions[{i}]")
    for path in sorted(translations_dir.glob("*.yml")) if translations_dir.is_dir() else []:
        data = _read(path)
        lang = str(data.get("language") or path.stem)
        yes_no += _sides(data.get("yes_no_examples"), lang, str(path), "yes_no_examples")
        not_answer += _not_answers(data, lang, str(path))
        for qid, raw in (data.get("questions") or {}).items():
            question = questionnaire.get(qid)
            if question is None:
                raise ScreeningDataError(str(path), f"questions.{qid}", "no such question in the questionnaire")
            rows += _question_rows(question, {**raw, "choices": _choice_list(raw.get("choices"))}, lang,
                                   str(path), f"questions.{qid}")
    return ExampleSet.from_rows(rows, yes_no, not_answer)


def _read(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ScreeningDataError(str(path), "(top level)", "expected a mapping")
    return data


def _not_answers(data: Mapping[str, Any], lang: str, file: str) -> list[Example]:
    texts = data.get("not_answer_examples") or []
    return [(_text(t, file, f"not_answer_examples[{k}]"), NOT_ANSWER, lang) for k, t in enumerate(texts)]


def _choice_list(raw: Any) -> list[dict[str, Any]]:
    return [{"id": cid, **(body or {})} for cid, body in (raw or {}).items()]


def _question_rows(question: Question | None, raw: Mapping[str, Any], lang: str, file: str,
                   where: str) -> list[tuple[str, str, str, str]]:
    if question is None:
        return []
    rows = []
    if question.type == "yes_no_unsure":
        rows += [(question.id, t, label, lang)
                 for t, label, _ in _sides(raw.get("examples"), lang, file, f"{where}.examples")]
    elif raw.get("examples"):
        raise ScreeningDataError(file, f"{where}.examples", "put examples under each choice of this question")
    for j, choice in enumerate(raw.get("choices") or []):
        if not isinstance(choice, Mapping):
            continue
        cid = str(choice.get("id"))
        if question.get_choice(cid) is None:
            raise ScreeningDataError(file, f"{where}.choices[{j}]", f"no choice '{cid}' in {question.id}")
        for k, text in enumerate(choice.get("examples") or []):
            rows.append((question.id, _text(text, file, f"{where}.choices[{j}].examples[{k}]"), cid, lang))
    return rows


def _sides(raw: Any, lang: str, file: str, where: str) -> list[Example]:
    if raw is None:
        return []
    if not isinstance(raw, Mapping) or any(side not in YES_NO_VALUES for side in raw):
        raise ScreeningDataError(file, where, f"expected a mapping with keys among {list(YES_NO_VALUES)}")
    return [(_text(t, file, f"{where}.{side}[{k}]"), side, lang)
            for side, texts in raw.items() for k, t in enumerate(texts or [])]


def _text(value: Any, file: str, where: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)) or not str(value).strip():
        raise ScreeningDataError(file, where, "expected a non-empty example answer (quote yes/no)")
    return str(value).strip()
