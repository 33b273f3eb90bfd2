"""The questionnaire and the results in other languages: ``data/screening/translations/<lang>.yml``.

A translation file mirrors the ids of ``questionnaire.yml`` and ``criteria.yml``::

    language: es
    reply_formats: {choices: "Responda {options}.", multi: ..., last_use: ..., number: ..., or: "o", ...}
    yes_no_labels: {"yes": "Sí", "no": "No", unsure: "No estoy seguro"}
    questions:
      <question id>:
        text: {self: ..., other: ...}
        sms: {self: ..., other: ...}
        why: ...
        understood: {"yes": {self: ..., other: ...}, "no": {...}}
        hints: [...]
        examples: {...}                      # read by bot/screening/examples.py
        choices: {<choice id>: {label: ..., short: ..., synonyms: [...], examples: [...]}}
    results:
      stood_out: "Lo que llamó la atención:"
      disclaimer: ...
      disclaimer_short: ...
      bands: {<band>: {web: ..., sms: ...}}
      criteria: {<criterion id>: <person text>}

Adding a language is adding a file. ``missing_texts()`` lists what a file leaves untranslated; a test fails
the build on any gap. Labels of every language are also accepted as typed answers (synonyms).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping

import yaml

from bot.screening.errors import ScreeningDataError
from bot.screening.language import find_diagnostic_language
from bot.screening.model import FOR_WHOM, REPLY_FORMATS_EN, Question, Wording
from bot.screening.scoring import NO_PATTERN_ID
from bot.screening.vocabulary import YES_NO_VALUES

TRANSLATIONS_DIR = Path(__file__).resolve().parents[2] / "data" / "screening" / "translations"


@dataclass(frozen=True)
class ResultWording:
    """What the person reads with their result, in one language."""

    stood_out: str
    disclaimer: str
    disclaimer_short: str
    bands: Mapping[str, tuple[str, str]] = field(default_factory=dict)  # band -> (web, sms)
    criteria: Mapping[str, str] = field(default_factory=dict)  # criterion id -> person text


def translation_files(directory: Path = TRANSLATIONS_DIR) -> dict[str, Path]:
    """language -> file."""
    if not directory.is_dir():
        return {}
    out = {}
    for path in sorted(directory.glob("*.yml")):
        data = _read(path)
        out[str(data.get("language") or path.stem)] = path
    return out


@functools.lru_cache(maxsize=8)
def _read(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ScreeningDataError(str(path), "(top level)", "expected a mapping")
    return data


def _text(value: Any, file: str, where: str, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int)) or not str(value).strip():
        raise ScreeningDataError(file, where, "expected a non-empty text (quote yes/no)")
    text = " ".join(str(value).split())
    found = find_diagnostic_language(text)
    if found:
        raise ScreeningDataError(file, where, f"diagnostic or labelling language is not allowed: {found}")
    return text


def apply_translations(questions: list[Question], directory: Path = TRANSLATIONS_DIR) -> list[Question]:
    """The questions with every language's wording, choice labels and synonyms attached."""
    for lang, path in translation_files(directory).items():
        data = _read(path)
        formats = {**REPLY_FORMATS_EN, **(data.get("reply_formats") or {})}
        yes_no = data.get("yes_no_labels") or {}
        raw_questions = data.get("questions") or {}
        known = {q.id for q in questions}
        for qid in raw_questions:
            if qid not in known:
                raise ScreeningDataError(str(path), f"questions.{qid}", "no such question in the questionnaire")
        questions = [_translated(q, raw_questions.get(q.id) or {}, lang, formats, yes_no, str(path))
                     for q in questions]
    return questions


