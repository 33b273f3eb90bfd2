"""Plain data objects of the screening: questions, questionnaire, criteria, reasons and results.

Answer values are plain JSON types so they fit in Rasa slots:

===============  =====================================================================
type             stored value
===============  =====================================================================
yes_no_unsure    ``"yes"`` / ``"no"`` / ``"unsure"``
single_choice    a choice id (str)
frequency        a choice id (str); each choice covers a range of days per week
multi_choice     a list of choice ids (list[str])
number           an int
last_use         an int: days since last use (0 = today); quick-reply choices carry a day count
free_text        a str
===============  =====================================================================

Any question may also hold ``"unclear"`` (asked twice without a usable answer); it counts as answered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping

from bot.screening.conditions import evaluate
from bot.screening.vocabulary import CHOICE_TYPES, UNCLEAR, URGENT_SAFETY, Band, Effect, QuestionType, Risk

# ASAM-style areas, in the order they are shown to staff.
AREAS: dict[str, str] = {
    "safety": "Safety",
    "withdrawal": "Withdrawal / detox (ASAM dimension 1)",
    "substances": "Substances",
    "medical": "Medical (ASAM dimension 2)",
    "mental_health": "Mental health (ASAM dimension 3)",
    "readiness": "Readiness to change (ASAM dimension 4)",
    "relapse": "Relapse / continued use (ASAM dimension 5)",
    "environment": "Recovery environment (ASAM dimension 6)",
    "continuum": "Continuum of care",
    "practical": "Practical fit",
    "information": "Information",
}

FOR_WHOM = ("self", "other")
CHANNELS = ("web", "sms")


@dataclass(frozen=True)
class Choice:
    """One answer option. ``synonyms`` are extra words/phrases the free-text parser accepts.

    ``per_week`` (frequency questions) is a half-open range ``[low, high)`` of days per week,
    ``high`` None meaning no upper bound; ``days`` (last_use questions) is the day count stored when the
    option is picked; ``points`` is the instrument score of the option; ``exclusive`` marks a "none"
    option that cannot be combined with others; ``kept_when_named`` (multi-choice) keeps the option when the
    reply names it, even if the example answers read the reply as another option (a risk said in passing:
    "my boyfriend drinks every night and we fight a lot" is someone using and not safe).
    """

    id: str
    label: str
    synonyms: tuple[str, ...] = ()
    short: str = ""
    points: int | None = None
    per_week: tuple[float, float | None] | None = None
    days: int | None = None
    exclusive: bool = False
    kept_when_named: bool = False
    translated: Mapping[str, tuple[str, str]] = field(default_factory=dict, hash=False, compare=False)

    @property
    def sms_label(self) -> str:
        return self.short or self.label

    def label_in(self, lang: str = "en") -> str:
        """The label in ``lang`` (English when there is no translation)."""
        return self.translated.get(lang, (self.label, self.short))[0]

    def sms_label_in(self, lang: str = "en") -> str:
        label, short = self.translated.get(lang, (self.label, self.short))
        return short or label


YES_NO_CHOICES = (
    Choice("yes", "Yes"),
    Choice("no", "No"),
    Choice("unsure", "Not sure", short="Not sure"),
)


# How the numbered options are offered on SMS, per language (questionnaire data: reply_formats).
REPLY_FORMATS_EN = {
    "choices": "Reply {options}.", "multi": "Reply with all numbers that apply (e.g. 1,3): {options}.",
    "last_use": "Reply {options}, or tell me when (e.g. 3 days ago).", "number": "Reply with a number.",
    "or": "or", "unsure_self": "you're not sure", "unsure_other": "you're not sure about them",
    "and": "and", "done": "Done",
}


@dataclass(frozen=True)
class Wording:
    """A question's words in one language (the questionnaire's own words are English)."""

    text: Mapping[str, str]  # for_whom -> web text
    sms: Mapping[str, str]  # for_whom -> short SMS text
    why: str
    understood: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    hints: tuple[str, ...] = ()
    formats: Mapping[str, str] = field(default_factory=lambda: dict(REPLY_FORMATS_EN))


@dataclass(frozen=True)
class Question:
    """One screening question. Use ``text()`` for the wording to show, ``why`` for "why do you ask?"."""

    id: str
    area: str
    type: QuestionType
    wording: Mapping[str, str] = field(hash=False)  # for_whom -> web text
    sms: Mapping[str, str] = field(hash=False)  # for_whom -> short SMS text (text() adds the options)
    why: str
    label: str  # short staff-facing label, e.g. "Last use"
    choices: tuple[Choice, ...] = ()
    ask_if: Mapping[str, Any] | None = field(default=None, hash=False)
    instrument: str | None = None
    # number questions: accepted range, scoring bands [(min, max, points)], phrase units ("six pack": 6)
    minimum: int | None = None
    maximum: int | None = None
    points_table: tuple[tuple[int, int | None, int], ...] = ()
    units: Mapping[str, int] = field(default_factory=dict, hash=False)
    # confirm-backs: value -> for_whom -> "you get sick or shaky when you stop" (yes / no questions)
    understood: Mapping[str, Mapping[str, str]] = field(default_factory=dict, hash=False)
    hints: tuple[str, ...] = ()  # two or three example answers, given when a reply was not understood
    translations: Mapping[str, Wording] = field(default_factory=dict, hash=False)  # lang -> words
    # yes / no questions about now or a recent window: a reply saying it is over ("since then no") is a no
    recent: bool = False

    def words(self, lang: str = "en") -> Wording:
        """The question's words in ``lang`` (English when there is no translation)."""
        found = self.translations.get(lang)
        if found is not None:
            return found
        return Wording(self.wording, self.sms, self.why, self.understood, self.hints)

    def text(self, for_whom: str = "self", channel: str = "web", lang: str = "en") -> str:
        """The question as shown to a person. ``for_whom``: "self" or "other" (someone they care about);
        ``channel``: "web" (full wording; choices are given as buttons) or "sms" (short wording followed by
        numbered options, e.g. "Reply 1 Yes, 2 No, 3 Not sure"); ``lang``: "en", "es" ..."""
        who = for_whom if for_whom in FOR_WHOM else "self"
        words = self.words(lang)
        if channel != "sms":
            return words.text[who]
        return f"{words.sms[who]} {self.sms_options(lang)}".strip()

    def why_in(self, lang: str = "en") -> str:
        return self.words(lang).why

    def hints_in(self, lang: str = "en") -> tuple[str, ...]:
        return self.words(lang).hints

    def sms_options(self, lang: str = "en") -> str:
        """The "Reply 1 …, 2 … or 3 …" line for SMS."""
        formats = self.words(lang).formats
        choices = self.choices
        if not choices:
            return formats["number"] if self.type == "number" else ""
        numbered = [f"{i} {c.sms_label_in(lang)}" for i, c in enumerate(choices, start=1)]
        listed = ", ".join(numbered[:-1]) + f" {formats['or']} {numbered[-1]}" if len(numbered) > 1 \
            else numbered[0]
        if self.type == "multi_choice":
            return formats["multi"].format(options=", ".join(numbered))
        if self.type == "last_use":
            return formats["last_use"].format(options=listed)
        return formats["choices"].format(options=listed)

    def understood_text(self, value: Any, for_whom: str = "self", lang: str = "en") -> str:
        """A stored value said back in words: "you get sick or shaky when you stop", or the choice labels
        in quotes ("\"Every day\""); used in "It sounds like ... - is that right?"."""
        who = for_whom if for_whom in FOR_WHOM else "self"
        words = self.words(lang)
        said = words.understood.get(str(value), {}).get(who)
        if said:
            return said
        if value == "unsure":
            return words.formats["unsure_self" if who == "self" else "unsure_other"]
        values = value if isinstance(value, list) else [value]
        return f" {words.formats['and']} ".join(f'"{self.display(v, lang)}"' for v in values)

    @property
    def exclusive_ids(self) -> frozenset[str]:
        """Choices that cannot be combined with others ("none of these")."""
        return frozenset(c.id for c in self.choices if c.exclusive)

    @property
    def kept_ids(self) -> frozenset[str]:
        """Choices kept whenever named (a risk said in passing)."""
        return frozenset(c.id for c in self.choices if c.kept_when_named)

    def get_choice(self, choice_id: str) -> Choice | None:
        for choice in self.choices:
            if choice.id == choice_id:
                return choice
        return None

    def allowed_values(self) -> set | None:
        """The set of valid stored string values, or None for number/last_use/free_text questions."""
        if self.type in ("yes_no_unsure",) + CHOICE_TYPES:
            return {c.id for c in self.choices}
        return None

    def check_value(self, value: Any) -> bool:
        """True when ``value`` is a well-formed stored answer for this question (``"unclear"`` included)."""
        if value == UNCLEAR:
            return True
        if self.type in ("yes_no_unsure", "single_choice", "frequency"):
            return isinstance(value, str) and value in self.allowed_values()
        if self.type == "multi_choice":
            ids = self.allowed_values()
            if not isinstance(value, list) or not value:
                return False
            if not all(isinstance(v, str) and v in ids for v in value):
                return False
            return len(value) == len(set(value)) and (len(value) == 1 or not self.exclusive_ids.intersection(value))
        if self.type in ("number", "last_use"):
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                return False
            low = self.minimum if self.minimum is not None else 0
            return value >= low and (self.maximum is None or value <= self.maximum)
        return isinstance(value, str) and bool(value.strip())

    def points_for(self, value: Any) -> int | None:
        """Instrument points for a stored answer (None when the answer carries no points)."""
        if value is None or value == UNCLEAR:
            return None
        if self.type == "number" and isinstance(value, int):
            for low, high, points in self.points_table:
                if value >= low and (high is None or value <= high):
                    return points
            return None
        if isinstance(value, str):
            choice = self.get_choice(value)
            return choice.points if choice else None
        return None

    def display(self, value: Any, lang: str = "en") -> str:
        """A stored answer in words, for summaries and confirmations (choice labels in ``lang``)."""
        if value is None:
            return "(not answered)"
        if value == UNCLEAR:
            return "(unclear after asking twice)"
        if isinstance(value, list):
            return ", ".join(self._choice_label(v, lang) for v in value)
        if self.type == "last_use" and isinstance(value, int):
            if value == 0:
                return "today"
            if value == 1:
                return "yesterday / 1 day ago"
            return f"about {value} days ago"
        if self.type == "number":
            return str(value)
        if isinstance(value, str):
            return self._choice_label(value, lang)
        return str(value)

    def _choice_label(self, value: str, lang: str = "en") -> str:
        choice = self.get_choice(value)
        return choice.label_in(lang) if choice else value


