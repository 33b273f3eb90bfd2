"""The screening's fixed words, each defined once: result bands, criterion effects, risks, question types and
the status of a parsed answer. Types are ``Literal``s (values stay plain strings in slots, JSON and the database);
each tuple lists the values in their meaningful order and is derived from its type.
"""

from __future__ import annotations

from typing import Literal, get_args

from bot.text.replies import YesNo

# Result bands, most urgent first.
Band = Literal["urgent_safety", "detox_first", "more_intensive", "iop_review", "iop_good_fit",
               "standard_outpatient"]
BANDS: tuple[Band, ...] = get_args(Band)
URGENT_SAFETY: Band = "urgent_safety"
DETOX_FIRST: Band = "detox_first"
MORE_INTENSIVE: Band = "more_intensive"
IOP_REVIEW: Band = "iop_review"
IOP_GOOD_FIT: Band = "iop_good_fit"
STANDARD_OUTPATIENT: Band = "standard_outpatient"
# Bands that point above IOP or call for a clinician's look (their summaries lead with the risks).
CONCERN_BANDS: tuple[Band, ...] = (URGENT_SAFETY, DETOX_FIRST, MORE_INTENSIVE, IOP_REVIEW)

# What a criterion does when it fires, most severe first (the order reasons are listed in).
Effect = Literal["red_flag", "step_up", "caution", "supports_iop", "lower_level", "information"]
EFFECTS: tuple[Effect, ...] = get_args(Effect)

Risk = Literal["low", "moderate", "high"]
RISKS: tuple[Risk, ...] = get_args(Risk)

QuestionType = Literal["yes_no_unsure", "single_choice", "multi_choice", "frequency", "number", "free_text",
                       "last_use"]
QUESTION_TYPES: tuple[QuestionType, ...] = get_args(QuestionType)
CHOICE_TYPES: tuple[QuestionType, ...] = ("single_choice", "multi_choice", "frequency")

YES_NO_VALUES: tuple[YesNo, ...] = get_args(YesNo)

# A parsed answer is "ok" (a value to store) or "unclear"; "unclear" is also the stored answer of a question
# asked twice without a usable reply (it counts as answered).
Status = Literal["ok", "unclear"]
OK: Status = "ok"
UNCLEAR: Status = "unclear"
