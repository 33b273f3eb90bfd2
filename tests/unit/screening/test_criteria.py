"""One test per criterion: answers that fire it, and close answers that do not."""

import pytest

from bot.screening import score

from .helpers import reason_ids, walk_answers

# criterion id -> (answers that fire it, answers that must not), both completed from the low-risk person.
CASES = {
    "suicidal_thoughts": ({"suicidal_thoughts": "yes"}, {"suicidal_thoughts": "no"}),
    "suicide_plan": ({"suicidal_thoughts": "yes", "suicide_plan": "yes"},
                     {"suicidal_thoughts": "yes", "suicide_plan": "no"}),
    "suicide_behavior": ({"suicide_behavior": "yes"}, {"suicide_behavior": "no"}),
    "harm_others": ({"harm_others": "yes"}, {"harm_others": "no"}),
    "safety_uncertain": ({"harm_others": "unsure"}, {"harm_others": "no"}),
    "withdrawal_symptoms": ({"substances": ["alcohol"], "last_use": 2, "withdrawal": "yes"},
                            {"substances": ["alcohol"], "last_use": 2, "withdrawal": "no"}),
    "withdrawal_seizure_history": ({"substances": ["alcohol"], "last_use": 3, "seizure_history": "yes"},
                                   {"substances": ["alcohol"], "last_use": 3, "seizure_history": "no"}),
    "withdrawal_uncertain": ({"last_use": "unclear"}, {"last_use": 20}),
    "benzodiazepines_recent": ({"substances": ["benzodiazepines"], "last_use": 5},
                               {"substances": ["benzodiazepines"], "last_use": 60}),
    "heavy_drinking_recent": (
        {"substances": ["alcohol"], "last_use": 2, "alcohol_frequency": "4_plus_week", "alcohol_amount": 10,
         "alcohol_binge": "weekly"},
        {"substances": ["alcohol"], "last_use": 30, "alcohol_frequency": "4_plus_week", "alcohol_amount": 10,
         "alcohol_binge": "weekly"}),
    "stopped_using": ({"last_use": 20}, {"last_use": 5}),
    "opioids_start_residential": ({"substances": ["opioids"], "last_use": 10, "opioid_medication": "no"},
                                  {"substances": ["opioids"], "last_use": 10, "opioid_medication": "no",
                                   "recent_treatment": "residential"}),
    "opioids_review": ({"substances": ["opioids"], "last_use": 10, "opioid_medication": "taking"},
                       {"substances": ["opioids"], "last_use": 10, "opioid_medication": "no"}),
    "multiple_substances": ({"substances": ["alcohol", "cannabis"]}, {"substances": ["cannabis"]}),
    "audit_c_positive": (
        {"substances": ["alcohol"], "alcohol_frequency": "2_3_week", "alcohol_amount": 3,
         "alcohol_binge": "never"},
        {"substances": ["alcohol"], "alcohol_frequency": "2_4_month", "alcohol_amount": 4,
         "alcohol_binge": "never"}),
    "frequent_drug_use": ({"use_frequency": "daily"}, {"use_frequency": "1_3_days_week"}),
    "opioid_medication_interest": ({"substances": ["opioids"], "opioid_medication": "interested"},
                                   {"substances": ["opioids"], "opioid_medication": "no"}),
    "medical_risk": ({"medical": "yes"}, {"medical": "no"}),
    "medical_uncertain": ({"medical": "unsure"}, {"medical": "no"}),
    "phq2_positive": ({"phq_interest": "more_than_half", "phq_mood": "several_days"},
                      {"phq_interest": "several_days", "phq_mood": "several_days"}),
    "co_occurring": ({"mental_health": ["anxiety"]}, {"mental_health": ["psychosis"]}),
    "psychosis_symptoms": ({"mental_health": ["psychosis"]}, {"mental_health": ["anxiety"]}),
    "not_stable_at_home": ({"mental_health": ["anxiety"], "daily_functioning": "yes"},
                           {"mental_health": ["anxiety"], "daily_functioning": "no"}),
    "daily_functioning_uncertain": ({"mental_health": ["trauma"], "daily_functioning": "unsure"},
                                    {"mental_health": ["trauma"], "daily_functioning": "no"}),
    "ready_to_change": ({"readiness": "ready_now"}, {"readiness": "unsure_how"}),
    "readiness_low": ({"readiness": "someone_else"}, {"readiness": "unsure_how"}),
    "relapse_history_conflict": ({"relapse": "yes"}, {"relapse": "no"}),
    "lower_relapse_risk": ({"relapse": "no"}, {"relapse": "unsure"}),
    "no_stable_home": ({"home": ["no_home"]}, {"home": ["unstable"]}),
    "unsafe_home": ({"home": ["unsafe"]}, {"home": ["stable"]}),
    "housing_at_risk": ({"home": ["unstable"]}, {"home": ["stable"]}),
    "others_using_at_home": ({"home": ["stable", "someone_uses"]}, {"home": ["stable"]}),
    "secure_home": ({"home": ["sober_living"]}, {"home": ["stable", "someone_uses"]}),
    "strong_support": ({"support": "strong"}, {"support": "some"}),
    "little_support": ({"support": "some"}, {"support": "strong"}),
    "no_support": ({"support": "none"}, {"support": "some"}),
    "step_down": ({"recent_treatment": "php"}, {"recent_treatment": "none"}),
    "after_detox": ({"recent_treatment": "detox"}, {"recent_treatment": "none"}),
    "step_up_from_outpatient": ({"recent_treatment": "outpatient"}, {"recent_treatment": "none"}),
    "can_attend": ({"attend": "yes_day"}, {"attend": "hard"}),
    "attendance_hard": ({"attend": "hard"}, {"attend": "yes_any"}),
    "group_comfortable": ({"group": "comfortable"}, {"group": "somewhat"}),
    "group_uncomfortable": ({"group": "uncomfortable"}, {"group": "somewhat"}),
    "cost_worry": ({"worries": ["cost"]}, {"worries": ["privacy"]}),
    "privacy_worry": ({"worries": ["privacy"]}, {"worries": ["cost"]}),
    "work_family_commitments": ({"worries": ["family_care"]}, {"worries": ["transport"]}),
    "outpatient_may_be_enough": ({}, {"support": "some"}),
}