@dataclass(frozen=True)
class Instrument:
    """A structured screening instrument (AUDIT-C, PHQ-2, C-SSRS screener) made of questions."""

    id: str
    name: str
    attribution: str
    items: tuple[str, ...]
    max_score: int | None = None
    note: str = ""  # how staff should read the score (never a diagnosis)
    scored: bool = True  # False: the items are used one by one (C-SSRS triage), no total


@dataclass(frozen=True)
class InstrumentScore:
    """``value`` counts the items answered so far; ``complete`` is False while applicable items are open."""

    instrument: str
    value: int
    max_score: int | None
    complete: bool
    answered_items: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"instrument": self.instrument, "score": self.value, "max": self.max_score,
                "complete": self.complete, "answered_items": list(self.answered_items)}


def normalize_value(question: Question, value: Any) -> Any:
    """Coerce slot-ish values (floats, tuples) to the stored form; anything invalid becomes ``"unclear"``.

    An invalid value is treated as unclear rather than dropped, so a broken safety answer is never
    silently ignored.
    """
    if isinstance(value, float) and value.is_integer() and question.type in ("number", "last_use"):
        value = int(value)
    if isinstance(value, tuple):
        value = list(value)
    if isinstance(value, list) and question.type == "multi_choice":
        value = list(dict.fromkeys(value))
    return value if question.check_value(value) else UNCLEAR


