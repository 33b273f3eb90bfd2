"""An answer we could not understand is listed for the clinician; on its own it does not turn a clear picture
into "IOP may fit, a clinician should look" - except where not knowing is itself a risk (safety, withdrawal,
medical)."""

from bot.screening import build_summary, score

STEP_DOWN = {"suicidal_thoughts": "no", "suicide_behavior": "no", "harm_others": "no",
             "substances": ["alcohol"], "last_use": 42, "alcohol_frequency": "2_3_week", "alcohol_amount": 6,
             "alcohol_binge": "weekly", "medical": "no", "phq_interest": "not_at_all", "phq_mood": "not_at_all",
             "mental_health": ["none"], "readiness": "ready_now", "relapse": "no", "home": ["stable"],
             "support": "strong", "recent_treatment": "residential", "attend": "yes_evening", "group": "comfortable",
             "worries": ["none"]}


def test_unclear_readiness_support_and_schedule_leave_a_clear_result_as_it_is(questionnaire, criteria):
    clear = score(STEP_DOWN, questionnaire, criteria)
    assert clear.band == "iop_good_fit"
    muddled = {**STEP_DOWN, "readiness": "unclear", "support": "unclear", "attend": "unclear"}
    result = score(muddled, questionnaire, criteria)
    assert result.band == "iop_good_fit"
    assert set(result.unclear) == {"readiness", "support", "attend"}
    summary = build_summary(result, muddled, questionnaire, for_whom="self")
    assert set(summary["unclear"]) == {"readiness", "support", "attend"}  # staff still see them


def test_unclear_where_not_knowing_is_a_risk_still_asks_for_a_clinician(questionnaire, criteria):
    for qid in ("suicidal_thoughts", "medical"):
        result = score({**STEP_DOWN, qid: "unclear"}, questionnaire, criteria)
        assert result.band == "iop_review", qid
