"""Guard against diagnostic or labelling language in anything the screening writes.

The screening may say what answers *suggest discussing*; it never names a condition a person "has".
``find_diagnostic_language(text)`` returns the offending phrases (empty list when the text is fine).
The required notice ("This is not medical advice or a diagnosis") is allowed and removed before checking.
"""

from __future__ import annotations

import re

DISCLAIMER = (
    "This is not medical advice or a diagnosis, and this chat is not for emergencies. "
    "A clinician will help decide what care fits best."
)
DISCLAIMER_SHORT = "This is not medical advice or a diagnosis. Not for emergencies."

# The notice itself names "diagnosis" in the negative; those phrasings are allowed.
_ALLOWED = re.compile(
    r"\b(?:is |are |it's |it is )?not (?:medical advice(?:,)? (?:or|nor) )?an? diagnos(?:is|es)\b"
    r"|\bnot (?:a )?diagnos(?:tic|is|e)\b|\bnever (?:a )?diagnos(?:is|tic)\b|\bno diagnos(?:is|es)\b"
    r"|\bni (?:un|una) diagn[oó]stico\b|\bno es (?:un|una) diagn[oó]stico\b|\bnunca (?:un|una|es un) diagn[oó]stico\b"
    r"|\bsin diagn[oó]stico\b|\bno (?:hace|da) (?:un )?diagn[oó]stico\b"
    r"|\balcoh[oó]licos an[oó]nimos\b|\bnarc[oó]ticos an[oó]nimos\b|\balcoholics anonymous\b",  # group names
    re.I,
)

_FORBIDDEN = [
    # "you have ..." as a statement; questions ("do you have", "did you have") are fine.
    (re.compile(r"(?<!\bdo )(?<!\bdid )(?<!\bwhen )(?<!\bif )\byou have\b", re.I), "you have"),
    (re.compile(r"\byou(?:'ve| have) got\b", re.I), "you've got"),
    (re.compile(r"\b(?:you|they|he|she)(?:'re| are| is)? an? (?:addict|alcoholic|junkie|abuser)", re.I),
     "labelling a person"),
    (re.compile(r"addict", re.I), "addict"),
    (re.compile(r"diagnos", re.I), "diagnos…"),
    (re.compile(r"\bsuffer(?:s|ing)? from\b", re.I), "suffer from"),
    (re.compile(r"\byou suffer\b", re.I), "you suffer"),
    (re.compile(r"\balcoholics?\b", re.I), "alcoholic"),
    (re.compile(r"\bjunkies?\b", re.I), "junkie"),
    (re.compile(r"\b(?:drug|substance|alcohol) abusers?\b", re.I), "abuser"),
    (re.compile(r"\bdruggies?\b", re.I), "druggie"),
    # Spanish
    (re.compile(r"\busted (?:tiene|padece|sufre)\b", re.I), "usted tiene / padece"),
    (re.compile(r"\b(?:es|eres|son) (?:un|una)? ?(?:adict[oa]|alcoh[oó]lic[oa]|drogadict[oa]|vicios[oa])", re.I),
     "es un adicto / alcohólico"),
    (re.compile(r"\b(?:drogadict|adict[oa]s?\b|alcoh[oó]lic[oa]s?\b)", re.I), "adicto / alcohólico"),
    (re.compile(r"diagn[oó]stic", re.I), "diagnóstico"),
    (re.compile(r"\bpadec(?:e|er|iendo)\b", re.I), "padece"),
]


def find_diagnostic_language(text: str) -> list[str]:
    """Return the diagnostic/labelling phrases found in ``text`` (the allowed notice is ignored)."""
    cleaned = _ALLOWED.sub(" ", text or "")
    return [name for pattern, name in _FORBIDDEN if pattern.search(cleaned)]