@dataclass(frozen=True)
class Questionnaire:
    """The ordered questions with their skip logic (``ask_if``) and instruments.

    ``answers`` everywhere is a mapping of question id -> stored value (see module docs). Answers to
    questions that are not applicable (e.g. left over after an earlier answer changed) are ignored.
    """

    version: str
    questions: tuple[Question, ...]
    instruments: Mapping[str, Instrument] = field(hash=False)
    source_file: str = ""

    def __iter__(self) -> Iterator[Question]:
        return iter(self.questions)

    def __len__(self) -> int:
        return len(self.questions)

    def __getitem__(self, qid: str) -> Question:
        found = self.get(qid)
        if found is None:
            raise KeyError(qid)
        return found

    def get(self, qid: str) -> Question | None:
        """The question with id ``qid``, or None."""
        for question in self.questions:
            if question.id == qid:
                return question
        return None

    # ---- skip logic --------------------------------------------------------------------------------
    def walk(self, answers: Mapping[str, Any]) -> tuple[list[Question], dict[str, Any]]:
        """(applicable questions in order, effective answers: normalized answers to applicable questions)."""
        answers = answers or {}
        applicable: list[Question] = []
        effective: dict[str, Any] = {}
        reached: set[str] = set()
        for question in self.questions:
            if question.ask_if is None or evaluate(
                question.ask_if, effective, lambda name: self._lookup(name, effective, applicable, reached)
            ):
                applicable.append(question)
                raw = answers.get(question.id)
                if raw is not None:
                    effective[question.id] = normalize_value(question, raw)
            reached.add(question.id)
        return applicable, effective

    def applicable(self, answers: Mapping[str, Any]) -> list[Question]:
        """Questions that apply given ``answers`` (skip logic honoured), in order."""
        return self.walk(answers)[0]

    def is_applicable(self, qid: str, answers: Mapping[str, Any]) -> bool:
        """True when question ``qid`` applies given ``answers``."""
        return any(q.id == qid for q in self.applicable(answers))

    def effective_answers(self, answers: Mapping[str, Any]) -> dict[str, Any]:
        """Answers to applicable questions only, normalized (invalid values become "unclear")."""
        return self.walk(answers)[1]

    def next_question(self, answers: Mapping[str, Any]) -> Question | None:
        """The first applicable question without an answer, or None when the screening is complete.

        ``"unclear"`` counts as an answer."""
        applicable, effective = self.walk(answers)
        for question in applicable:
            if question.id not in effective:
                return question
        return None

    def unanswered(self, answers: Mapping[str, Any]) -> list[str]:
        applicable, effective = self.walk(answers)
        return [q.id for q in applicable if q.id not in effective]

    # ---- instruments -------------------------------------------------------------------------------
    def scores(self, answers: Mapping[str, Any]) -> dict[str, InstrumentScore]:
        """Scores of every instrument with at least one answered item."""
        applicable, effective = self.walk(answers)
        reached = {q.id for q in self.questions}
        out = {}
        for name, instrument in self.instruments.items():
            if not instrument.scored:
                continue
            score = self._score(name, effective, applicable, reached)
            if score is not None:
                out[name] = score
        return out

    def _lookup(self, name: str, effective: Mapping[str, Any], applicable: list[Question],
                reached: set[str]) -> tuple[int, bool] | None:
        score = self._score(name, effective, applicable, reached)
        return None if score is None else (score.value, score.complete)

    def _score(self, name: str, effective: Mapping[str, Any], applicable: list[Question],
               reached: set[str]) -> InstrumentScore | None:
        instrument = self.instruments[name]
        applicable_ids = {q.id for q in applicable}
        total, complete, answered = 0, True, []
        for item in instrument.items:
            question = self.get(item)
            value = effective.get(item)
            points = question.points_for(value) if question is not None else None
            if points is not None:
                total += points
                answered.append(item)
            elif item in applicable_ids or item not in reached:
                complete = False
        if not answered:
            return None
        return InstrumentScore(name, total, instrument.max_score, complete, tuple(answered))