def _translated(question: Question, raw: Mapping[str, Any], lang: str, formats: Mapping[str, str],
                yes_no: Mapping[str, str], file: str) -> Question:
    where = f"questions.{question.id}"
    choices = []
    raw_choices = raw.get("choices") or {}
    for cid in raw_choices:
        if question.get_choice(cid) is None:
            raise ScreeningDataError(file, f"{where}.choices.{cid}", f"no choice '{cid}' in {question.id}")
    for choice in question.choices:
        body = raw_choices.get(choice.id) or {}
        label = body.get("label") if question.type != "yes_no_unsure" else yes_no.get(choice.id)
        extra = [_text(syn, file, f"{where}.choices.{choice.id}.synonyms[{k}]").lower()
                 for k, syn in enumerate(body.get("synonyms") or [])]
        translated = dict(choice.translated)
        if label:
            label = _text(label, file, f"{where}.choices.{choice.id}.label")
            short = _text(body.get("short"), file, f"{where}.choices.{choice.id}.short", required=False)
            translated[lang] = (label, short)
            if question.type != "yes_no_unsure":  # yes / no words are read by the yes/no parser
                extra += [label.lower(), short.lower()]
        synonyms = tuple(dict.fromkeys(s for s in extra if s and s not in choice.synonyms))
        choices.append(replace(choice, translated=translated, synonyms=choice.synonyms + synonyms))
    translations = dict(question.translations)
    if raw.get("text"):
        translations[lang] = Wording(
            text={who: _text((raw.get("text") or {}).get(who), file, f"{where}.text.{who}") for who in FOR_WHOM},
            sms={who: _text((raw.get("sms") or {}).get(who), file, f"{where}.sms.{who}") for who in FOR_WHOM},
            why=_text(raw.get("why"), file, f"{where}.why"),
            understood={value: {who: _text(block.get(who), file, f"{where}.understood.{value}.{who}")
                                for who in FOR_WHOM}
                        for value, block in (raw.get("understood") or {}).items()},
            hints=tuple(_text(h, file, f"{where}.hints[{k}]") for k, h in enumerate(raw.get("hints") or [])),
            formats=formats,
        )
    return replace(question, choices=tuple(choices), translations=translations)


def result_wording(lang: str, directory: Path = TRANSLATIONS_DIR) -> ResultWording | None:
    """The result texts in ``lang``; None for English (the criteria file's own words) or a missing file."""
    path = translation_files(directory).get(lang)
    if path is None:
        return None
    raw = _read(path).get("results") or {}
    file = str(path)
    return ResultWording(
        stood_out=_text(raw.get("stood_out"), file, "results.stood_out"),
        disclaimer=_text(raw.get("disclaimer"), file, "results.disclaimer"),
        disclaimer_short=_text(raw.get("disclaimer_short"), file, "results.disclaimer_short"),
        bands={band: (_text(body.get("web"), file, f"results.bands.{band}.web"),
                      _text(body.get("sms"), file, f"results.bands.{band}.sms"))
               for band, body in (raw.get("bands") or {}).items()},
        criteria={cid: _text(text, file, f"results.criteria.{cid}")
                  for cid, text in (raw.get("criteria") or {}).items()},
    )


def missing_texts(questionnaire, criteria, directory: Path = TRANSLATIONS_DIR) -> list[str]:
    """Every text that exists in English and not in a translation file ("es: questions.withdrawal.why")."""
    problems: list[str] = []
    for lang, path in translation_files(directory).items():
        data = _read(path)
        for key in REPLY_FORMATS_EN:
            if key not in (data.get("reply_formats") or {}):
                problems.append(f"{lang}: reply_formats.{key}")
        for value in YES_NO_VALUES:
            if value not in (data.get("yes_no_labels") or {}):
                problems.append(f"{lang}: yes_no_labels.{value}")
        raw_questions = data.get("questions") or {}
        for question in questionnaire:
            raw = raw_questions.get(question.id) or {}
            where = f"{lang}: questions.{question.id}"
            for key in ("text", "sms"):
                problems += [f"{where}.{key}.{who}" for who in FOR_WHOM if not (raw.get(key) or {}).get(who)]
            if not raw.get("why"):
                problems.append(f"{where}.why")
            if question.hints and len(raw.get("hints") or []) < len(question.hints):
                problems.append(f"{where}.hints")
            for value, block in question.understood.items():
                problems += [f"{where}.understood.{value}.{who}" for who in block
                             if not ((raw.get("understood") or {}).get(value) or {}).get(who)]
            if question.type != "yes_no_unsure":
                raw_choices = raw.get("choices") or {}
                problems += [f"{where}.choices.{c.id}.label" for c in question.choices
                             if not (raw_choices.get(c.id) or {}).get("label")]
        results = data.get("results") or {}
        problems += [f"{lang}: results.{key}" for key in ("stood_out", "disclaimer", "disclaimer_short")
                     if not results.get(key)]
        problems += [f"{lang}: results.bands.{band}" for band in criteria.bands
                     if not (results.get("bands") or {}).get(band)]
        problems += [f"{lang}: results.criteria.{cid}" for cid in [c.id for c in criteria] + [NO_PATTERN_ID]
                     if not (results.get("criteria") or {}).get(cid)]
    return problems
