"""The screening core: questionnaire, answer parsing, scoring and summaries. Plain Python + PyYAML.

Typical use (what the Rasa actions do)::

    from bot.screening import load_questionnaire, load_criteria, parse_answer, score, person_message

    questionnaire, criteria = load_questionnaire(), load_criteria()   # read data/screening/*.yml
    answers = {}                                                        # question id -> stored value
    question = questionnaire.next_question(answers)                     # None when finished
    parsed = parse_answer(question, "yeah, most days")                  # ParsedAnswer(status, value)
    answers[question.id] = parsed.value if parsed.ok else UNCLEAR                # after asking twice
    result = score(answers, questionnaire, criteria)                    # ScreeningResult
    result.band, result.reasons, result.red_flags, result.to_dict()
    summary = build_summary(result, answers, questionnaire, for_whom="self", contact=None, channel="web")
    staff_text(summary); person_message(result, channel="sms")

Nothing is read or computed at import time.
"""

from bot.screening.errors import ScreeningDataError
from bot.screening.explain import explain_table
from bot.screening.language import DISCLAIMER, DISCLAIMER_SHORT, find_diagnostic_language
from bot.screening.loader import load_criteria, load_questionnaire, verify_quotes
from bot.screening.model import (
    AREAS,
    BandText,
    Choice,
    CriteriaSet,
    Criterion,
    Instrument,
    InstrumentScore,
    Question,
    Questionnaire,
    Reason,
    ScreeningResult,
    Source,
)
from bot.screening.parsers import ParsedAnswer, exact_choice, parse_answer
from bot.screening.scoring import score
from bot.screening.summary import build_summary, person_message, staff_text
from bot.screening.vocabulary import BANDS

__all__ = [
    "AREAS",
    "BANDS",
    "DISCLAIMER",
    "DISCLAIMER_SHORT",
    "BandText",
    "Choice",
    "CriteriaSet",
    "Criterion",
    "Instrument",
    "InstrumentScore",
    "ParsedAnswer",
    "Question",
    "Questionnaire",
    "Reason",
    "ScreeningDataError",
    "ScreeningResult",
    "Source",
    "build_summary",
    "exact_choice",
    "explain_table",
    "find_diagnostic_language",
    "load_criteria",
    "load_questionnaire",
    "parse_answer",
    "person_message",
    "score",
    "staff_text",
    "verify_quotes",
]