@dataclass(frozen=True)
class Source:
    """A seed document and an exact quote from it."""

    file: str
    quote: str

    def to_dict(self) -> dict[str, str]:
        return {"file": self.file, "quote": self.quote}


@dataclass(frozen=True)
class Criterion:
    """One rule: when ``condition`` holds, ``effect`` applies to ``area`` with ``risk``.

    Effects: ``red_flag`` (high risk; band urgent_safety or detox_first), ``step_up`` (high risk; a more
    intensive level), ``caution`` (moderate; a clinician should review), ``supports_iop`` (evidence for
    IOP: risk ``moderate`` = a need IOP serves, ``low`` = a fit factor), ``lower_level`` (low need;
    standard outpatient may be enough) and ``information`` (no effect on the band).
    ``conflict`` marks criteria where seeds disagree; those always route to clinician review.
    """

    id: str
    area: str
    effect: Effect
    risk: Risk | None
    band: Band | None
    condition: Mapping[str, Any] = field(hash=False)
    staff: str
    person: str
    sources: tuple[Source, ...]
    conflict: bool = False


@dataclass(frozen=True)
class BandText:
    """Label and person-facing texts of a result band (``{crisis_line}``/``{emergency_number}`` allowed)."""

    id: str
    label: str
    web: str
    sms: str


