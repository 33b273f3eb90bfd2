"""Free-text answer parsers: turn what a person typed into a stored answer value, or say "unclear".

``parse_answer(question, text)`` returns ``ParsedAnswer(status, value)``: status ``"ok"`` with a value
ready to store (see ``bot.screening.model`` for the value of each question type) or ``"unclear"`` with
value None. Nothing is guessed: hedged, contradictory or unrelated text is unclear, except that
knowledge hedges on yes/no questions ("not sure", "idk", "maybe") are the answer ``"unsure"``.

Supported, by question type:

* yes_no_unsure — "yeah", "ya", "yes I do", "kinda" (a partial yes), "nope", "nah", "not really",
  "absolutely not", "I don't think so", "idk", "not sure" …; or the option number ("1", "2", "3").
* single_choice — option number ("2", "#2", "option two"), the label, or any synonym in the data.
* multi_choice — "1, 3", "1 and 3", "alcohol and oxy", "weed, xans"; a "none" option only alone.
* frequency — "every day", "a few times a week", "2-3x/wk", "once a month", "weekends", "most days",
  "twice a month", "never" … mapped to the option whose days-per-week range contains the rate.
* number — digits or words ("twelve", "twenty-one", "a couple"), ranges ("3-4" -> 4, the higher),
  units from the data ("a six pack" -> 6, "two bottles of wine" -> 10).
* last_use — "today", "last night", "3 days ago", "a week ago", "clean 6 months", "sober for 2 years",
  "since March", "since March 3rd", "on Saturday" -> days since last use (``today`` sets the date).
* free_text — any non-empty text (trimmed to 500 characters).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import Any

from bot.screening.model import Choice, Question
from bot.screening.vocabulary import OK, UNCLEAR, Status
from bot.text.normalise import answer_form
from bot.text.replies import double_negative_yes, leads_with_dont_know, option_number, polarity_only, yes_no_value

MAX_FREE_TEXT = 500


@dataclass(frozen=True)
class ParsedAnswer:
    """``status`` is "ok" or "unclear"; ``value`` is the value to store (None when unclear).

    ``strong`` is False when the value rests on a word inside a longer description ("i havent showered in a
    week" holds a "not" but is no "no"): the example answers then decide (``bot.screening.reading``).
    """

    status: Status
    value: Any = None
    strong: bool = True

    @property
    def ok(self) -> bool:
        return self.status == OK


def _unclear() -> ParsedAnswer:
    return ParsedAnswer(UNCLEAR, None)


# ---- number words (the text itself is put in its answer form by bot.text.normalise) -------------------
_NUMBER_WORDS = {
    "zero": 0, "none": 0, "one": 1, "a single": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90, "hundred": 100, "a dozen": 12, "dozen": 12, "half a dozen": 6,
}
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
             "eighth": 8, "ninth": 9, "last": -1}
_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_UNITS_1_9 = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def _numberize(text: str) -> str:
    """Replace number words with digits: "twenty one" -> "21", "a couple of" -> "2", "a few" -> "3"."""
    def tens(match: re.Match) -> str:
        return str(_NUMBER_WORDS[match.group(1)] + _NUMBER_WORDS[match.group(2)])

    text = re.sub(rf"\b({'|'.join(_TENS)})[ -]({'|'.join(_UNITS_1_9)})\b", tens, text)
    text = re.sub(r"\ba couple(?: of)?\b|\bcouple(?: of)?\b", "2", text)
    text = re.sub(r"\b(?:a few|few)\b", "3", text)
    text = re.sub(r"\bseveral\b", "4", text)
    text = re.sub(r"\b(?:once)\b", "1 times", text)
    text = re.sub(r"\b(?:twice)\b", "2 times", text)
    text = re.sub(r"\bthrice\b", "3 times", text)
    for word in sorted(_NUMBER_WORDS, key=len, reverse=True):
        if word == "none":
            continue
        text = re.sub(rf"\b{word}\b", str(_NUMBER_WORDS[word]), text)
    return re.sub(r"\b(\d+) times? or (\d+) times?\b", r"\1-\2 times", text)


def _durations(text: str) -> str:
    """Duration words for last use: "a week ago" -> "1 week ago", "a year and a half" -> "1.5 year"."""
    text = re.sub(r"\b(?:an|a|one)\s+(day|week|month|year|hour|night)(s?) (?:and|n|&) a half\b", r"1.5 \1\2", text)
    text = re.sub(r"\b(\d+) (day|week|month|year|hour)(s?) (?:and|n|&) a half\b", r"\1.5 \2\3", text)
    # Spanish "mes y medio", "2 años y medio" (the unit already in English)
    text = re.sub(r"\b(\d+) (day|week|month|year)(s?) y medi[oa]\b", r"\1.5 \2\3", text)
    text = re.sub(r"\b(?:(?:un|una|a|one) )?(day|week|month|year) y medi[oa]\b", r"1.5 \1", text)
    text = re.sub(r"\b(?:half (?:a|an)|medio|media) (year|month|week|day)\b", r"0.5 \1", text)
    return re.sub(r"\b(?:an|a)\s+(?=(?:day|week|month|year|hour|night|weekend)s?\b)", "1 ", text)


# ---- option numbers ------------------------------------------------------------------------------
def _option_index(words: str, choices: tuple[Choice, ...]) -> int | None:
    """The 0-based choice index when the whole reply is an option number ("2", "#2", "option two")."""
    text = _numberize(words)
    number = None if "times" in text else option_number(text)
    ordinal = re.fullmatch(r"(?:the )?(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|last)"
                           r"(?: one| option)?", words.strip())
    if number is not None:
        index = number - 1
    elif ordinal:
        index = _ORDINALS[ordinal.group(1)]
        index = len(choices) - 1 if index == -1 else index - 1
    else:
        return None
    return index if 0 <= index < len(choices) else -1


_LIST_OF_NUMBERS = re.compile(r"^(?:\d{1,2})(?:\s*(?:,|and|&|\+|/|or|;|\s)\s*\d{1,2})*$")


# ---- phrase matching ----------------------------------------------------------------------------
@functools.lru_cache(maxsize=256)
def _choice_phrases(choices: tuple[Choice, ...]) -> tuple[tuple[str, str, bool], ...]:
    """(normalized phrase, choice id, weak) for labels, ids and synonyms; longest first.

    Synonyms written with a leading "~" are weak: generic words such as "yes" that only count when no
    specific phrase matched ("yes, evenings" picks the evening option, "yes" alone the generic one)."""
    phrases: set[tuple[str, str, bool]] = set()
    for choice in choices:
        candidates = [(choice.label, False), (choice.id.replace("_", " "), False), (choice.short, False)]
        candidates += [(syn.lstrip("~"), syn.startswith("~")) for syn in choice.synonyms]
        for candidate, is_weak in candidates:
            phrase = answer_form(str(candidate))
            if phrase:
                phrases.add((phrase, choice.id, is_weak))
    return tuple(sorted(phrases, key=lambda p: (-len(p[0]), p[0], p[1])))


def _match_choices(question: Question, words: str) -> list[str]:
    """Choice ids whose phrases occur in ``words``; longest phrases win overlaps. In choice order."""
    return _choice_hits(question, words)[0]


def _choice_hits(question: Question, words: str) -> tuple[list[str], float]:
    """(choice ids found, share of the reply's characters the matched phrases cover)."""
    padded = f" {words} "
    taken = [False] * len(padded)
    strong: set[str] = set()
    weak: set[str] = set()
    for phrase, cid, is_weak in _choice_phrases(question.choices):
        start = 0
        needle = f" {phrase} "
        while True:
            pos = padded.find(needle, start)
            if pos < 0:
                break
            span = range(pos + 1, pos + 1 + len(phrase))
            if not any(taken[i] for i in span):
                for i in span:
                    taken[i] = True
                after = pos + 1 + len(phrase)
                if not _negated_before(padded[:pos], phrase) and not _NEGATED_AFTER.match(padded, after):
                    (weak if is_weak else strong).add(cid)
            start = pos + 1
    found = strong or weak
    letters = sum(ch != " " for ch in words) or 1
    covered = sum(1 for i, ch in enumerate(padded) if taken[i] and ch != " ")
    return [c.id for c in question.choices if c.id in found], covered / letters


# a negation reaches two words on, not past a "but" ("voces no ni nada de eso, pero depresion si")
_NEGATION_CUE = re.compile(r"\b(?:not|never|without|nobody|no one|nadie|nunca|sin|ni)"
                           r"(?! (?:sure|only|just|stop|quit|mind|even)\b)(?: (?!but\b|pero\b)\w+){0,2}\s*$")
_NEGATIVE_PHRASE = re.compile(r"^(?:not|no|never|none|nobody|nothing|without|un)\b")


# Spanish puts the no after what it denies: "voces no, pero depresion si", "mota no y perico si"
_NEGATED_AFTER = re.compile(r" no(?:\s*$| (?:ni|pero|none)\b)")


def _negated_before(before: str, phrase: str) -> bool:
    """"not weed", "i do not use daily": a choice phrase right after a negation (within two words)."""
    return bool(_NEGATION_CUE.search(before)) and not _NEGATIVE_PHRASE.match(phrase)


def _one_choice(question: Question, words: str) -> ParsedAnswer:
    """The single choice a reply names by its words; strong when those words are most of the reply."""
    found, coverage = _choice_hits(question, words)
    if len(found) != 1:
        return _unclear()
    return ParsedAnswer(OK, found[0], strong=coverage >= 0.5)


@functools.lru_cache(maxsize=256)
def _exact_phrases(choices: tuple[Choice, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for choice in choices:
        for candidate in (choice.label, choice.short, choice.id, choice.id.replace("_", " ")):
            phrase = answer_form(candidate) if candidate else ""
            if phrase:
                out.setdefault(phrase, choice.id)
    return out


def _exact_choice(question: Question, words: str) -> str | None:
    """A reply that is exactly a label, short label or id (e.g. a button payload)."""
    return _exact_phrases(question.choices).get(words)


def _whole_reply_choice(question: Question, words: str) -> str | None:
    """The choice a whole reply names (label, short label, id or option number); "" for a missing option."""
    exact = _exact_choice(question, words)
    if exact is not None:
        return exact
    index = _option_index(words, question.choices)
    if index is None:
        return None
    return "" if index < 0 else question.choices[index].id


def whole_reply_choice_value(question: Question, words: str) -> Any:
    """The stored value when the whole (normalised) reply names choices (a label, an option number, or for a
    choose-all question a list of numbers: "1 and 6"); "" for an option number that does not exist."""
    if not question.choices:
        return None
    words = answer_form(words)
    if question.type == "multi_choice" and _LIST_OF_NUMBERS.match(_numberize(words)):
        parsed = _parse_multi(question, words)
        return parsed.value if parsed.ok else ""
    choice = _whole_reply_choice(question, words)
    if not choice:
        return choice
    parsed = _choice_value(question, choice)
    return parsed.value if parsed.ok else ""


def exact_choice(question: Question, text: str) -> str | None:
    """The choice id when the whole reply is one choice's label, short label, id or option number.

    Used to tell "Not now, but interested" (an offered choice) from "not now" (a wish to stop).
    """
    if not question.choices or not isinstance(text, str):
        return None
    words = answer_form(text[:2000])
    return (_whole_reply_choice(question, words) or None) if words else None


# ---- yes / no / unsure (words read by bot.text.replies) ------------------------------------------
def parse_yes_no(text: str) -> ParsedAnswer:
    """"yes" / "no" / "unsure" from free text, else unclear.

    The reading is ``strong`` when the reply is a yes/no/unsure phrase ("nope", "not that i know of",
    "yes a lot") or starts with a bare yes or no ("no i can stop whenever"); a polarity word inside a
    description ("i havent showered in a week") gives a weak reading for the example answers to weigh."""
    words = answer_form(text)
    if not words:
        return _unclear()
    # "not sure what counts, i cut back sometimes", "no sé... creo que no": a reply that opens with not knowing
    # is a not-sure answer, whatever guess follows
    if leads_with_dont_know(words):
        return ParsedAnswer(OK, "unsure", strong=True)
    value = yes_no_value(words)
    if value is None:
        return _unclear()
    strong = polarity_only(words) or (value == "yes" and double_negative_yes(words))
    return ParsedAnswer(OK, value, strong=strong)


# ---- frequency ----------------------------------------------------------------------------------
_PER_WEEK = {"day": 7.0, "night": 7.0, "week": 1.0, "weekend": 1.0, "month": 1 / 4.345, "year": 1 / 52.0}
_NUM = r"(\d+(?:\.\d+)?)"
_RANGE = rf"{_NUM}(?:\s*(?:-|or|to)\s*{_NUM})?"


def _mean(a: str, b: str | None) -> float:
    return (float(a) + float(b)) / 2 if b else float(a)


def days_per_week(text: str) -> float | None:
    """How many days a week something happens, from free text; None when unclear. Capped at 7."""
    words = _numberize(answer_form(text))
    if not words:
        return None
    # "i dont use daily, only fridays": a negated rate is not the rate
    words = re.sub(r"\b(?:do not|does not|not|never|no)(?: \w+)? (?:every day|everyday|daily|all the time|"
                   r"every night|weekends?|the weekends?)\b", " ", words).strip()
    said_never = re.search(r"\b(?:never|not at all|none|0 times|zero|no|nope|nah|not once|do not|does not)\b",
                           words)
    if said_never and not re.search(r"\b(?:every|daily|times|week|weekends?|month|day|almost never|hardly|"
                                    r"(?:mon|tues|wednes|thurs|fri|satur|sun)days?)\b", words):
        return 0.0
    if re.search(r"\b(?:rarely|hardly ever|almost never|seldom|barely ever|very rarely|not often|"
                 r"hardly|once in a blue moon)\b", words):
        return 0.1
    fixed = [
        (r"\b(?:almost every day|nearly every day|almost daily|nearly daily|most days|most nights|"
         r"most of the week|almost every night|nearly every night|5 or more days)\b", 5.0),
        (r"\b(?:multiple|many|several|lots of|a bunch of) times (?:a|per|each) day\b|24 / 7|24/7", 7.0),
        (r"\b(?:all day every day|every single day|every day|everyday|daily|each day|every night|nightly|"
         r"all the time|constantly|7 days a week|24 7|non stop|nonstop|around the clock|"
         r"pretty much every day|basically every day)\b", 7.0),
        (r"\bevery other day\b", 3.5),
        (r"\bevery 3 days\b", 7 / 3),
        (r"\bevery 2 days\b", 3.5),
        (r"\bevery 3 weeks\b", 1 / 3),
        (r"\bevery other week(?:end)?\b|\bevery 2 weeks\b|\bbiweekly\b", 0.5),
        (r"\b(?:most weekends)\b", 1.5),
        (r"\b(?:every weekend|weekends|on weekends|on the weekend|the weekends|weekend|fridays and saturdays|"
         r"friday and saturday)\b", 2.0),
        (r"\b(?:weekly|every week|each week)\b", 1.0),
        (r"\b(?:monthly|every month|each month)\b", 1 / 4.345),
        (r"\b(?:yearly|every year|annually|each year)\b", 1 / 52.0),
        (r"\b(?:special occasions|holidays|on holidays|birthdays|once in a while at parties|thanksgiving|"
         r"christmas|new years? eve|fourth of july|4 of july|accion de gracias|navidad|ano nuevo)\b", 0.1),
    ]
    said_last = re.search(r"\bdays? (?:a|per|each) week\b.*\b(?:like|about|maybe|so|prolly) ([1-7])\s*$", words)
    if said_last:  # "a few days a week, like 5": the number said last is the answer
        return float(said_last.group(1))
    # explicit counts: "3 times a week", "2-3 times per month", "4 days a week", "3 nights a week"
    count = re.search(
        rf"{_RANGE}\s*(?:or more\s*|or less\s*|\+\s*)?(?:times?|days?|nights?|x)?\s*"
        r"(?:a|an|per|each|every|in a|in the|/|out of the|of the|all|this|last|the whole|whole|the last)\s*"
        r"(day|night|week|weekend|month|year)\b",
        words,
    )
    if count:
        rate = _mean(count.group(1), count.group(2))
        unit = count.group(3)
        if unit in ("day", "night"):
            return 7.0 if rate >= 1 else min(7.0, rate * 7)
        return min(7.0, rate * _PER_WEEK[unit])
    every_n = re.search(rf"\bevery {_NUM} (day|week|month)s?\b", words)
    if every_n:
        gap = float(every_n.group(1))
        if gap > 0:
            per = {"day": 7.0, "week": 1.0, "month": 1 / 4.345}[every_n.group(2)]
            return min(7.0, per / gap)
    out_of = re.search(r"\b(\d) days? (?:out of|outta|of) 7\b", words)
    if out_of:
        return float(out_of.group(1))
    span = _weekday_span(words)
    if span is not None:
        return span
    but = _EVERY_DAY_BUT.search(words)
    if but:  # "every day but sunday", "diario menos los domingos" -> 6
        off = but.group(1)
        return max(1.0, 7.0 - (_weekdays_per_week(off) or 0.0) - (2.0 if re.search(r"\bweekends?\b", off) else 0.0))
    for pattern, rate in fixed:
        if re.search(pattern, words):
            return rate
    bare_days = re.fullmatch(rf"(?:about |like |maybe |around |prolly |probably )?{_RANGE} days?", words)
    if bare_days:
        return min(7.0, _mean(bare_days.group(1), bare_days.group(2)))
    return _weekdays_per_week(words)


_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY_ABBR = {"mon": "monday", "tue": "tuesday", "tues": "tuesday", "wed": "wednesday", "thu": "thursday",
             "thur": "thursday", "thurs": "thursday", "fri": "friday", "sat": "saturday", "sun": "sunday",
             "satur": "saturday", "wednes": "wednesday"}


_WEEKDAY_SPAN = re.compile(r"\bweekdays\b|\bmon(?:day)?s? (?:to|through|thru|till|until|-) fri(?:day)?s?\b")
_WEEKDAYS_OFF = re.compile(r"\bweekdays (?:(?!weekends?\b)\w+ )?(?:no|not|never|nothing|off)\b|"
                           r"\b(?:not|never|no) (?:on )?weekdays\b")
_WEEKENDS_OFF = re.compile(r"\bweekends? (?:\w+ )?(?:off|free|descansa|descanso|rests?|no|not|nothing)\b|"
                           r"\b(?:not|never|except|but not|off)(?: on)?(?: the)? weekends?\b")


_DAY = r"(?:mon|tue|tues|wednes|wed|thu|thur|thurs|fri|satur|sat|sun)(?:day)?s?"
_OFF_DAY = rf"(?:{_DAY}|weekends?)"
_EVERY_DAY_BUT = re.compile(rf"\b(?:every day|everyday|daily) (?:but|except|except for|other than|besides|menos|"
                            rf"excepto|salvo)((?: (?:not|no|on|the|el|los|and|y|or|o))* {_OFF_DAY}"
                            rf"(?:(?: and| y| or| o|,)+ {_OFF_DAY})?)\b")


def _weekday_span(words: str) -> float | None:
    """"monday to friday ... the weekend he rests" -> 5 (before "weekends" alone reads 2); both -> 7."""
    if not _WEEKDAY_SPAN.search(words) or _WEEKDAYS_OFF.search(words):
        return None
    if re.search(r"\bweekends?\b", words) and not _WEEKENDS_OFF.search(words):
        return 7.0
    return 5.0


def _weekdays_per_week(words: str) -> float | None:
    """"tues thurs sat" -> 3, "every sunday" / "friday nights" -> 1 (a span, "mon thru fri": ``_weekday_span``)."""
    named = set()
    for match in re.finditer(rf"\b({_DAY})\b", words):
        stem = match.group(1).removesuffix("s").removesuffix("day")
        named.add(_DAY_ABBR.get(stem, stem))
    return float(len(named)) if named else None


def _frequency_choice(question: Question, rate: float) -> str | None:
    for choice in question.choices:
        low, high = choice.per_week  # type: ignore[misc]
        if rate >= low and (high is None or rate < high):
            return choice.id
    return None


# ---- numbers ------------------------------------------------------------------------------------
# the one number question asks for drinks: "i don't drink", "he does not drink at all", "no tomo" are 0
_NOT_A_DRINKER = re.compile(r"(?:(?:i|he|she|they|we) )?(?:do|does) not drink"
                            r"(?: at all| alcohol| anymore| any more| ever)?"
                            r"|(?:yo |el |ella )?no (?:tomo|bebo|toma|bebe)(?: nada| alcohol| nunca)?")


def parse_number(text: str, units: dict[str, int] | None = None) -> int | None:
    """A whole number from free text ("twelve", "3-4" -> 4, "a six pack" -> 6); None when unclear.

    A number said last as the answer wins ("he says 2 but i find more, like 8" -> 8); "a six pack plus 3
    shots" adds up; "no more than 4" is 4."""
    words = answer_form(text)
    if not words:
        return None
    if (re.fullmatch(r"(?:none|zero|0|nothing|i do not|do not|not any|no drinks?)", words)
            or _NOT_A_DRINKER.fullmatch(words)):
        return 0
    # "un doce" / "a 12 (pack)": the article in front of a count is not a second number
    words = re.sub(r"\b1 (?=\d)", "", _numberize(words).replace("1 times", "1"))
    if re.match(r"(?:none|zero|0|nothing|not any|no drinks?)\b(?!.*\d)", words):
        return 0  # "none, i don't drink", "ninguna, no tomo"
    has_number = bool(re.search(r"\d", words))
    vague = r"\b(?:a lot|lots|many|too many|plenty|loads|tons|a bunch|do not know|not sure|lose count|lost count)\b"
    if re.search(r"\btimes\b", words) or (re.search(vague, words) and not has_number):
        return None
    # someone's own count, then what the writer sees: "él dice que dos, pero yo cuento cuatro latas" -> 4
    seen = re.search(rf"\b(?:says?|said|claims?|tells? me|told me|dice|dijo|segun)\b[^.]*?\b(?:but|pero)\b"
                     rf"(?!.*\b(?:but|pero)\b)[^\d]*?{_NUM}(?!.*\d)", words)
    if seen:
        return int(round(float(seen.group(1))))
    final = re.search(rf"\b(?:so|like|about|maybe|around|prolly|probably|more like|at least|usually|bueno|digo|"
                      rf"i mean|actually|mas bien) "
                      rf"{_NUM}(?:\s*(?:-|or|to)\s*{_NUM})?\s*(?:drinks?|beers?|shots?|cans?)?"
                      rf"(?:\s+(?:if i am honest|to be honest|si soy honest[oa]|la verdad|honestly|for real|i guess|"
                      rf"i think|creo))?\s*$", words)
    if final:
        return int(round(float(final.group(2) or final.group(1))))
    summed = _drinks_added(words)
    if summed is not None:
        return summed
    for phrase, amount in sorted((units or {}).items(), key=lambda p: -len(p[0])):
        pattern = rf"(?:(\d+(?:\.\d+)?)\s+|\b(?:a whole|a full|a|an|one|half a)\s+){re.escape(phrase)}s?\b"
        match = re.search(pattern, words)
        if match:
            qty = float(match.group(1)) if match.group(1) else (0.5 if "half a" in match.group(0) else 1.0)
            extra = re.search(rf"(?:\b(?:plus|and|y)|\+) (?:about |like |unos |unas )?{_NUM} {_DRINK_WORDS}\b",
                              words[match.end():])
            return int(round(qty * amount)) + (int(float(extra.group(1))) if extra else 0)
    at_most = re.search(rf"\b(?:no|not|never|never have|do not have|do not drink) (?:more|less) than {_NUM}\b", words)
    if at_most:
        return int(float(at_most.group(1)))  # "no more than 4" is 4, "never less than 10" is 10
    more = re.search(rf"\b(?:more than|over|at least|upwards of) {_NUM}\b|{_NUM}\s*(?:\+|or more|plus)",
                     words)
    if more:
        value = float(more.group(1) or more.group(2))
        return int(value) + (1 if more.group(1) and "at least" not in more.group(0) else 0)
    less = re.search(rf"\b(?:less than|under|fewer than|below) {_NUM}\b", words)
    if less:
        return max(0, int(float(less.group(1))) - 1)
    numbers = re.findall(rf"{_NUM}(?:\s*(?:-|or|to)\s*{_NUM})?", words)
    if len(numbers) != 1:
        return None
    low, high = numbers[0]
    value = float(high) if high else float(low)
    return int(round(value))


_DRINK_WORDS = (r"(?:drinks?|beers?|shots?|cans?|glass(?:es)?|tallboys?|seltzers?|cervezas?|chelas?|cheves?|"
                r"tequilas?|copas?|tragos?|latas?|caguamas?|wines?)")
_DRINK_COUNT = re.compile(rf"\b(\d+(?:\.\d+)?|a|an|un|una)\s+(?:more\s+|mas\s+)?(?:\w+\s+)?{_DRINK_WORDS}\b"
                          r"|\b(\d+(?:\.\d+)?)\s+(?:more|mas)\b")
_NOT_A_SUM = re.compile(r"\b(?:or|o|to|tops|max|maximum|at most|sometimes|a veces|but|pero|usually|normally)\b|-")


def _drinks_added(words: str) -> int | None:
    """Counts of drinks joined by "and" / "y" / "plus" add up ("four shots and a beer" -> 5, "3 cervezas y 4
    tequilas" -> 7, "1 chela ... y about 6 mas" -> 7); alternatives and ranges ("2 or 3", "sometimes") do not."""
    counts = list(_DRINK_COUNT.finditer(words))
    if len(counts) < 2:
        return None
    total = 0.0
    for previous, match in zip(counts, counts[1:], strict=False):
        between = words[previous.end():match.start()]
        if not re.search(r"\b(?:and|y|plus)\b|\+|,", between) or _NOT_A_SUM.search(between):
            return None
    for match in counts:
        amount = match.group(1) or match.group(2)
        total += 1.0 if amount in ("a", "an", "un", "una") else float(amount)
    return int(round(total))


# ---- last use -----------------------------------------------------------------------------------
_UNIT_DAYS = {"hour": 1 / 24, "day": 1, "night": 1, "week": 7, "weekend": 7, "month": 30, "year": 365}
_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], start=1)}
_MONTH_ABBR = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
               "oct": 10, "nov": 11, "dec": 12}
_WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
             "sunday": 6, "tue": 1, "tues": 1, "thu": 3, "thur": 3, "thurs": 3, "fri": 4}
_MONTH_RE = "|".join(sorted(list(_MONTHS) + list(_MONTH_ABBR), key=len, reverse=True))
_WEEKDAY_RE = "|".join(sorted(_WEEKDAYS, key=len, reverse=True))


# A bare span ("10 days") is not how long ago when it is a duration of use, the future, an age or a rate
_NOT_AGO_BEFORE = re.compile(r"\b(?:for|in|every|each|per|a|an|times|using|drinking|smoking|old|age|aged)\s+"
                             r"(?:about |around |like |maybe |over |nearly |almost |the past |the last )?$")
_NOT_AGO_AFTER = re.compile(r"\s*(?:old|of|in a row|straight|per|a)\b")
_RATE = re.compile(r"\b(?:per|every|each|times|a (?:day|week|month|year)|in a row|straight)\b")


def days_since_last_use(text: str, today: dt.date | None = None) -> int | None:
    """Days since last use from free text (0 = today); None when unclear.

    When several times are mentioned ("drank yesterday, before that clean 6 months") the most recent
    one counts, since that is the last use."""
    today = today or dt.date.today()
    words = answer_form(text)
    if not words:
        return None
    nums = _durations(_numberize(words))
    found: list[int] = []
    if re.search(r"\b(?:right now|today|this morning|this afternoon|this evening|tonight|earlier today|"
                 r"just now|currently|still using|still drinking|still use|still drink|i am high|i am drunk|"
                 r"on it now|this am|an hour ago|1 hour ago|few hours ago|last hour|as we speak|this week|"
                 r"(?:[1-9]|1\d|2[0-3]) hours? ago|\d+ minutes? ago|an? (?:hour|minute) ago|"
                 r"(?:use|using|drink|drinking|high|drunk) now|"
                 r"(?:right |just )?before (?:i (?:texted|messaged|wrote|called|started this|got on here)|"
                 r"this (?:chat|conversation|message|text)))\b",
                 nums):
        found.append(0)
    # "every day" says use is ongoing, unless a more specific time is given ("used to ... daily, stopped ...")
    habitual = bool(re.search(r"\b(?:every day|everyday|daily|all day|every night|nightly)\b", nums))
    if re.search(r"\bday before yesterday\b", words):
        found.append(2)
    elif re.search(r"\b(?:yesterday|last night|last evening|late last night|overnight)\b", words):
        found.append(1)
    if re.search(r"\bthe other day\b", words):
        found.append(3)
    # "weekend" reads "weekends" after the Spanish terms' shared spelling ("fin de semana")
    for match in re.finditer(r"\blast (week|weekend|month|year)s?\b", words):
        found.append({"week": 7, "weekend": 7, "month": 30, "year": 365}[match.group(1)])
    # "3 days ago", "clean 6 months", "6 months sober", "2 weeks clean", "for a year", "2-3 weeks ago"
    duration = (rf"{_NUM}(?:\s*(?:-|to|or)\s*{_NUM})?\s*"
                r"(hour|day|night|week|weekend|month|year)s?\b")
    spans: list[int] = []
    for match in re.finditer(duration, nums):
        low = float(match.group(1))
        days = int(round(low * _UNIT_DAYS[match.group(3)]))
        context = nums[max(0, match.start() - 30): match.end() + 30]
        alone = re.fullmatch(rf"(?:about |around |maybe |like |roughly |almost |over |nearly )?"
                             rf"{re.escape(match.group(0))}", nums)
        back = re.match(r"\s*back\b", nums[match.end():])  # "about a month back"
        if alone or back or re.search(r"\b(?:ago|hace|clean|sober|abstinent|without|off|quit|stopped|dry|free|prior|"
                                      r"its been|it is been|it has been|been clean|been sober|at least|since)\b",
                                      context):
            found.append(days)
        elif not _NOT_AGO_BEFORE.search(nums[:match.start()]) and not _NOT_AGO_AFTER.match(nums[match.end():]):
            # the one span in a reply to "when did you last use?" ("idk, like 10 days") is how long ago
            spans.append(days)
    # bare "weeks ago" / "months ago" / "years ago": the shortest such span, to stay on the safe side
    for match in re.finditer(r"\b(?<!\d )(days|weeks|months|years) ago\b", nums):
        found.append({"days": 2, "weeks": 14, "months": 60, "years": 365}[match.group(1)])
    found += _dates(words, today)
    if not found and len(spans) == 1 and not _RATE.search(words):
        found += spans
    if not found and habitual and not re.search(r"\bused to\b", words):
        found.append(0)
    if not found:
        return None
    value = min(found)
    return value if 0 <= value <= 36500 else None


