"""Read and validate ``data/screening/questionnaire.yml`` and ``criteria.yml``.

Both loaders read the file when called (never at import) and raise ``ScreeningDataError(file, field,
message)`` for anything malformed: missing or mistyped fields, unknown areas/types/effects, duplicate ids,
conditions that name unknown questions or values, skip logic that looks ahead, missing sources or
diagnostic wording in texts.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Mapping

import yaml

from bot.screening.conditions import ConditionChecker
from bot.screening.errors import ScreeningDataError
from bot.screening.language import find_diagnostic_language
from bot.screening.model import (
    AREAS,
    FOR_WHOM,
    YES_NO_CHOICES,
    BandText,
    Choice,
    CriteriaSet,
    Criterion,
    Instrument,
    Question,
    Questionnaire,
    Source,
)
from bot.screening.translations import apply_translations
from bot.screening.vocabulary import (
    BANDS,
    CHOICE_TYPES,
    DETOX_FIRST,
    EFFECTS,
    IOP_REVIEW,
    MORE_INTENSIVE,
    QUESTION_TYPES,
    RISKS,
    URGENT_SAFETY,
    YES_NO_VALUES,
    Band,
    Effect,
    Risk,
)

SCREENING_DIR = Path(__file__).resolve().parents[2] / "data" / "screening"
DEFAULT_QUESTIONNAIRE = SCREENING_DIR / "questionnaire.yml"
DEFAULT_CRITERIA = SCREENING_DIR / "criteria.yml"
SOURCES_DIR = SCREENING_DIR / "sources"

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,29}$")
CHOICE_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_]{0,29}$")
SOURCE_FILE_PATTERN = re.compile(r"^\d{3}_[0-9a-f]{16}\.txt$")
# effect -> (allowed risks, default risk, band it implies)
EFFECT_RULES: dict[Effect, tuple[tuple[Risk | None, ...], Risk | None, Band | None]] = {
    "red_flag": (("high",), "high", None),  # band: urgent_safety (safety) or detox_first (withdrawal/medical)
    "step_up": (("high",), "high", MORE_INTENSIVE),
    "caution": (("moderate",), "moderate", IOP_REVIEW),
    "supports_iop": (("low", "moderate"), "low", None),
    "lower_level": (("low",), "low", None),
    "information": ((None,), None, None),
}
RED_FLAG_BANDS: dict[str, Band] = {"safety": URGENT_SAFETY, "withdrawal": DETOX_FIRST, "medical": DETOX_FIRST}
PLACEHOLDERS = re.compile(r"\{(\w+)\}")
ALLOWED_PLACEHOLDERS = {"crisis_line", "emergency_number"}


class _Reader:
    """Field access with errors that name the file and the field path."""

    def __init__(self, file: Path) -> None:
        self.file = str(file)

    def fail(self, field: str, message: str) -> ScreeningDataError:
        return ScreeningDataError(self.file, field, message)

    def load(self) -> dict[str, Any]:
        try:
            text = Path(self.file).read_text(encoding="utf-8")
        except OSError as exc:
            raise self.fail("(file)", f"cannot read: {exc.strerror or exc}") from exc
        try:
            data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"line {mark.line + 1}" if mark is not None else "(file)"
            raise self.fail(where, f"not valid YAML: {getattr(exc, 'problem', exc)}") from exc
        if not isinstance(data, dict):
            raise self.fail("(top level)", "expected a mapping")
        return data

    def get(self, data: Mapping[str, Any], key: str, field: str, kind: Any, required: bool = True,
            default: Any = None) -> Any:
        if not isinstance(data, Mapping):
            raise self.fail(field, "expected a mapping")
        if key not in data or data[key] is None:
            if required:
                raise self.fail(f"{field}.{key}" if field else key, "is required")
            return default
        value = data[key]
        if kind is float:
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        elif kind is int:
            ok = isinstance(value, int) and not isinstance(value, bool)
        else:
            ok = isinstance(value, kind)
        if not ok:
            names = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
            where = f"{field}.{key}" if field else key
            raise self.fail(where, f"expected {names}, got {type(value).__name__}")
        return value

    def text(self, data: Mapping[str, Any], key: str, field: str, required: bool = True) -> str:
        value = self.get(data, key, field, str, required=required, default="")
        value = " ".join(value.split())
        if required and not value:
            raise self.fail(f"{field}.{key}", "must not be empty")
        found = find_diagnostic_language(value)
        if found:
            raise self.fail(f"{field}.{key}", f"diagnostic or labelling language is not allowed: {found}")
        return value

    def ident(self, data: Mapping[str, Any], field: str, pattern: re.Pattern = ID_PATTERN) -> str:
        value = self.get(data, "id", field, str)
        if not pattern.match(value):
            first = "a letter or digit" if pattern is CHOICE_ID_PATTERN else "a letter"
            raise self.fail(f"{field}.id", f"'{value}' must be snake_case, start with {first}, <= 30 chars")
        return value


# ---- questionnaire --------------------------------------------------------------------------------
def load_questionnaire(path: Path | str | None = None) -> Questionnaire:
    """Load and validate the questionnaire (default ``data/screening/questionnaire.yml``)."""
    file = Path(path) if path is not None else DEFAULT_QUESTIONNAIRE
    r = _Reader(file)
    data = r.load()
    version = str(r.get(data, "version", "", (str, int, float)))
    raw_instruments = r.get(data, "instruments", "", list, required=False, default=[])
    instrument_meta: dict[str, dict[str, Any]] = {}
    for i, raw in enumerate(raw_instruments):
        field = f"instruments[{i}]"
        iid = r.ident(raw, field)
        if iid in instrument_meta:
            raise r.fail(f"{field}.id", f"duplicate instrument id '{iid}'")
        instrument_meta[iid] = {
            "name": r.text(raw, "name", field),
            "attribution": r.text(raw, "attribution", field),
            "max_score": r.get(raw, "max_score", field, int, required=False),
            "note": r.text(raw, "note", field, required=False),
            "scored": bool(r.get(raw, "scored", field, bool, required=False, default=True)),
        }
    raw_questions = r.get(data, "questions", "", list)
    if not raw_questions:
        raise r.fail("questions", "must list at least one question")
    # Every id is known up front (None until defined) so look-ahead in ask_if gets a precise error.
    known: dict[str, Question | None] = {
        raw["id"]: None
        for raw in raw_questions
        if isinstance(raw, Mapping) and isinstance(raw.get("id"), str)
    }
    scored = [iid for iid, meta in instrument_meta.items() if meta["scored"]]
    checker = ConditionChecker(r.file, known, scored)
    defined: set[str] = set()
    questions: list[Question] = []
    for i, raw in enumerate(raw_questions):
        question = _question(r, raw, i, checker, instrument_meta)
        if question.id in defined:
            raise r.fail(f"questions[{i}:{question.id}].id", f"duplicate question id '{question.id}'")
        defined.add(question.id)
        questions.append(question)
        known[question.id] = question
    instruments = {}
    for iid, meta in instrument_meta.items():
        items = tuple(q.id for q in questions if q.instrument == iid)
        if not items:
            raise r.fail(f"instruments[{iid}]", "no question names this instrument")
        instruments[iid] = Instrument(iid, meta["name"], meta["attribution"], items, meta["max_score"],
                                      meta["note"], meta["scored"])
    questions = apply_translations(questions, file.parent / "translations")
    return Questionnaire(version, tuple(questions), instruments, str(file))


def _question(r: _Reader, raw: Any, i: int, checker: ConditionChecker,
              instruments: Mapping[str, Any]) -> Question:
    field = f"questions[{i}]"
    if not isinstance(raw, Mapping):
        raise r.fail(field, "expected a mapping")
    qid = r.ident(raw, field)
    field = f"questions[{i}:{qid}]"
    area = r.get(raw, "area", field, str)
    if area not in AREAS:
        raise r.fail(f"{field}.area", f"unknown area '{area}', expected one of {list(AREAS)}")
    qtype = r.get(raw, "type", field, str)
    if qtype not in QUESTION_TYPES:
        raise r.fail(f"{field}.type", f"unknown type '{qtype}', expected one of {list(QUESTION_TYPES)}")
    wording = _per_person(r, raw, "text", field)
    sms = _per_person(r, raw, "sms", field)
    why = r.text(raw, "why", field)
    label = r.text(raw, "label", field)
    instrument = r.get(raw, "instrument", field, str, required=False)
    if instrument is not None and instrument not in instruments:
        raise r.fail(f"{field}.instrument", f"unknown instrument '{instrument}'")
    ask_if = r.get(raw, "ask_if", field, dict, required=False)
    if ask_if is not None:
        checker.check(ask_if, f"{field}.ask_if")
    choices = _choices(r, raw, field, qtype)
    minimum = r.get(raw, "min", field, int, required=False)
    maximum = r.get(raw, "max", field, int, required=False)
    points_table: list[tuple[int, int | None, int]] = []
    units: dict[str, int] = {}
    if qtype == "number":
        for j, row in enumerate(r.get(raw, "points", field, list, required=False, default=[])):
            ok = (isinstance(row, list) and len(row) == 3 and isinstance(row[0], int)
                  and (row[1] is None or isinstance(row[1], int)) and isinstance(row[2], int))
            if not ok:
                raise r.fail(f"{field}.points[{j}]", "expected [min, max or null, points]")
            points_table.append((row[0], row[1], row[2]))
        raw_units = r.get(raw, "units", field, dict, required=False, default={})
        for phrase, amount in raw_units.items():
            if not isinstance(phrase, str) or not isinstance(amount, int) or isinstance(amount, bool):
                raise r.fail(f"{field}.units.{phrase}", "expected phrase: whole number")
            units[" ".join(phrase.lower().split())] = amount
    if instrument is not None and instruments[instrument]["scored"]:
        has_points = bool(points_table) or (choices and all(c.points is not None for c in choices))
        if not has_points:
            raise r.fail(f"{field}.instrument",
                         "instrument items need points on every choice (or a points table)")
    understood = {}
    for value, block in (r.get(raw, "understood", field, dict, required=False, default={})).items():
        if qtype != "yes_no_unsure" or value not in YES_NO_VALUES:
            raise r.fail(f"{field}.understood.{value}", "only yes / no / unsure of a yes_no_unsure question")
        understood[value] = _per_person(r, {"understood": block}, "understood", f"{field}.understood.{value}")
    hints = r.get(raw, "hints", field, list, required=False, default=[])
    hints = tuple(r.text({"hint": h}, "hint", f"{field}.hints[{k}]") for k, h in enumerate(hints))
    recent = r.get(raw, "recent", field, bool, required=False, default=False)
    if recent and qtype != "yes_no_unsure":
        raise r.fail(f"{field}.recent", "only a yes_no_unsure question asks about a recent window")
    return Question(qid, area, qtype, wording, sms, why, label, tuple(choices), ask_if, instrument,
                    minimum, maximum, tuple(points_table), units, understood, hints, recent=recent)


def _per_person(r: _Reader, raw: Mapping[str, Any], key: str, field: str) -> dict[str, str]:
    block = r.get(raw, key, field, dict)
    return {who: r.text(block, who, f"{field}.{key}") for who in FOR_WHOM}


def _choices(r: _Reader, raw: Mapping[str, Any], field: str, qtype: str) -> list[Choice]:
    raw_choices = r.get(raw, "choices", field, list, required=False, default=[])
    if qtype == "yes_no_unsure":
        if raw_choices:
            raise r.fail(f"{field}.choices", "yes_no_unsure questions have fixed choices; remove 'choices'")
        return list(YES_NO_CHOICES)
    if qtype in CHOICE_TYPES and len(raw_choices) < 2:
        raise r.fail(f"{field}.choices", f"{qtype} questions need at least two choices")
    if qtype in ("number", "free_text") and raw_choices:
        raise r.fail(f"{field}.choices", f"{qtype} questions take no choices")
    choices: list[Choice] = []
    seen: set[str] = set()
    for j, rc in enumerate(raw_choices):
        cfield = f"{field}.choices[{j}]"
        if not isinstance(rc, Mapping):
            raise r.fail(cfield, "expected a mapping")
        cid = r.ident(rc, cfield, CHOICE_ID_PATTERN)
        if cid in seen:
            raise r.fail(f"{cfield}.id", f"duplicate choice id '{cid}'")
        seen.add(cid)
        synonyms = r.get(rc, "synonyms", cfield, list, required=False, default=[])
        for k, syn in enumerate(synonyms):
            if isinstance(syn, bool):
                raise r.fail(f"{cfield}.synonyms[{k}]", "YAML read this as true/false: put yes/no in quotes")
            if not isinstance(syn, (str, int)) or not str(syn).strip():
                raise r.fail(f"{cfield}.synonyms[{k}]", "expected a non-empty word or phrase")
        per_week = None
        if qtype == "frequency":
            pw = r.get(rc, "per_week", cfield, list)
            if (len(pw) != 2 or not isinstance(pw[0], (int, float)) or isinstance(pw[0], bool)
                    or not (pw[1] is None or isinstance(pw[1], (int, float)))):
                raise r.fail(f"{cfield}.per_week", "expected [low, high or null] days per week")
            per_week = (float(pw[0]), None if pw[1] is None else float(pw[1]))
        days = r.get(rc, "days", cfield, int, required=qtype == "last_use")
        choices.append(Choice(
            id=cid,
            label=r.text(rc, "label", cfield),
            synonyms=tuple(str(s).strip().lower() for s in synonyms),
            short=r.text(rc, "short", cfield, required=False),
            points=r.get(rc, "points", cfield, int, required=False),
            per_week=per_week,
            days=days,
            exclusive=bool(r.get(rc, "exclusive", cfield, bool, required=False, default=False)),
            kept_when_named=bool(r.get(rc, "kept_when_named", cfield, bool, required=False, default=False)),
        ))
    if qtype == "frequency":
        _check_partition(r, field, choices)
    return choices


def _check_partition(r: _Reader, field: str, choices: list[Choice]) -> None:
    """Frequency ranges must cover [0, infinity) without gaps or overlaps, in order."""
    expected_low = 0.0
    for j, choice in enumerate(choices):
        low, high = choice.per_week  # type: ignore[misc]
        if low != expected_low:
            raise r.fail(f"{field}.choices[{j}].per_week",
                         f"range must start at {expected_low:g}, not {low:g}")
        if high is None:
            if j != len(choices) - 1:
                raise r.fail(f"{field}.choices[{j}].per_week", "only the last range may be open-ended")
            return
        if high <= low:
            raise r.fail(f"{field}.choices[{j}].per_week", "high must be above low")
        expected_low = high
    raise r.fail(f"{field}.choices[{len(choices) - 1}].per_week", "the last range must be open-ended (null)")


# ---- criteria -------------------------------------------------------------------------------------
def load_criteria(path: Path | str | None = None, questionnaire: Questionnaire | None = None) -> CriteriaSet:
    """Load and validate the criteria (default ``data/screening/criteria.yml``).

    Conditions are checked against ``questionnaire`` when given; with the default path and no
    questionnaire, the default questionnaire is loaded for the check.
    """
    file = Path(path) if path is not None else DEFAULT_CRITERIA
    if questionnaire is None and path is None:
        questionnaire = load_questionnaire()
    r = _Reader(file)
    data = r.load()
    version = str(r.get(data, "version", "", (str, int, float)))
    bands = _bands(r, r.get(data, "bands", "", dict))
    known = {q.id: q for q in questionnaire} if questionnaire is not None else None
    instruments = ([i.id for i in questionnaire.instruments.values() if i.scored]
                   if questionnaire is not None else None)
    checker = ConditionChecker(r.file, known, instruments)
    raw_criteria = r.get(data, "criteria", "", list)
    if not raw_criteria:
        raise r.fail("criteria", "must list at least one criterion")
    criteria: list[Criterion] = []
    seen: set[str] = set()
    for i, raw in enumerate(raw_criteria):
        criterion = _criterion(r, raw, i, checker)
        if criterion.id in seen:
            raise r.fail(f"criteria[{i}:{criterion.id}].id", f"duplicate criterion id '{criterion.id}'")
        seen.add(criterion.id)
        criteria.append(criterion)
    return CriteriaSet(version, tuple(criteria), bands, str(file))


def _bands(r: _Reader, raw: Mapping[str, Any]) -> dict[str, BandText]:
    missing = [b for b in BANDS if b not in raw]
    if missing:
        raise r.fail("bands", f"missing bands {missing}")
    unknown = [b for b in raw if b not in BANDS]
    if unknown:
        raise r.fail("bands", f"unknown bands {unknown}, expected {list(BANDS)}")
    out = {}
    for band in BANDS:
        field = f"bands.{band}"
        entry = r.get(raw, band, "bands", dict)
        person = r.get(entry, "person", field, dict)
        texts = {"label": r.text(entry, "label", field), "web": r.text(person, "web", f"{field}.person"),
                 "sms": r.text(person, "sms", f"{field}.person")}
        for key, value in texts.items():
            for name in PLACEHOLDERS.findall(value):
                if name not in ALLOWED_PLACEHOLDERS:
                    raise r.fail(f"{field}.{key}", f"unknown placeholder {{{name}}}")
        out[band] = BandText(band, texts["label"], texts["web"], texts["sms"])
    return out


def _criterion(r: _Reader, raw: Any, i: int, checker: ConditionChecker) -> Criterion:
    field = f"criteria[{i}]"
    if not isinstance(raw, Mapping):
        raise r.fail(field, "expected a mapping")
    cid = r.ident(raw, field)
    field = f"criteria[{i}:{cid}]"
    area = r.get(raw, "area", field, str)
    if area not in AREAS:
        raise r.fail(f"{field}.area", f"unknown area '{area}', expected one of {list(AREAS)}")
    effect = r.get(raw, "effect", field, str)
    if effect not in EFFECTS:
        raise r.fail(f"{field}.effect", f"unknown effect '{effect}', expected one of {list(EFFECTS)}")
    allowed_risks, default_risk, band = EFFECT_RULES[effect]
    risk = r.get(raw, "risk", field, str, required=False, default=default_risk)
    if risk not in allowed_risks or (risk is not None and risk not in RISKS):
        raise r.fail(f"{field}.risk", f"effect {effect} allows risk {list(allowed_risks)}, not '{risk}'")
    if effect == "red_flag":
        band = RED_FLAG_BANDS.get(area)
        if band is None:
            raise r.fail(f"{field}.area", f"red flags belong to {sorted(RED_FLAG_BANDS)}, not '{area}'")
    condition = r.get(raw, "when", field, dict)
    checker.check(condition, f"{field}.when")
    sources = _sources(r, raw, field)
    conflict = bool(r.get(raw, "conflict", field, bool, required=False, default=False))
    if conflict and (effect != "caution" or len({s.file for s in sources}) < 2):
        raise r.fail(f"{field}.conflict", "a conflict needs effect caution and sources from two seed files")
    return Criterion(cid, area, effect, risk, band, condition, r.text(raw, "staff", field),
                     r.text(raw, "person", field), sources, conflict)


def _sources(r: _Reader, raw: Mapping[str, Any], field: str) -> tuple[Source, ...]:
    raw_sources = r.get(raw, "sources", field, list)
    if not raw_sources:
        raise r.fail(f"{field}.sources", "at least one source (seed file and quote) is required")
    out = []
    for j, rs in enumerate(raw_sources):
        sfield = f"{field}.sources[{j}]"
        file = r.get(rs, "file", sfield, str)
        if not SOURCE_FILE_PATTERN.match(file):
            raise r.fail(f"{sfield}.file", f"'{file}' is not a seed file name like 003_101b7585de3d740d.txt")
        quote = " ".join(r.get(rs, "quote", sfield, str).split())
        if not quote or len(quote) > 260:
            raise r.fail(f"{sfield}.quote", "a short exact quote (1-260 characters) is required")
        out.append(Source(file, quote))
    return tuple(out)


def verify_quotes(criteria: CriteriaSet, sources_dir: Path = SOURCES_DIR) -> list[str]:
    """Problems with source quotes: files missing from ``sources_dir`` or quotes not found verbatim.

    Whitespace is compared loosely (runs of spaces/newlines match one space); everything else exactly.
    """
    problems = []
    for criterion in criteria:
        for source in criterion.sources:
            path = sources_dir / source.file
            if not path.exists():
                problems.append(f"{criterion.id}: source file {source.file} not found in {sources_dir}")
                continue
            text = " ".join(path.read_text(encoding="utf-8").split())
            if source.quote not in text:
                problems.append(
                    f"{criterion.id}: quote not found verbatim in {source.file}: {source.quote!r}")
    return problems