@dataclass(frozen=True)
class CriteriaSet:
    version: str
    criteria: tuple[Criterion, ...]
    bands: Mapping[str, BandText] = field(hash=False)
    source_file: str = ""

    def __iter__(self) -> Iterator[Criterion]:
        return iter(self.criteria)

    def __len__(self) -> int:
        return len(self.criteria)

    def get(self, criterion_id: str) -> Criterion | None:
        for criterion in self.criteria:
            if criterion.id == criterion_id:
                return criterion
        return None


@dataclass(frozen=True)
class Reason:
    """Why a result came out as it did: one fired criterion, the answers it read, and its sources."""

    criterion_id: str
    effect: Effect
    area: str
    risk: Risk | None
    staff_text: str
    person_text: str
    sources: tuple[Source, ...]
    answers: Mapping[str, Any] = field(hash=False)
    conflict: bool = False

    @property
    def source_file(self) -> str:
        """Seed file name(s); several are joined with "; "."""
        return "; ".join(dict.fromkeys(s.file for s in self.sources))

    @property
    def source_quote(self) -> str:
        """The exact quote(s), each in double quotes, joined with " / "."""
        return " / ".join(f"\u201c{s.quote}\u201d" for s in self.sources)

    def to_dict(self) -> dict[str, Any]:
        return {
            "criterion_id": self.criterion_id,
            "effect": self.effect,
            "area": self.area,
            "risk": self.risk,
            "staff_text": self.staff_text,
            "person_text": self.person_text,
            "source_file": self.source_file,
            "source_quote": self.source_quote,
            "sources": [s.to_dict() for s in self.sources],
            "conflict": self.conflict,
            "answers": dict(self.answers),
        }


@dataclass(frozen=True)
class ScreeningResult:
    """The outcome of ``score()``.

    ``band`` is one of ``BANDS`` (a plain str typed ``Band``), ``area_risks`` maps every area in ``AREAS`` to
    "low" | "moderate" | "high", ``reasons`` lists every fired criterion (most severe effect first),
    ``red_flags`` the reasons with effect ``red_flag``.
    """

    band: Band
    band_label: str
    area_risks: Mapping[str, Risk] = field(hash=False)
    reasons: tuple[Reason, ...]
    criteria_version: str
    questionnaire_version: str
    scores: Mapping[str, InstrumentScore] = field(hash=False)
    complete: bool
    unanswered: tuple[str, ...]
    unclear: tuple[str, ...]
    answered_count: int
    band_text: BandText | None = None  # person-facing texts of the band, from criteria.yml

    @property
    def red_flags(self) -> list[Reason]:
        return [r for r in self.reasons if r.effect == "red_flag"]

    @property
    def urgent(self) -> bool:
        return self.band == URGENT_SAFETY

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form (for storage and the ``screening_result`` slot)."""
        return {
            "band": self.band,
            "band_label": self.band_label,
            "area_risks": dict(self.area_risks),
            "reasons": [r.to_dict() for r in self.reasons],
            "red_flags": [r.to_dict() for r in self.red_flags],
            "criteria_version": self.criteria_version,
            "questionnaire_version": self.questionnaire_version,
            "scores": {k: v.to_dict() for k, v in self.scores.items()},
            "complete": self.complete,
            "unanswered": list(self.unanswered),
            "unclear": list(self.unclear),
            "answered_count": self.answered_count,
        }