def _dates(words: str, today: dt.date) -> list[int]:
    out = []
    iso = re.search(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b", words)
    if iso:
        with contextlib.suppress(ValueError):
            out.append((today - dt.date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))).days)
    for match in re.finditer(rf"\b({_MONTH_RE})\b(?:\s+(\d{{1,2}})\b)?(?:\s*,?\s*(\d{{4}})\b)?", words):
        name, day, year = match.group(1), match.group(2), match.group(3)
        may_month = re.search(r"\b(?:since|in|last|early|late|mid) may\b", words)
        if name == "may" and not (day or year or may_month):
            continue  # "may" as a verb
        month = _MONTHS.get(name) or _MONTH_ABBR[name]
        day_n = int(day) if day else 1
        before = re.search(rf"\b(\d{{1,2}})\s+(?:of\s+)?{name}\b", words)
        if before and not day:
            day_n = int(before.group(1))
        try:
            if year:
                when = dt.date(int(year), month, day_n)
            else:
                when = dt.date(today.year, month, day_n)
                if when > today:
                    when = dt.date(today.year - 1, month, day_n)
        except ValueError:
            continue
        out.append((today - when).days)
    for match in re.finditer(rf"\b(?:(last|this past|past|on|this)\s+)?({_WEEKDAY_RE})(?:day)?\b", words):
        target = _WEEKDAYS[match.group(2)]
        back = (today.weekday() - target) % 7
        out.append(back or 7)
    year_only = re.search(r"\bsince (\d{4})\b", words)
    if year_only and not iso:
        year = int(year_only.group(1))
        if 1900 < year <= today.year:
            out.append((today - dt.date(year, 1, 1)).days)
    in_year = re.search(r"\b(?:in|back in|during) (\d{4})\b", words)
    if in_year and 1900 < int(in_year.group(1)) < today.year:
        out.append((today - dt.date(int(in_year.group(1)), 12, 31)).days)
    if re.search(r"\bsince (?:christmas|xmas)\b", words):
        when = dt.date(today.year, 12, 25)
        out.append((today - (when if when <= today else dt.date(today.year - 1, 12, 25))).days)
    if re.search(r"\bsince new years?\b", words):
        out.append((today - dt.date(today.year, 1, 1)).days)
    season = re.search(r"\b(?:last|this past) (summer|fall|autumn|winter|spring)\b", words)
    if season:  # the middle of the last such season that has ended ("last summer", said in december: ~140 days)
        month = _SEASON_MIDDLE[season.group(1)]
        when = dt.date(today.year, month, 15)
        while (today - when).days < 45:  # that season has not ended yet: the one a year before
            when = dt.date(when.year - 1, month, 15)
        out.append((today - when).days)
    return [d for d in out if d >= 0]


