"""Build complete, realistic answer sets by walking the questionnaire like the bot does."""

from typing import Any

# A low-risk person: occasional cannabis, stopped 20 days ago, stable, supported, ready.
LOW_RISK: dict[str, Any] = {
    "suicidal_thoughts": "no",
    "suicide_plan": "no",
    "suicide_behavior": "no",
    "harm_others": "no",
    "substances": ["cannabis"],
    "last_use": 20,
    "withdrawal": "no",
    "seizure_history": "no",
    "use_frequency": "1_3_days_week",
    "alcohol_frequency": "monthly_or_less",
    "alcohol_amount": 2,
    "alcohol_binge": "never",
    "opioid_medication": "no",
    "medical": "no",
    "phq_interest": "not_at_all",
    "phq_mood": "not_at_all",
    "mental_health": ["none"],
    "daily_functioning": "no",
    "readiness": "ready_now",
    "relapse": "no",
    "home": ["stable"],
    "support": "strong",
    "recent_treatment": "none",
    "attend": "yes_evening",
    "group": "comfortable",
    "worries": ["none"],
}


def walk_answers(questionnaire, overrides: dict[str, Any] | None = None,
                 base: dict[str, Any] | None = None) -> dict[str, Any]:
    """Answer every question the bot would ask, in order: ``overrides`` first, then ``base`` (LOW_RISK)."""
    overrides = overrides or {}
    base = LOW_RISK if base is None else base
    answers: dict[str, Any] = {}
    for _ in range(len(questionnaire) + 1):
        question = questionnaire.next_question(answers)
        if question is None:
            return answers
        answers[question.id] = overrides.get(question.id, base.get(question.id))
        assert answers[question.id] is not None, f"no answer for {question.id}"
    raise AssertionError("questionnaire did not finish")


def reason_ids(result) -> list[str]:
    return [r.criterion_id for r in result.reasons]