EXPECTED_BAND_FOR_EFFECT = {
    "red_flag": {"urgent_safety", "detox_first"},
    "step_up": {"more_intensive"},
    "caution": {"iop_review"},
}


def test_every_criterion_has_a_case(criteria):
    assert set(CASES) == {c.id for c in criteria}


@pytest.mark.parametrize("criterion_id", sorted(CASES))
def test_criterion_fires_and_does_not_fire(criterion_id, questionnaire, criteria):
    fire, quiet = CASES[criterion_id]
    fired = score(walk_answers(questionnaire, fire), questionnaire, criteria)
    assert criterion_id in reason_ids(fired)
    not_fired = score(walk_answers(questionnaire, quiet), questionnaire, criteria)
    assert criterion_id not in reason_ids(not_fired)


@pytest.mark.parametrize("criterion_id", sorted(CASES))
def test_criterion_effect_reaches_the_band(criterion_id, questionnaire, criteria):
    """A red flag / step up / caution on its own moves the low-risk person to the matching band."""
    criterion = criteria.get(criterion_id)
    if criterion.effect not in EXPECTED_BAND_FOR_EFFECT:
        assert criterion.effect in ("supports_iop", "lower_level", "information")
        return
    result = score(walk_answers(questionnaire, CASES[criterion_id][0]), questionnaire, criteria)
    severity = ["urgent_safety", "detox_first", "more_intensive", "iop_review", "iop_good_fit",
                "standard_outpatient"]
    expected = criterion.band
    assert severity.index(result.band) <= severity.index(expected)
    assert result.area_risks[criterion.area] == criterion.risk


def test_reason_carries_answers_and_source(questionnaire, criteria):
    answers = walk_answers(questionnaire, {"substances": ["opioids"], "last_use": 10,
                                           "opioid_medication": "no"})
    result = score(answers, questionnaire, criteria)
    reason = next(r for r in result.reasons if r.criterion_id == "opioids_start_residential")
    assert reason.answers["substances"] == ["opioids"]
    assert reason.answers["last_use"] == 10
    assert reason.source_file == "003_101b7585de3d740d.txt"
    assert "heroin or other opioids" in reason.source_quote
    assert reason.effect == "step_up" and reason.area == "substances"


def test_score_reason_lists_instrument_items(questionnaire, criteria):
    answers = walk_answers(questionnaire, {"phq_interest": "nearly_every_day", "phq_mood": "several_days"})
    reason = next(r for r in score(answers, questionnaire,
                                   criteria).reasons if r.criterion_id == "phq2_positive")
    assert reason.answers == {"phq_interest": "nearly_every_day", "phq_mood": "several_days", "phq2_score": 4}


def test_conflict_criterion_names_both_sources(criteria):
    conflict = criteria.get("relapse_history_conflict")
    assert conflict.conflict and conflict.effect == "caution"
    files = {s.file for s in conflict.sources}
    assert files == {"003_101b7585de3d740d.txt", "002_9b1ade70224b4315.txt"}
    assert "disagree" in conflict.staff
