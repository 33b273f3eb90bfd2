"""A small, safe condition language over screening answers (YAML data, never ``eval``).

A condition is a mapping with exactly one of:

* ``all: [cond, ...]`` — every condition holds
* ``any: [cond, ...]`` — at least one holds
* ``not: cond`` — the condition does not hold
* a leaf on an answer: ``{answer: <question id>, <op>: <value>}``
* a leaf on an instrument score: ``{score: <instrument id>, <op>: <number>}``

Operators:

==================  =========================================================================
``equals: v``       the answer is exactly ``v`` (a choice id, ``yes``/``no``/``unsure``, ``unclear``, a nr)
``in: [v, ...]``    the answer is one of the values
``contains: v``     a multi-choice answer includes ``v``
``contains_any``    a multi-choice answer includes at least one of the listed values
``count_gte: n``    a multi-choice answer has at least ``n`` items
``count_lte: n``    a multi-choice answer has at most ``n`` items
``gte/gt/lte/lt``   a numeric answer (or score) compares with the number
``answered: bool``  the question has (or has not) been answered; ``unclear`` counts as answered
==================  =========================================================================

Missing answers make every leaf false (except ``answered: false``), so ``not`` of a missing answer is
true. ``unclear`` only matches ``equals``/``in``. Scores: ``gte``/``gt`` use the points answered so far
(a lower bound); ``lte``/``lt`` are true only when every applicable item of the instrument is answered.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping

from bot.screening.errors import ScreeningDataError
from bot.screening.vocabulary import UNCLEAR

NUMERIC_OPS = ("gte", "gt", "lte", "lt")
VALUE_OPS = ("equals", "in")
LIST_OPS = ("contains", "contains_any", "count_gte", "count_lte")
LEAF_OPS = VALUE_OPS + LIST_OPS + NUMERIC_OPS + ("answered",)

# (score value lower bound, complete) for an instrument id, or None when nothing was answered.
ScoreLookup = Callable[[str], tuple[int, bool] | None]


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _compare(op: str, left: float, right: float) -> bool:
    if op == "gte":
        return left >= right
    if op == "gt":
        return left > right
    if op == "lte":
        return left <= right
    return left < right


def evaluate(cond: Mapping[str, Any], answers: Mapping[str, Any], scores: ScoreLookup) -> bool:
    """True when ``cond`` holds for ``answers``. ``cond`` must have been checked by ``check_condition``."""
    if "all" in cond:
        return all(evaluate(c, answers, scores) for c in cond["all"])
    if "any" in cond:
        return any(evaluate(c, answers, scores) for c in cond["any"])
    if "not" in cond:
        return not evaluate(cond["not"], answers, scores)
    op = _leaf_op(cond)
    target = cond[op]
    if "score" in cond:
        found = scores(cond["score"])
        if found is None:
            return False
        value, complete = found
        if op in ("lte", "lt") and not complete:
            return False
        return _compare(op, value, target)
    value = answers.get(cond["answer"])
    if op == "answered":
        return (value is not None) == bool(target)
    if value is None:
        return False
    if op == "equals":
        return not isinstance(value, list) and value == target
    if op == "in":
        return not isinstance(value, list) and value in target
    if op in LIST_OPS:
        if not isinstance(value, list):
            return False
        if op == "contains":
            return target in value
        if op == "contains_any":
            return any(item in value for item in target)
        if op == "count_gte":
            return len(value) >= target
        return len(value) <= target
    return _is_number(value) and _compare(op, value, target)


def _leaf_op(cond: Mapping[str, Any]) -> str:
    ops = [k for k in cond if k in LEAF_OPS]
    return ops[0]


def referenced_questions(cond: Mapping[str, Any]) -> list[str]:
    """Question ids a condition reads, in first-seen order (instrument items are not expanded)."""
    return _referenced(cond, "answer")


def referenced_scores(cond: Mapping[str, Any]) -> list[str]:
    """Instrument ids a condition reads."""
    return _referenced(cond, "score")


def _referenced(cond: Mapping[str, Any], key: str) -> list[str]:
    """The values of ``key`` ("answer" or "score") in the condition's leaves, in first-seen order."""
    found: list[str] = []

    def walk(c: Mapping[str, Any]) -> None:
        if "all" in c or "any" in c:
            for sub in c.get("all") or c.get("any"):
                walk(sub)
        elif "not" in c:
            walk(c["not"])
        elif key in c and c[key] not in found:
            found.append(c[key])

    walk(cond)
    return found


def describe(cond: Mapping[str, Any]) -> str:
    """Human-readable rendering for clinicians, e.g. ``substances contains opioids AND NOT (...)``."""
    if "all" in cond:
        return " AND ".join(_group(c) for c in cond["all"])
    if "any" in cond:
        return " OR ".join(_group(c) for c in cond["any"])
    if "not" in cond:
        return f"NOT ({describe(cond['not'])})"
    op = _leaf_op(cond)
    subject = cond.get("answer") or f"{cond['score']} score"
    target = cond[op]
    words = {
        "equals": "is", "in": "is one of", "contains": "includes", "contains_any": "includes any of",
        "count_gte": "has at least", "count_lte": "has at most", "gte": ">=", "gt": ">", "lte": "<=",
        "lt": "<",
    }
    if op == "answered":
        return f"{subject} {'answered' if target else 'not answered'}"
    if isinstance(target, list):
        target = "[" + ", ".join(str(t) for t in target) + "]"
    suffix = " items" if op in ("count_gte", "count_lte") else ""
    return f"{subject} {words[op]} {target}{suffix}"


