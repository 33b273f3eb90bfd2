"""Score answers against the criteria: per-area risk, the result band and every reason behind it.

The band follows the highest-risk area (the ASAM principle), never an average:

1. any area at **high** risk:
   a safety red flag -> ``urgent_safety``; a withdrawal/medical red flag -> ``detox_first``;
   otherwise (a step-up criterion) -> ``more_intensive``;
2. else any area at **moderate** risk: ``iop_review`` when a caution fired (a clinician should look at
   some answers, including every conflict between sources), otherwise ``iop_good_fit``;
3. else (all low): ``standard_outpatient`` when a lower-level criterion fired, otherwise ``iop_review``
   (nothing pointed to a level of care, e.g. answers incomplete), with an engine reason saying so.

``score`` is pure and deterministic: the same answers (in any order) give the same result.
"""

from __future__ import annotations

from typing import Any, Mapping

from bot.screening.conditions import evaluate, referenced_questions, referenced_scores
from bot.screening.model import AREAS, CriteriaSet, Questionnaire, Reason, ScreeningResult
from bot.screening.vocabulary import (
    DETOX_FIRST,
    EFFECTS,
    IOP_GOOD_FIT,
    IOP_REVIEW,
    MORE_INTENSIVE,
    RISKS,
    STANDARD_OUTPATIENT,
    UNCLEAR,
    URGENT_SAFETY,
    Band,
)

NO_PATTERN_ID = "no_clear_pattern"


def score(answers: Mapping[str, Any], questionnaire: Questionnaire, criteria: CriteriaSet) -> ScreeningResult:
    """Score ``answers`` (question id -> stored value) and return a ``ScreeningResult``.

    Answers to questions that do not apply (skip logic) are ignored; malformed values count as
    ``"unclear"``. Works on partial answers too (e.g. mid-screening), with ``complete`` False.
    """
    applicable, effective = questionnaire.walk(answers or {})
    scores = questionnaire.scores(effective)

    def lookup(name: str):
        found = scores.get(name)
        return None if found is None else (found.value, found.complete)

    fired = [c for c in criteria if evaluate(c.condition, effective, lookup)]
    area_risks = {area: "low" for area in AREAS}
    for criterion in fired:
        current = RISKS.index(area_risks[criterion.area])
        if criterion.risk is not None and RISKS.index(criterion.risk) > current:
            area_risks[criterion.area] = criterion.risk

    reasons = [_reason(c, effective, questionnaire, scores) for c in fired]
    band, extra = _band(fired, area_risks)
    if extra is not None:
        reasons.append(extra)
    order = {c.id: i for i, c in enumerate(criteria)}
    reasons.sort(key=lambda r: (EFFECTS.index(r.effect), order.get(r.criterion_id, len(order))))

    unanswered = tuple(q.id for q in applicable if q.id not in effective)
    unclear = tuple(qid for qid, value in effective.items() if value == UNCLEAR)
    return ScreeningResult(
        band=band,
        band_label=criteria.bands[band].label,
        area_risks=area_risks,
        reasons=tuple(reasons),
        criteria_version=criteria.version,
        questionnaire_version=questionnaire.version,
        scores=scores,
        complete=not unanswered,
        unanswered=unanswered,
        unclear=unclear,
        answered_count=len(effective),
        band_text=criteria.bands[band],
    )


def _band(fired, area_risks: Mapping[str, str]) -> tuple[Band, Reason | None]:
    """(band, optional engine reason) from the fired criteria and the highest area risk."""
    top = max((RISKS.index(r) for r in area_risks.values()), default=0)
    if top == RISKS.index("high"):
        bands = {c.band for c in fired if c.risk == "high"}
        for band in (URGENT_SAFETY, DETOX_FIRST, MORE_INTENSIVE):
            if band in bands:
                return band, None
    if top == RISKS.index("moderate"):
        if any(c.effect == "caution" for c in fired):
            return IOP_REVIEW, None
        return IOP_GOOD_FIT, None
    if any(c.effect == "lower_level" for c in fired):
        return STANDARD_OUTPATIENT, None
    return IOP_REVIEW, Reason(
        criterion_id=NO_PATTERN_ID,
        effect="caution",
        area="information",
        risk=None,
        staff_text=("No criterion pointed to a level of care (answers incomplete, unclear or mixed): "
                    "a clinician should review."),
        person_text="A member of our team will go over the answers with you.",
        sources=(),
        answers={},
    )


def _reason(criterion, effective: Mapping[str, Any], questionnaire: Questionnaire, scores) -> Reason:
    used: dict[str, Any] = {}
    for qid in referenced_questions(criterion.condition):
        if qid in effective:
            used[qid] = effective[qid]
    for name in referenced_scores(criterion.condition):
        found = scores.get(name)
        if found is not None:
            for item in questionnaire.instruments[name].items:
                if item in effective:
                    used[item] = effective[item]
            used[f"{name}_score"] = found.value
    return Reason(
        criterion_id=criterion.id,
        effect=criterion.effect,
        area=criterion.area,
        risk=criterion.risk,
        staff_text=criterion.staff,
        person_text=criterion.person,
        sources=criterion.sources,
        answers=used,
        conflict=criterion.conflict,
    )