_SEASON_MIDDLE = {"winter": 1, "spring": 4, "summer": 7, "fall": 10, "autumn": 10}


# ---- dispatcher ---------------------------------------------------------------------------------
def parse_answer(question: Question, text: str, *, today: dt.date | None = None) -> ParsedAnswer:
    """Parse ``text`` as an answer to ``question``. Never raises on any input; never guesses."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    text = text[:2000]
    words = answer_form(text)
    if not words:
        return _unclear()
    qtype = question.type
    if qtype == "free_text":
        return ParsedAnswer(OK, " ".join(text.split())[:MAX_FREE_TEXT])

    if question.choices and qtype != "multi_choice":
        choice = _whole_reply_choice(question, words)
        if choice is not None:
            return _choice_value(question, choice) if choice else _unclear()

    if qtype == "yes_no_unsure":
        return parse_yes_no(text)
    if qtype == "multi_choice":
        return _parse_multi(question, words)
    if qtype == "single_choice":
        return _one_choice(question, words)
    if qtype == "frequency":
        rate = days_per_week(text)
        if rate is not None:
            chosen = _frequency_choice(question, rate)
            if chosen is not None:
                return ParsedAnswer(OK, chosen)
        return _one_choice(question, words)
    if qtype == "number":
        value = parse_number(text, dict(question.units))
        if value is None or not question.check_value(value):
            return _unclear()
        return ParsedAnswer(OK, value)
    if qtype == "last_use":
        days = days_since_last_use(text, today)
        return ParsedAnswer(OK, days) if days is not None and question.check_value(days) else _unclear()
    return _unclear()


def _choice_value(question: Question, choice_id: str) -> ParsedAnswer:
    choice = question.get_choice(choice_id)
    if question.type == "last_use":
        return ParsedAnswer(OK, choice.days) if choice and choice.days is not None else _unclear()
    if question.type == "multi_choice":
        return ParsedAnswer(OK, [choice_id])
    return ParsedAnswer(OK, choice_id)


def _parse_multi(question: Question, words: str) -> ParsedAnswer:
    exact = _exact_choice(question, words)
    if exact is not None:
        return ParsedAnswer(OK, [exact])
    numbers_only = _numberize(words)
    if _LIST_OF_NUMBERS.match(numbers_only):
        indexes = [int(n) - 1 for n in re.findall(r"\d{1,2}", numbers_only)]
        if any(i < 0 or i >= len(question.choices) for i in indexes):
            return _unclear()
        ids = list(dict.fromkeys(question.choices[i].id for i in sorted(set(indexes))))
        return _finish_multi(question, ids)
    return _finish_multi(question, *_choice_hits(question, words))


def _finish_multi(question: Question, ids: list[str], coverage: float = 1.0) -> ParsedAnswer:
    if not ids:
        return _unclear()
    if len(ids) > 1:
        exclusive = question.exclusive_ids
        ids = [i for i in ids if i not in exclusive]  # "alcohol, nothing else" -> alcohol
    return ParsedAnswer(OK, ids, strong=coverage >= 0.5)