def _group(cond: Mapping[str, Any]) -> str:
    text = describe(cond)
    return f"({text})" if ("all" in cond or "any" in cond) else text


class ConditionChecker:
    """Validates conditions against the questionnaire while loading data files.

    ``questions`` maps question id -> ``Question`` (or ``None`` when only the structure can be
    checked); ``instruments`` is the set of known instrument ids (``None``: not checked).
    """

    def __init__(self, file: str, questions: Mapping[str, Any] | None,
                 instruments: Iterable[str] | None) -> None:
        self.file = file
        self.questions = questions
        self.instruments = set(instruments) if instruments is not None else None

    def fail(self, field: str, message: str) -> ScreeningDataError:
        return ScreeningDataError(self.file, field, message)

    def check(self, cond: Any, field: str) -> None:
        if not isinstance(cond, Mapping) or not cond:
            raise self.fail(field, "a condition must be a non-empty mapping")
        combinators = [k for k in ("all", "any", "not") if k in cond]
        if combinators:
            if len(cond) != 1:
                raise self.fail(field, f"'{combinators[0]}' must be the only key, found {sorted(cond)}")
            key = combinators[0]
            if key == "not":
                self.check(cond["not"], f"{field}.not")
                return
            items = cond[key]
            if not isinstance(items, list) or not items:
                raise self.fail(f"{field}.{key}", "must be a non-empty list of conditions")
            for i, sub in enumerate(items):
                self.check(sub, f"{field}.{key}[{i}]")
            return
        self._check_leaf(cond, field)

    def _check_leaf(self, cond: Mapping[str, Any], field: str) -> None:
        subjects = [k for k in ("answer", "score") if k in cond]
        if len(subjects) != 1:
            raise self.fail(field, "a leaf needs exactly one of 'answer' or 'score' (or use all/any/not)")
        ops = [k for k in cond if k not in ("answer", "score")]
        if len(ops) != 1 or ops[0] not in LEAF_OPS:
            raise self.fail(field, f"a leaf needs exactly one operator from {list(LEAF_OPS)}, found {ops}")
        op, target = ops[0], cond[ops[0]]
        subject = subjects[0]
        name = cond[subject]
        if not isinstance(name, str) or not name:
            raise self.fail(f"{field}.{subject}", "must be a question or instrument id")
        if subject == "score":
            if self.instruments is not None and name not in self.instruments:
                raise self.fail(f"{field}.score", f"unknown instrument '{name}'")
            if op not in NUMERIC_OPS or not _is_number(target):
                raise self.fail(f"{field}.{op}", "scores take gte/gt/lte/lt with a number")
            return
        self._check_target(op, target, f"{field}.{op}")
        if self.questions is None:
            return
        if name not in self.questions:
            raise self.fail(f"{field}.answer", f"unknown question '{name}'")
        question = self.questions[name]
        if question is None:
            raise self.fail(f"{field}.answer", f"question '{name}' is not asked before this point")
        self._check_fits_question(op, target, question, field)

    def _check_target(self, op: str, target: Any, field: str) -> None:
        if op == "answered" and not isinstance(target, bool):
            raise self.fail(field, "must be true or false")
        if op in ("in", "contains_any") and (not isinstance(target, list) or not target):
            raise self.fail(field, "must be a non-empty list")
        if op in ("equals", "contains") and not isinstance(target, (str, int, float)):
            raise self.fail(field, "must be a single value")
        if op in NUMERIC_OPS and not _is_number(target):
            raise self.fail(field, "must be a number")
        if op in ("count_gte", "count_lte") and (not isinstance(target, int) or isinstance(target, bool)):
            raise self.fail(field, "must be a whole number")

    def _check_fits_question(self, op: str, target: Any, question: Any, field: str) -> None:
        qtype = question.type
        if op in LIST_OPS and qtype != "multi_choice":
            raise self.fail(f"{field}.{op}",
                            f"'{op}' needs a multi_choice question, '{question.id}' is {qtype}")
        if op in NUMERIC_OPS and qtype not in ("number", "last_use"):
            raise self.fail(f"{field}.{op}", f"'{op}' needs a number or last_use question, not {qtype}")
        if op in ("equals", "in", "contains", "contains_any"):
            values = target if isinstance(target, list) else [target]
            allowed = question.allowed_values()
            for value in values:
                if value == UNCLEAR and op in VALUE_OPS:
                    continue
                if allowed is not None and value not in allowed:
                    known = sorted(allowed)
                    raise self.fail(f"{field}.{op}",
                                    f"'{value}' is not a value of question '{question.id}' ({known})")
